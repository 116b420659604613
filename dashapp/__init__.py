"""The dashboard: a Dash Pages app that reads published runs from the database."""

from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import Dash, html

from analytics.config import database_url as resolve_database_url

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def create_app(database_url: str | None = None) -> Dash:
    """Build the app; nothing touches the database until a page is requested."""
    app = Dash(
        __name__,
        use_pages=True,
        assets_folder=str(ASSETS),
        title="Customer Analytics",
        update_title=None,
        # Pages render their components only when a run exists, so callbacks may refer to
        # ids that a given page view does not contain.
        suppress_callback_exceptions=True,
    )
    app.server.config["DATABASE_URL"] = resolve_database_url(database_url)
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
