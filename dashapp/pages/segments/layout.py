"""Segment explorer, for analysts: filter the customers of the latest run, see where they sit
and how segments differ, share the view as a link and export the audience as CSV.

Cross-filtering: each view shows the customers that pass every filter except its own (the
scatter ignores its own selection and highlights it; the distribution ignores the segment
choice and fades the segments left out), so a selection never hides what can be selected.
"""

from functools import partial

import dash
from dash import html

from dashapp.pages.common import for_latest_run, page_options
from dashapp.pages.segments import ids, view

dash.register_page(__name__, **page_options("Segments", ids.PATH, ids.ORDER))


def layout(**query) -> html.Div:
    return for_latest_run(partial(view.page, query=query))
