"""The Customers page's callback: a click on the R × FM grid opens that cell in the explorer.

Dash runs this module, like the page's layout module, afresh for every app it builds (its page
discovery runs each module under pages/ that names register_page), so every app gets this
callback; nothing imports it.
"""

from dash import Input, Output, State, callback

from dashapp.pages.customers import cell, ids


@callback(
    Output(ids.CUSTOMERS_LOCATION, "href"),
    Output(ids.RFM_CELL, "children"),
    Input(ids.RFM_GRID, "clickData"),
    State(ids.CUSTOMERS_RUN, "data"),
    prevent_initial_call=True,
)
def open_cell(click_data, run_id):
    return cell.open_cell(click_data, run_id)
