"""Customers: the latest order-log run's RFM grid and groups, value and customers at risk, for
managers and analysts."""

import dash
from dash import html

from dashapp.pages.common import page_options
from dashapp.pages.customers import ids, view

dash.register_page(__name__, **page_options("Customers", ids.PATH, ids.ORDER))


def layout(**_query) -> html.Div:
    return view.for_latest_order_run()
