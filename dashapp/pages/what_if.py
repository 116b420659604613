"""What-if for sales staff: one customer's purchase probability, why, how it moves with price,
and what a price change would do to a whole segment."""

import dash
import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
from dash import Input, Output, State, callback, dcc, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from analytics.steps.classifier import (
    ModelVersionError,
    contributions,
    customer_frame,
    predict_probability,
)
from dashapp.data import queries
from dashapp.logic import pricing, whatif
from dashapp.ui import figures, ids, theme
from dashapp.ui.components import for_latest_run, graph_card, page_header

dash.register_page(
    __name__, path="/what-if", name="What-if", title="What-if · Customer Analytics", order=3
)

ALL_CUSTOMERS = "all"
NOT_AVAILABLE = "—"


def layout(**_query) -> html.Div:
    return for_latest_run(_render)


def _render(url: str, run: queries.RunInfo) -> html.Div:
    data = queries.overview(url, run.id)
    header = page_header("What-if", run)
    try:
        model = queries.purchase_model(url, run.id)
    except ModelVersionError as error:
        return html.Div([header, _no_model_alert("The purchase model cannot be loaded", [error])])
    if model is None:
        return html.Div([header, _no_model_alert("This run has no purchase model", data.notes)])
    return html.Div(
        [
            dcc.Store(id=ids.RUN_STORE, data=run.id),
            header,
            dbc.Row(
                [
                    dbc.Col(_customer_card(url, run.id, data, model), xs=12, lg=4),
                    dbc.Col(
                        # A nested row, so that each card is as tall as its own content.
                        dbc.Row(
                            [
                                dbc.Col(
                                    graph_card(
                                        "Why this probability",
                                        ids.WI_CONTRIBUTIONS,
                                        figures.empty_figure(""),
                                        height=240,
                                        subtitle="What each input adds or takes away, in "
                                        "percentage points, against a typical customer (exact "
                                        "Shapley values)",
                                    ),
                                    xs=12,
                                ),
                                dbc.Col(
                                    graph_card(
                                        "Price sensitivity for this customer",
                                        ids.WI_SENSITIVITY,
                                        figures.empty_figure(""),
                                        height=320,
                                        subtitle="Purchase probability at every price in the "
                                        "data's range; the other inputs stay as entered",
                                    ),
                                    xs=12,
                                ),
                            ],
                            className="g-3",
                        ),
                        xs=12,
                        lg=8,
                    ),
                ],
                className="g-3 mb-3",
            ),
            _segment_card(data),
        ]
    )


def _no_model_alert(title: str, reasons: list) -> dbc.Alert:
    return dbc.Alert(
        [
            html.H2(title, className="h5 alert-heading"),
            *[html.P(str(reason)) for reason in reasons],
            html.P(
                "The what-if needs a purchase model: analyse a file with at least 50 customers, "
                "10 buyers and 10 non-buyers.",
                className="mb-0",
            ),
        ],
        color="warning",
    )


def _customer_card(url: str, run_id: int, data: queries.Overview, model) -> dbc.Card:
    ranges = data.feature_ranges
    products = queries.product_prices(url, run_id)
    uses_price = "Price" in model.features
    first_product = products.iloc[0] if not products.empty else None
    if first_product is not None and uses_price and pd.notna(first_product["price"]):
        price = float(first_product["price"])
    else:
        price = ranges["Price"]["median"] if uses_price else None

    def labelled(label: str, component_id: str, control, note: str | None = None) -> dbc.Row:
        return dbc.Row(
            [
                dbc.Label(label, html_for=component_id, width=4),
                dbc.Col(
                    [control, html.Small(note, className="text-muted") if note else None],
                    width=8,
                ),
            ],
            className="mb-2",
        )

    def number(component_id: str, value, disabled: bool = False) -> dbc.Input:
        # No step, min or max: the browser would send nothing for a value it deems invalid
        # (3,456 with step 100), and whatif.input_problem explains the bounds in words.
        return dbc.Input(
            id=component_id,
            type="number",
            value=value,
            step="any",
            inputMode="decimal",
            disabled=disabled,
            placeholder="not in this data" if disabled else None,
        )

    product_options = [
        {
            "label": f"{row.product} · usually {theme.money(row.price)}",
            "value": row.product,
        }
        for row in products.itertuples()
    ]
    inputs = [
        labelled("Age", ids.WHATIF_AGE, number(ids.WHATIF_AGE, ranges["Age"]["median"])),
        labelled(
            "Gender",
            ids.WHATIF_GENDER,
            dbc.Select(
                id=ids.WHATIF_GENDER,
                options=[{"label": g, "value": g} for g in ranges["genders"]],
                value=ranges["genders"][0],
            ),
        ),
        labelled(
            "Salary ($)",
            ids.WHATIF_SALARY,
            number(ids.WHATIF_SALARY, ranges["Salary"]["median"]),
        ),
        labelled(
            "Product",
            ids.WI_PRODUCT,
            dcc.Dropdown(
                id=ids.WI_PRODUCT,
                options=product_options,
                value=first_product["product"] if first_product is not None else None,
                clearable=False,
                disabled=products.empty,
                placeholder="No Product ID in this data",
            ),
            "This data has no Product ID column."
            if products.empty
            else "Fills in the product's usual price; the model itself reads only the price.",
        ),
        labelled(
            "Price ($)",
            ids.WHATIF_PRICE,
            number(ids.WHATIF_PRICE, price, disabled=not uses_price),
            None if uses_price else "This run's model does not use price.",
        ),
    ]
    return dbc.Card(
        [
            dbc.CardHeader(html.H2("Will this customer buy?", className="h6 mb-0")),
            dbc.CardBody(
                [
                    *inputs,
                    html.Hr(),
                    html.Div("Purchase probability", className="kpi-label"),
                    html.Div(id=ids.WHATIF_PROBABILITY, className="whatif-probability"),
                    html.Div(id=ids.WHATIF_BAND, className="mb-2", **{"aria-live": "polite"}),
                    html.P(id=ids.WI_WHY, className="small mb-2"),
                    html.P(id=ids.WI_COUNTERFACTUAL, className="small fw-semibold mb-2"),
                    html.Small(
                        f"{model.name}; a purchase counts as likely from {model.threshold:.0%}.",
                        className="text-muted",
                    ),
                ]
            ),
        ],
        className="h-100",
    )


