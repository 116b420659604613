"""The segment explorer's callbacks: each hands the controls' values to the page's `update`.

Dash runs this module, like the page's layout module, afresh for every app it builds (its page
discovery runs each module under pages/ that names register_page), so every app gets these
callbacks; nothing imports it.
"""

from dash import Input, Output, State, callback, clientside_callback, ctx

from dashapp.pages.segments import ids, update

FILTERS = {name: Input(*prop) for name, prop in ids.FILTER_CONTROLS.items()}
FILTER_STATES = {name: State(*prop) for name, prop in ids.FILTER_CONTROLS.items()}
RUN = State(ids.SEG_RUN, "data")
X_AXIS, Y_AXIS = Input(ids.SEG_X_AXIS, "value"), Input(ids.SEG_Y_AXIS, "value")
COMPARE_A, COMPARE_B = Input(ids.SEG_COMPARE_A, "value"), Input(ids.SEG_COMPARE_B, "value")


@callback(
    output=[
        Output(ids.SEG_COUNT, "children"),
        Output(ids.SEG_DISTRIBUTION, "figure"),
        Output(ids.SEG_PROFILE_TABLE, "children"),
        Output(ids.SEG_SELECTION_NOTE, "children"),
        Output(ids.SEG_CLEAR_SELECTION, "disabled"),
        Output(ids.SEG_EXPORT, "disabled"),
    ],
    inputs={"controls": FILTERS, "run_id": RUN},
)
def update_summary(controls, run_id):
    return update.summary(controls, run_id)


@callback(
    output=[Output(ids.SEG_SCATTER, "figure"), Output(ids.SEG_SAMPLE_NOTE, "children")],
    inputs={"controls": FILTERS, "x": X_AXIS, "y": Y_AXIS, "run_id": RUN},
)
def update_scatter(controls, x, y, run_id):
    return update.scatter(controls, x, y, run_id)


@callback(
    Output(ids.SEG_COMPARISON, "children"),
    inputs={"controls": FILTERS, "a": COMPARE_A, "b": COMPARE_B, "run_id": RUN},
)
def update_comparison(controls, a, b, run_id):
    return update.comparison(controls, a, b, run_id)


@callback(
    Output(ids.SEG_URL, "search"),
    inputs={
        "controls": FILTERS,
        "x": X_AXIS,
        "y": Y_AXIS,
        "a": COMPARE_A,
        "b": COMPARE_B,
        "run_id": RUN,
    },
    prevent_initial_call=True,
)
def update_url(controls, x, y, a, b, run_id):
    return update.query_string(controls, x, y, a, b, run_id)


# Plotly reports every selected point (megabytes for 20,000 points, slow to send and parse);
# the server needs only the box or the lasso, so the browser passes on just that.
clientside_callback(
    """
    function (selected) {
        return selected ? {range: selected.range, lassoPoints: selected.lassoPoints} : null;
    }
    """,
    Output(ids.SEG_SELECTION_EVENT, "data"),
    Input(ids.SEG_SCATTER, "selectedData"),
    prevent_initial_call=True,
)


@callback(
    output=[Output(*prop) for prop in ids.FILTER_CONTROLS.values()],
    inputs={
        "reset": Input(ids.SEG_RESET, "n_clicks"),
        "bar": Input(ids.SEG_DISTRIBUTION, "clickData"),
        "selected": Input(ids.SEG_SELECTION_EVENT, "data"),
        "clear": Input(ids.SEG_CLEAR_SELECTION, "n_clicks"),
        "chosen": State(ids.SEG_SEGMENTS, "value"),
        "current": State(ids.SEG_SELECTION, "data"),
        "x": State(ids.SEG_X_AXIS, "value"),
        "y": State(ids.SEG_Y_AXIS, "value"),
        "run_id": RUN,
    },
    prevent_initial_call=True,
)
def change_filters(reset, bar, selected, clear, chosen, current, x, y, run_id):
    """Reset, a click on a segment bar and a scatter selection set the filter controls."""
    event = {"bar": bar, "selected": selected, "chosen": chosen, "current": current, "x": x, "y": y}
    return update.changed_filters(ctx.triggered_id, event, run_id)


@callback(
    Output(ids.SEG_EXPORT, "href"),
    inputs={
        "controls": FILTERS,
        "audience_id": Input(ids.SEG_AUDIENCE, "data"),
        "run_id": RUN,
    },
)
def export_audience(controls, audience_id, run_id):
    """The export button's link: the streamed CSV of the customers these filters match."""
    return update.export_link(controls, audience_id, run_id)


@callback(
    output=[
        Output(ids.SEG_AUDIENCE_MESSAGE, "children"),
        Output(ids.SEG_AUDIENCE, "data"),
        Output(ids.SEG_AUDIENCE_LIST, "children"),
    ],
    inputs={
        "clicks": Input(ids.SEG_AUDIENCE_SAVE, "n_clicks"),
        "submits": Input(ids.SEG_AUDIENCE_NAME, "n_submit"),
        "name": State(ids.SEG_AUDIENCE_NAME, "value"),
        "controls": FILTER_STATES,
        "run_id": RUN,
    },
)
def save_audience(clicks, submits, name, controls, run_id):
    """Lists the saved audiences on loading the page; the button (or Enter) saves one first."""
    saving = ctx.triggered_id in (ids.SEG_AUDIENCE_SAVE, ids.SEG_AUDIENCE_NAME)
    return update.audiences_card(saving, name, controls, run_id)
