"""The dashboard: a Dash Pages app that reads published runs from the database."""

import os
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import Dash, html

from analytics.config import database_url as resolve_database_url
from dashapp import background, cache, jobs

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def create_app(database_url: str | None = None) -> Dash:
    """Build the app; nothing touches the database until a page is requested.

    Environment: DATABASE_URL, UPLOAD_DIR (default data/uploads), the upload limits
    (analytics.config.upload_limits: UPLOAD_MAX_MB, ANALYTICS_MAX_ROWS, ANALYTICS_MAX_COLUMNS),
    REDIS_URL (Celery jobs and a shared query cache: dashapp.background, dashapp.cache) or
    JOB_CACHE_DIR (where jobs keep their state without Redis).
    """
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
    app.layout = html.Div(
        [
            dbc.Navbar(
                dbc.Container(
                    [
                        dbc.NavbarBrand("Customer Analytics", href="/"),
                        dbc.Nav(
                            [
                                dbc.NavItem(
                                    dbc.NavLink(
                                        page["name"], href=page["relative_path"], active="exact"
                                    )
                                )
                                for page in dash.page_registry.values()
                            ],
                            navbar=True,
                        ),
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
    return app
