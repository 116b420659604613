"""The what-if callbacks (the overview's quick what-if included): each hands the inputs to the
page's `predict`.

Dash runs this module, like the page's layout module, afresh for every app it builds (its page
discovery runs each module under pages/ that names register_page), so every app gets these
callbacks; nothing imports it.
"""

from dash import Input, Output, State, callback, ctx

from dashapp.pages.what_if import ids, lookup, predict, repeat
from dashapp.ui import ids as app_ids

# The run whose model answers, and the customer the what-if answers for (age, salary, price,
# gender) with it.
RUN = State(app_ids.RUN_STORE, "data")
FIELDS = (app_ids.WHATIF_AGE, app_ids.WHATIF_SALARY, app_ids.WHATIF_PRICE, app_ids.WHATIF_GENDER)
CUSTOMER = [*(Input(field, "value") for field in FIELDS), RUN]


@callback(
    *(Output(field, "value") for field in FIELDS),
    Output(ids.WI_PRODUCT, "value"),
    Output(ids.WI_CUSTOMER_NOTE, "children"),
    Input(ids.WI_CUSTOMER, "value"),
    Input(ids.WI_PRODUCT, "value"),
    RUN,
    # The layout starts from the run's first customer and their product.
    prevent_initial_call=True,
)
def start_from_customer(customer_id, product, run_id):
    # A customer fills every input (their product too); a product only its usual price.
    picked = ctx.triggered_id == ids.WI_CUSTOMER
    return lookup.pick(customer_id, product, picked, run_id)


@callback(
    Output(app_ids.WHATIF_RANGE_WARNING, "children"),
    *(Input(field, "value") for field in FIELDS[:3]),
    RUN,
)
def warn_outside_the_data(age, salary, price, run_id):
    return predict.range_warning(age, salary, price, run_id)


@callback(
    Output(app_ids.WHATIF_PROBABILITY, "children"),
    Output(app_ids.WHATIF_BAND, "children"),
    *CUSTOMER,
)
def update_probability(age, salary, price, gender, run_id):
    # Apart from the explanation and the curves, so that the number itself arrives first.
    return predict.probability(age, salary, price, gender, run_id)


@callback(Output(ids.WI_INTERVAL, "children"), *CUSTOMER)
def update_interval(age, salary, price, gender, run_id):
    # Apart from the probability: the fold models take several times as long to answer.
    return predict.interval(age, salary, price, gender, run_id)


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
    RUN,
)
def update_segment_what_if(segment, change_percent, run_id):
    return predict.segment_what_if(segment, change_percent, run_id)


# The repeat-customer what-if of an order-log run: its four numbers and its run.
REPEAT_NUMBERS = (
    ids.WI_REPEAT_RECENCY,
    ids.WI_REPEAT_ORDERS,
    ids.WI_REPEAT_AOV,
    ids.WI_REPEAT_TENURE,
)
ORDER_RUN = State(ids.WI_REPEAT_RUN, "data")


@callback(
    *(Output(field, "value") for field in REPEAT_NUMBERS),
    Output(ids.WI_REPEAT_PICKED, "children"),
    Input(ids.WI_REPEAT_CUSTOMER, "value"),
    Input(ids.WI_REPEAT_TYPICAL, "n_clicks"),
    ORDER_RUN,
    # The layout starts from the run's first customer.
    prevent_initial_call=True,
)
def start_repeat_customer(customer_id, _clicks, run_id):
    return repeat.start_from(customer_id, ctx.triggered_id == ids.WI_REPEAT_TYPICAL, run_id)


@callback(
    Output(ids.WI_REPEAT_PROPENSITY, "children"),
    Output(ids.WI_REPEAT_VALUE, "children"),
    Output(ids.WI_REPEAT_SURE, "children"),
    Output(ids.WI_REPEAT_WHY, "children"),
    Output(ids.WI_REPEAT_CONTRIBUTIONS, "figure"),
    *(Input(field, "value") for field in REPEAT_NUMBERS),
    ORDER_RUN,
)
def update_repeat_customer(recency_days, orders, aov, tenure_days, run_id):
    return repeat.answer(recency_days, orders, aov, tenure_days, run_id)


@callback(
    Output(ids.WI_REPEAT_RECENCY_CURVE, "figure"),
    *(Input(field, "value") for field in REPEAT_NUMBERS),
    ORDER_RUN,
)
def update_repeat_recency_curve(recency_days, orders, aov, tenure_days, run_id):
    # Apart from the answers, so that the number itself arrives first.
    return repeat.recency_figure(recency_days, orders, aov, tenure_days, run_id)
