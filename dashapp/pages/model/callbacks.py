"""The model page's callback: the threshold slider redraws whom it would contact.

Dash runs this module, like the page's layout module, afresh for every app it builds (its page
discovery runs each module under pages/ that names register_page), so every app gets these
callbacks; nothing imports it.
"""

from dash import Input, Output, State, callback

from dashapp.pages.model import ids, threshold
from dashapp.ui.ids import RUN_STORE


@callback(
    Output(ids.MODEL_CONFUSION, "figure"),
    Output(ids.MODEL_REACH, "children"),
    Input(ids.MODEL_THRESHOLD, "value"),
    State(RUN_STORE, "data"),
    # The layout already shows the stored threshold's matrix.
    prevent_initial_call=True,
)
def update_threshold(value, run_id):
    return threshold.at_threshold(value, run_id)
