"""Segment explorer, for analysts: filter the customers of a run, see where they sit and how
segments differ, share the view as a link and export the audience as CSV. It shows the latest
customer-file run, or the order-log run the link names (`?run=<id>`; see explored).

Cross-filtering: each view shows the customers that pass every filter except its own (the
scatter ignores its own selection and highlights it; the distribution ignores the segment
choice and fades the segments left out), so a selection never hides what can be selected.
"""

import dash
from dash import html
from dash.development.base_component import Component
from sqlalchemy.exc import SQLAlchemyError

from analytics.db.session import forget_engine, safe_url
from dashapp.data import queries
from dashapp.pages.common import page_options, unavailable
from dashapp.pages.segments import explored, ids, view
from dashapp.ui.components import empty_state

dash.register_page(__name__, **page_options("Segments", ids.PATH, ids.ORDER))


def layout(**query) -> html.Div | Component:
    url = queries.app_database_url()
    try:
        shown = explored.shown_run(url, query.get("run"))
        if shown is None:
            return empty_state(safe_url(url))
        run, kind = shown
        return view.page(url, run, kind, query)
    except SQLAlchemyError as error:
        # The next request reconnects (as pages.common.for_latest_run does).
        forget_engine(url)
        return unavailable(url, error)
