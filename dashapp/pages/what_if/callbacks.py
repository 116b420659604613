"""The what-if callbacks (the overview's quick what-if included): each hands the inputs to the
page's `predict`.

Dash runs this module, like the page's layout module, afresh for every app it builds (its page
discovery runs each module under pages/ that names register_page), so every app gets these
callbacks; nothing imports it.
"""

from dash import Input, Output, State, callback

from dashapp.pages.what_if import ids, predict
from dashapp.ui import ids as app_ids

# The customer the what-if answers for, and the run whose model answers.
CUSTOMER = [
    Input(app_ids.WHATIF_AGE, "value"),
    Input(app_ids.WHATIF_SALARY, "value"),
    Input(app_ids.WHATIF_PRICE, "value"),
    Input(app_ids.WHATIF_GENDER, "value"),
    State(app_ids.RUN_STORE, "data"),
]


@callback(
    Output(app_ids.WHATIF_PRICE, "value"),
    Input(ids.WI_PRODUCT, "value"),
    State(app_ids.RUN_STORE, "data"),
    prevent_initial_call=True,
)
def suggest_price(product, run_id):
    return predict.product_price(product, run_id)


@callback(
    Output(app_ids.WHATIF_PROBABILITY, "children"),
    Output(app_ids.WHATIF_BAND, "children"),
    *CUSTOMER,
)
def update_probability(age, salary, price, gender, run_id):
    # Apart from the explanation and the curves, so that the number itself arrives first.
    return predict.probability(age, salary, price, gender, run_id)


@callback(Output(ids.WI_WHY, "children"), Output(ids.WI_CONTRIBUTIONS, "figure"), *CUSTOMER)
def update_contributions(age, salary, price, gender, run_id):
    return predict.explanation(age, salary, price, gender, run_id)


@callback(
    Output(ids.WI_SENSITIVITY, "figure"), Output(ids.WI_COUNTERFACTUAL, "children"), *CUSTOMER
)
def update_price_sensitivity(age, salary, price, gender, run_id):
    return predict.price_curve(age, salary, price, gender, run_id)


@callback(
    Output(ids.WI_SEGMENT_RESULT, "children"),
    Input(ids.WI_SEGMENT, "value"),
    Input(ids.WI_PRICE_CHANGE, "value"),
    State(app_ids.RUN_STORE, "data"),
)
def update_segment_what_if(segment, change_percent, run_id):
    return predict.segment_what_if(segment, change_percent, run_id)
