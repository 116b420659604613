"""The page for an address that is no page: Dash Pages shows the layout of the module named
not_found_404 there. It says so and links to the pages the visitor may open."""

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashapp.hosting import auth
from dashapp.ui import ids

# Its own address is no page of the navigation: roles.PAGE_ROLES has no entry for it, so the
# menu never lists it (and hosted mode refuses it like any undeclared page).
dash.register_page(
    __name__, path="/404", name="Page not found", title="Page not found · Customer Analytics"
)


def layout(**_query) -> html.Div:
    allowed = auth.visible_pages()
    links = [
        html.Li(dcc.Link(page["name"], href=page["relative_path"]))
        for page in dash.page_registry.values()
        if page["path"] in allowed and page["path"] != "/"
    ]
    return html.Div(
        dbc.Alert(
            [
                html.H1("Page not found", className="h4 alert-heading"),
                html.P(
                    "There is no page at this address: it may be mistyped, or a link to a page "
                    "that has moved."
                ),
                html.P(dcc.Link("Back to the overview", href="/", className="alert-link")),
                *(
                    [
                        html.P("Or open one of these:", className="mb-1"),
                        html.Ul(links, className="mb-0"),
                    ]
                    if links
                    else []
                ),
            ],
            color="light",
        ),
        id=ids.NOT_FOUND,
    )