def _segment_card(data: queries.Overview) -> dbc.Card:
    options = [{"label": "All customers", "value": ALL_CUSTOMERS}] + [
        {
            "label": f"{theme.segment_label(row.segment, row.name)} · {theme.count(row.size)}",
            "value": str(row.segment),
        }
        for row in data.segments.itertuples()
    ]
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.H2("What if a segment's prices change?", className="h6 mb-0"),
                    html.Small(
                        "Every customer predicted at their own price and at the changed price; "
                        "expected purchases add up probabilities, expected revenue adds up "
                        "probability × price.",
                        className="text-muted",
                    ),
                ]
            ),
            dbc.CardBody(
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                dbc.Label("Segment", html_for=ids.WI_SEGMENT),
                                dbc.Select(
                                    id=ids.WI_SEGMENT,
                                    options=options,
                                    value=options[1]["value"],
                                    className="mb-3",
                                ),
                                dbc.Label("Price change (%)", html_for=ids.WI_PRICE_CHANGE),
                                dcc.Slider(
                                    id=ids.WI_PRICE_CHANGE,
                                    min=-50,
                                    max=50,
                                    step=5,
                                    value=-10,
                                    marks={
                                        value: pricing.percent_change_label(value)
                                        for value in range(-50, 51, 25)
                                    },
                                ),
                            ],
                            xs=12,
                            lg=5,
                        ),
                        dbc.Col(
                            dcc.Loading(html.Div(id=ids.WI_SEGMENT_RESULT), delay_show=300),
                            xs=12,
                            lg=7,
                        ),
                    ],
                    className="g-3",
                )
            ),
        ],
        className="mb-3",
    )


def _model_for(run_id: int, age, salary, price):
    """The run's model (None without one) and what prevents a prediction, in words (None when
    nothing does)."""
    try:
        model = queries.purchase_model(queries.app_database_url(), run_id)
    except (SQLAlchemyError, ModelVersionError) as error:
        return None, f"Prediction unavailable: {error}"
    if model is None:
        return None, "This run has no purchase model."
    return model, whatif.input_problem(age, salary, price, needs_price="Price" in model.features)


# The customer the what-if answers for, and the run whose model answers.
CUSTOMER = [
    Input(ids.WHATIF_AGE, "value"),
    Input(ids.WHATIF_SALARY, "value"),
    Input(ids.WHATIF_PRICE, "value"),
    Input(ids.WHATIF_GENDER, "value"),
    State(ids.RUN_STORE, "data"),
]


@callback(
    Output(ids.WHATIF_PRICE, "value"),
    Input(ids.WI_PRODUCT, "value"),
    State(ids.RUN_STORE, "data"),
    prevent_initial_call=True,
)
def suggest_price(product, run_id):
    products = queries.product_prices(queries.app_database_url(), run_id)
    price = products.loc[products["product"] == product, "price"]
    if price.empty or price.isna().iat[0]:
        return no_update
    return float(price.iat[0])


