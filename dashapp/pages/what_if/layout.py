"""What-if for sales staff: one customer's purchase probability, why, how it moves with price,
and what a price change would do to a whole segment."""

import dash
from dash import html

from dashapp.pages.common import for_latest_runs, page_options
from dashapp.pages.what_if import ids, orders, view

dash.register_page(__name__, **page_options("What-if", ids.PATH, ids.ORDER))


def layout(**_query) -> html.Div:
    return for_latest_runs(view.page, orders.section, "What-if")
