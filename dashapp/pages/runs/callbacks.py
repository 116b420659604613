"""The runs page's callbacks: each hands its inputs to the page's `update`.

Dash runs this module, like the page's layout module, afresh for every app it builds (its page
discovery runs each module under pages/ that names register_page), so every app gets these
callbacks; nothing imports it.
"""

from dash import Input, Output, State, callback

from dashapp.pages.runs import ids, update


@callback(Output(ids.RUNS_COMPARISON, "children"), Input(ids.RUNS_COMPARE, "value"))
def show_comparison(run_id):
    return update.comparison_with_previous(run_id)


@callback(
    Output(ids.RUNS_ERROR, "children"),
    Output(ids.RUNS_BODY, "children"),
    Input(ids.RUNS_UPLOAD, "contents"),
    Input(ids.RUNS_UPLOAD, "filename"),
    background=True,
    progress=[Output(ids.RUNS_PROGRESS, "value"), Output(ids.RUNS_STATUS, "children")],
    running=[
        (Output(ids.RUNS_PROGRESS, "style"), {"height": "18px"}, {"display": "none"}),
        (Output(ids.RUNS_UPLOAD, "disabled"), True, False),
    ],
    prevent_initial_call=True,
)
def analyse_upload(set_progress, contents, filename):
    return update.analyse_upload(set_progress, contents, filename)


@callback(Output(ids.RUNS_SET_ASIDE, "children"), Input(ids.RUNS_COMPARE, "value"))
def show_set_aside(run_id):
    return update.set_aside(run_id)


@callback(
    Output(ids.RUNS_SET_ASIDE_DOWNLOAD, "data"),
    Input(ids.RUNS_SET_ASIDE_EXPORT, "n_clicks"),
    State(ids.RUNS_COMPARE, "value"),
    prevent_initial_call=True,
)
def download_set_aside(_clicks, run_id):
    return update.set_aside_download(run_id)
