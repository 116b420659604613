"""The dashboard: a Dash Pages app that reads published runs from the database."""

import atexit
import gc
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, dcc, html

from analytics.config import Settings
from dashapp.api import routes
from dashapp.data import cache
from dashapp.hosting import auth, protections, request_limits
from dashapp.jobs import manager, uploads
from dashapp.pages.segments import download
from dashapp.ui import ids

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def create_app(settings: Settings, *, hosted: bool = False) -> Dash:
    """Build the app from `settings`; nothing touches the database until a page is requested.

    Hosted mode puts every page and callback behind login with roles (see dashapp.hosting.auth) and
    raises MissingSecretKey without `settings.secret_key`. Local mode has no login: whoever
    reaches the port may do everything, so it is for 127.0.0.1 only. The API under /api/v1 asks
    for a bearer token in both modes.

    Background jobs run on Celery with `settings.redis_url` (which also holds a query cache every
    web worker shares), else in `settings.job_cache_dir`: see dashapp.jobs.manager and
    dashapp.data.cache. Uploads are saved under `settings.upload_dir` within
    `settings.upload_limits`.
    """
    app = Dash(
        # The package's name, so that Dash Pages imports the pages as dashapp.pages.<page>.
        "dashapp",
        use_pages=True,
        background_callback_manager=manager.callback_manager(settings),
        assets_folder=str(ASSETS),
        title="Customer Analytics",
        update_title=None,
        # Pages render their components only when a run exists, so callbacks may refer to
        # ids that a given page view does not contain.
        suppress_callback_exceptions=True,
    )
    app.server.config["DATABASE_URL"] = settings.database_url
    app.server.config["SNAPSHOT_DIR"] = settings.snapshot_dir
    # First: it sets each request's body limit before any other hook may read the body.
    request_limits.install(app, settings)
    uploads.install(app.server, settings)
    cache.install(app.server, settings.redis_url)
    if hosted:
        auth.install(app, settings)
    app.server.register_blueprint(routes.blueprint)
    # The explorer's streamed export, which checks the explorer's role itself.
    app.server.register_blueprint(download.blueprint)
    protections.install(app, settings, hosted=hosted, api=routes.blueprint)
    # A function, so that each visitor's navigation shows only the pages their role may open.
    app.layout = _layout
    _menu_button(app)
    return app


def settle() -> None:
    """Keep what the process holds once the app is built (about 280,000 objects: the modules of
    Dash, plotly, pandas, scikit-learn and DuckDB, the pages) out of the garbage collector's full
    passes, which would otherwise walk them all: a 140 ms pause, now and then, in whichever
    request triggers one. For the servers (wsgi.py, python -m dashapp), once the app is built."""
    gc.collect()
    gc.freeze()
    # Handed back at exit, so that the interpreter's last collection still frees them.
    atexit.register(gc.unfreeze)


def _menu_button(app: Dash) -> None:
    """On a narrow screen the menu button opens the page links; following one closes them again
    (the navigation bar stays on screen across pages, so it would otherwise stay open). On the
    app itself, not module-level: Dash hands global callbacks to the first app created only."""
    app.clientside_callback(
        f"""
        function (toggles, links, open) {{
            const triggered = dash_clientside.callback_context.triggered.map(t => t.prop_id);
            return triggered.includes("{ids.NAV_TOGGLER}.n_clicks") ? !open : false;
        }}
        """,
        Output(ids.NAV_COLLAPSE, "is_open"),
        Input(ids.NAV_TOGGLER, "n_clicks"),
        Input({"type": ids.NAV_LINK, "page": ALL}, "n_clicks"),
        State(ids.NAV_COLLAPSE, "is_open"),
        prevent_initial_call=True,
    )


def _layout() -> html.Div:
    role = auth.current_role()
    username = auth.current_username()
    allowed = auth.visible_pages()
    links = [
        dbc.NavItem(
            dbc.NavLink(
                page["name"],
                href=page["relative_path"],
                active="exact",
                id={"type": ids.NAV_LINK, "page": page["path"]},
            )
        )
        for page in dash.page_registry.values()
        if page["path"] in allowed
    ]
    account = (
        []
        if username is None
        else [
            dbc.Nav(
                [
                    dbc.NavItem(
                        dbc.NavLink(f"{username} · {role}", disabled=True, id=ids.NAV_USER)
                    ),
                    dbc.NavItem(_sign_out_form()),
                ],
                navbar=True,
                className="ms-auto",
            )
        ]
    )
    return html.Div(
        [
            dbc.Navbar(
                dbc.Container(
                    [
                        dbc.NavbarBrand("Customer Analytics", href="/"),
                        dbc.NavbarToggler(id=ids.NAV_TOGGLER, n_clicks=0),
                        dbc.Collapse(
                            [dbc.Nav(links, navbar=True), *account],
                            id=ids.NAV_COLLAPSE,
                            is_open=False,
                            navbar=True,
                        ),
                    ],
                    fluid=True,
                ),
                expand="md",
                color="dark",
                dark=True,
                className="mb-3",
            ),
            dbc.Container(dash.page_container, fluid=True, className="pb-4"),
        ]
    )


def _sign_out_form() -> html.Form:
    """Signing out is a POST with the session's CSRF token (a link would let any page sign a
    visitor out); the browser submits this form natively."""
    from flask_wtf.csrf import generate_csrf

    return html.Form(
        [
            dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
            html.Button("Sign out", type="submit", className="nav-link btn btn-link"),
        ],
        method="POST",
        action="/logout",
        id=ids.NAV_SIGN_OUT,
    )
