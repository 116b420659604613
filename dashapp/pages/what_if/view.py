"""The what-if page: the customer card, the explanation and price curve (drawn by the callbacks)
and the segment price-change card."""

import dash_bootstrap_components as dbc
from dash import dcc, html

from analytics.steps.classifier import ModelVersionError
from dashapp.data import derived, queries
from dashapp.logic import pricing, whatif
from dashapp.pages.common import page_header
from dashapp.pages.what_if import ids, lookup
from dashapp.ui import ids as app_ids
from dashapp.ui import theme
from dashapp.ui.components import card_header, graph_card
from dashapp.ui.figures.common import empty_figure

# The segment choice that stands for every customer.
ALL_CUSTOMERS = "all"


def page(url: str, run: queries.RunInfo) -> html.Div:
    """The what-if for `run`, or why there is none (no model, or one that cannot be loaded)."""
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
            dcc.Store(id=app_ids.RUN_STORE, data=run.id),
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
                                        empty_figure(""),
                                        height=300,
                                        subtitle="From a typical customer's probability "
                                        "to this one's: what each input, at the value entered, "
                                        "adds or takes away in percentage points (exact "
                                        "Shapley values)",
                                    ),
                                    xs=12,
                                ),
                                dbc.Col(
                                    graph_card(
                                        "Price sensitivity for this customer",
                                        ids.WI_SENSITIVITY,
                                        empty_figure(""),
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
    products = derived.product_prices(url, run_id)
    uses_price = "Price" in model.features
    # Every what-if starts from the run's first customer, as the overview's does.
    first = queries.first_customer(url, run_id)
    start = whatif.customer_inputs(first if first is not None else {}, ranges)
    first_product = first.get("Product ID") if first is not None else None
    if first_product not in set(products["product"]):
        first_product = products["product"].iat[0] if not products.empty else None

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

    genders = ranges["genders"]
    inputs = [
        labelled(
            "Customer",
            ids.WI_CUSTOMER,
            html.Div(
                [
                    dbc.Input(
                        id=ids.WI_CUSTOMER,
                        type="text",
                        list=ids.WI_CUSTOMER_IDS,
                        # Sent on Enter or on leaving the field, not on every keystroke.
                        debounce=True,
                        value=str(first["Customer ID"]) if first is not None else None,
                        maxLength=lookup.MAX_ID_LENGTH,
                        placeholder="a customer id of this run",
                    ),
                    html.Datalist(
                        id=ids.WI_CUSTOMER_IDS,
                        children=[html.Option(value=i) for i in lookup.suggested_ids(url, run_id)],
                    ),
                ]
            ),
            "Type or pick an id, then Enter: every input takes that customer's values.",
        ),
        html.P(
            lookup.stored_note(first) if first is not None else None,
            id=ids.WI_CUSTOMER_NOTE,
            className="small mb-2",
            **{"aria-live": "polite"},
        ),
        labelled(
            "Age",
            app_ids.WHATIF_AGE,
            number(app_ids.WHATIF_AGE, start["Age"], disabled="Age" not in model.features),
        ),
        labelled(
            "Gender",
            app_ids.WHATIF_GENDER,
            dbc.Select(
                id=app_ids.WHATIF_GENDER,
                options=[{"label": g, "value": g} for g in genders],
                value=start["Gender"],
                disabled=not genders,
                placeholder="not in this data" if not genders else None,
            ),
        ),
        labelled(
            "Salary ($)",
            app_ids.WHATIF_SALARY,
            number(app_ids.WHATIF_SALARY, start["Salary"], disabled="Salary" not in model.features),
        ),
        labelled(
            "Product",
            ids.WI_PRODUCT,
            dcc.Dropdown(
                id=ids.WI_PRODUCT,
                options=product_options,
                value=first_product,
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
            app_ids.WHATIF_PRICE,
            number(app_ids.WHATIF_PRICE, start["Price"], disabled=not uses_price),
            None if uses_price else "This run's model does not use price.",
        ),
    ]
    return dbc.Card(
        [
            card_header("Will this customer buy?"),
            dbc.CardBody(
                [
                    *inputs,
                    html.Hr(),
                    html.Div("Purchase probability", className="kpi-label"),
                    html.Div(id=app_ids.WHATIF_PROBABILITY, className="whatif-probability"),
                    html.Div(id=app_ids.WHATIF_BAND, className="mb-2", **{"aria-live": "polite"}),
                    html.Div(id=ids.WI_INTERVAL, className="small text-muted mb-2"),
                    html.Div(id=app_ids.WHATIF_RANGE_WARNING, **{"aria-live": "polite"}),
                    html.P(id=ids.WI_WHY, className="small mb-2"),
                    html.P(id=ids.WI_COUNTERFACTUAL, className="small fw-semibold mb-2"),
                    html.Small(
                        f"{model.name}; a purchase counts as likely from {model.threshold:.0%}. "
                        + (whatif.held_inputs_note(model.features, model.reference) or ""),
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
            card_header(
                "What if a segment's prices change?",
                "Every customer predicted at their own price and at the changed price; "
                "expected purchases add up probabilities, expected revenue adds up "
                "probability × price.",
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