@callback(
    Output(ids.WHATIF_PROBABILITY, "children"),
    Output(ids.WHATIF_BAND, "children"),
    *CUSTOMER,
)
def update_probability(age, salary, price, gender, run_id):
    # Apart from the explanation and the curves, so that the number itself arrives first.
    model, problem = _model_for(run_id, age, salary, price)
    if model is None or problem:
        return NOT_AVAILABLE, problem
    inputs = {"Age": age, "Salary": salary, "Price": price, "Gender": gender}
    probability = predict_probability(model.estimator, model.features, inputs)
    band_name, colour = whatif.band(probability)
    band = [
        dbc.Badge(band_name, color=colour, text_color="dark" if colour == "warning" else None),
        " chance of purchase",
    ]
    return theme.percent(probability), band


@callback(
    Output(ids.WI_WHY, "children"),
    Output(ids.WI_CONTRIBUTIONS, "figure"),
    *CUSTOMER,
)
def update_contributions(age, salary, price, gender, run_id):
    model, problem = _model_for(run_id, age, salary, price)
    if model is None or problem:
        return None, figures.empty_figure(problem)
    inputs = {"Age": age, "Salary": salary, "Price": price, "Gender": gender}
    baseline, shares = contributions(model.estimator, model.features, inputs, model.reference)
    return (
        whatif.explain(baseline, shares),
        figures.whatif_contributions(pd.Series(shares), baseline),
    )


@callback(
    Output(ids.WI_SENSITIVITY, "figure"),
    Output(ids.WI_COUNTERFACTUAL, "children"),
    *CUSTOMER,
)
def update_price_sensitivity(age, salary, price, gender, run_id):
    model, problem = _model_for(run_id, age, salary, price)
    if model is None or problem:
        return figures.empty_figure(problem), None
    if "Price" not in model.features:
        message = "This run's model does not use price, so no price change moves it."
        return figures.empty_figure(message), message
    prices = queries.overview(queries.app_database_url(), run_id).feature_ranges["Price"]
    grid = pricing.price_grid(prices["min"], prices["max"], price)
    inputs = {"Age": age, "Salary": salary, "Price": price, "Gender": gender}
    batch = pricing.at_prices(customer_frame(model.features, inputs), grid)
    probabilities = model.estimator.predict_proba(batch)[:, 1]
    probability_now = float(probabilities[np.searchsorted(grid, price)])
    crossing = pricing.smallest_crossing(grid, probabilities, price, model.threshold)
    curve = pd.DataFrame({"price": grid, "probability": probabilities})
    return (
        figures.price_sensitivity(curve, price, probability_now, model.threshold),
        pricing.counterfactual_text(
            crossing, probability_now >= model.threshold, grid[0], grid[-1]
        ),
    )


@callback(
    Output(ids.WI_SEGMENT_RESULT, "children"),
    Input(ids.WI_SEGMENT, "value"),
    Input(ids.WI_PRICE_CHANGE, "value"),
    State(ids.RUN_STORE, "data"),
)
def update_segment_what_if(segment, change_percent, run_id):
    url = queries.app_database_url()
    try:
        model = queries.purchase_model(url, run_id)
    except (SQLAlchemyError, ModelVersionError) as error:
        return dbc.Alert(f"Prediction unavailable: {error}", color="danger")
    if model is None:
        return html.P("This run has no purchase model.", className="text-muted")
    if "Price" not in model.features:
        return html.P("This run's model does not use price.", className="text-muted")
    change_percent = change_percent or 0
    prediction = queries.segment_prediction(
        url, run_id, None if segment == ALL_CUSTOMERS else int(segment)
    )
    prices = prediction.rows["Price"].to_numpy(dtype=float)
    changed = prediction.probability.to_numpy()
    if change_percent:
        changed_rows = prediction.rows.assign(Price=pricing.changed_prices(prices, change_percent))
        changed = model.estimator.predict_proba(changed_rows)[:, 1]
    outcome = pricing.segment_outcome(
        prices, prediction.probability.to_numpy(), changed, change_percent, prediction.customers
    )
    return _segment_table(outcome, change_percent)


def _segment_table(outcome: pricing.SegmentOutcome, change_percent: float) -> html.Div:
    header = html.Thead(
        html.Tr(
            [
                html.Th(""),
                html.Th("Now"),
                html.Th(
                    f"At {pricing.percent_change_label(change_percent)}"
                    if change_percent
                    else "Unchanged"
                ),
                html.Th("Change"),
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr([html.Th(measure), html.Td(now), html.Td(after), html.Td(difference)])
            for measure, now, after, difference in pricing.segment_outcome_rows(outcome)
        ]
    )
    return html.Div(
        [
            dbc.Table([header, body], size="sm", responsive=True, className="mb-1 small"),
            html.Small(pricing.segment_sample_note(outcome), className="text-muted"),
        ]
    )
