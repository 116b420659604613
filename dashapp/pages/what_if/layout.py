"""What-if for sales staff: one customer's purchase probability, why, how it moves with price,
and what a price change would do to a whole segment."""

import dash
from dash import html

from dashapp.pages.common import for_latest_run
from dashapp.pages.what_if import ids, view

dash.register_page(
    __name__, path=ids.PATH, name="What-if", title="What-if · Customer Analytics", order=ids.ORDER
)


def layout(**_query) -> html.Div:
    return for_latest_run(view.page)
