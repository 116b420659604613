"""Runs & data: run history, a run against the one before it, and uploads that start a run."""

import dash
from dash import html

from dashapp.hosting import auth, roles
from dashapp.pages.common import for_latest_run, page_options
from dashapp.pages.runs import ids, view

dash.register_page(__name__, **page_options("Runs & data", ids.PATH, ids.ORDER))


def layout(**_query) -> html.Div:
    # The upload stays available with no run yet: a first-time user starts here. It starts a
    # run, which only analysts and above may do (dashapp.hosting.roles), so others do not see it.
    may_upload = roles.allows(auth.current_role(), ids.UPLOAD_ROLE)
    return html.Div(
        [
            html.H1("Runs & data", className="h3 mb-3"),
            *([view.upload_card()] if may_upload else []),
            html.Div(for_latest_run(view.body, view.body_without_customer_file), id=ids.RUNS_BODY),
        ]
    )
