"""The dashboard: a Dash Pages app that reads published runs from the database."""

import os
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import Dash, html

from analytics.config import database_url as resolve_database_url
from dashapp import api, auth, background, cache, ids, jobs, roles

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def create_app(
    database_url: str | None = None, *, hosted: bool = False, secret_key: str | None = None
) -> Dash:
    """Build the app; nothing touches the database until a page is requested.

    Hosted mode puts every page and callback behind login with roles (see dashapp.auth) and
    raises MissingSecretKey without a secret key (`secret_key` or $SECRET_KEY). Local mode has
    no login: whoever reaches the port may do everything, so it is for 127.0.0.1 only. The API
    under /api/v1 asks for a bearer token in both modes.

    Environment: DATABASE_URL, SECRET_KEY, UPLOAD_DIR (default data/uploads), the upload limits
    (analytics.config.upload_limits: UPLOAD_MAX_MB, ANALYTICS_MAX_ROWS, ANALYTICS_MAX_COLUMNS),
    REDIS_URL (Celery jobs and a shared query cache: dashapp.background, dashapp.cache) or
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
    return app


def _layout() -> html.Div:
    role = auth.current_role()
    username = auth.current_username()
    allowed = roles.pages_for(role)
    links = [
        dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"], active="exact"))
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
                        dbc.Nav(links, navbar=True),
                        *account,
                    ],
                    fluid=True,
                ),
                color="dark",
                dark=True,
                className="mb-3",
            ),
            dbc.Container(dash.page_container, fluid=True, className="pb-4"),
        ]
    )
