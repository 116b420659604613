"""The dashboard: a Dash Pages app that reads published runs from the database."""

import os
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, html

from analytics.config import database_url as resolve_database_url
from dashapp.api import routes as api
from dashapp.data import cache
from dashapp.hosting import auth, roles
from dashapp.jobs import manager as background
from dashapp.jobs import uploads as jobs
from dashapp.ui import ids

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def create_app(
    database_url: str | None = None, *, hosted: bool = False, secret_key: str | None = None
) -> Dash:
    """Build the app; nothing touches the database until a page is requested.

    Hosted mode puts every page and callback behind login with roles (see dashapp.hosting.auth) and
    raises MissingSecretKey without a secret key (`secret_key` or $SECRET_KEY). Local mode has
    no login: whoever reaches the port may do everything, so it is for 127.0.0.1 only. The API
    under /api/v1 asks for a bearer token in both modes.

    Environment: DATABASE_URL, SECRET_KEY, UPLOAD_DIR (default data/uploads), the upload limits
    (analytics.config.upload_limits: UPLOAD_MAX_MB, ANALYTICS_MAX_ROWS, ANALYTICS_MAX_COLUMNS),
    REDIS_URL (Celery jobs and a shared query cache: dashapp.jobs.manager, dashapp.data.cache) or
    JOB_CACHE_DIR (where jobs keep their state without Redis).
    """
    if hosted:
        secret_key = auth.require_secret_key(secret_key)
    url = resolve_database_url(database_url)
    jobs.configure(
        database_url=url,
        upload_dir=Path(os.environ.get("UPLOAD_DIR", "data/uploads")),
    )
    app = Dash(
        __name__,
        use_pages=True,
        background_callback_manager=background.callback_manager(),
        assets_folder=str(ASSETS),
        title="Customer Analytics",
        update_title=None,
        # Pages render their components only when a run exists, so callbacks may refer to
        # ids that a given page view does not contain.
        suppress_callback_exceptions=True,
    )
    app.server.config["DATABASE_URL"] = url
    cache.configure(app.server, os.environ.get("REDIS_URL"))
    if hosted:
        auth.install(app, secret_key)
    app.server.register_blueprint(api.blueprint)
    # A function, so that each visitor's navigation shows only the pages their role may open.
    app.layout = _layout
    _menu_button(app)
    return app


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
    allowed = roles.pages_for(role)
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
                    dbc.NavItem(dbc.NavLink("Sign out", href="/logout", external_link=True)),
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
