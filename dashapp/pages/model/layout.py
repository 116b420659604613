"""Model: which purchase model was chosen and why, how good it is, and whom a score threshold
would contact, for analysts and managers."""

import dash
from dash import html

from dashapp.pages.common import for_latest_runs, page_options
from dashapp.pages.model import ids, orders, view

dash.register_page(__name__, **page_options("Model", ids.PATH, ids.ORDER))


def layout(**_query) -> html.Div:
    return for_latest_runs(view.page, orders.section, "Model")
