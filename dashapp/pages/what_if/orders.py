"""The what-if page's order-log section: a repeat customer described by recency, orders, spend
and tenure (the run's first customer to start with, any other of its customers or the typical
one on demand), and what the run's models say of them (drawn by the callbacks); one line
without an order-log run."""

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from analytics.steps.classifier import ModelVersionError
from dashapp.data import orders
from dashapp.logic.repeat_whatif import LABELS, first_customer, stored_customer
from dashapp.pages.what_if import ids
from dashapp.pages.what_if.repeat import run_models, stored_note
from dashapp.ui.components import card_header, graph_card
from dashapp.ui.figures.common import empty_figure
from dashapp.ui.orders import order_run_line

TITLE = "Will this customer order again? (order log)"
ORDER_LOG_WOULD_ADD = (
    "An order log (python -m analytics run --orders FILE) would add a repeat-customer what-if "
    "here: change days since the last order, orders and spend, and see the chance of another "
    "order, the expected orders and value, and how sure the model is."
)
INPUTS = {
    "recency_days": (ids.WI_REPEAT_RECENCY, "days"),
    "orders": (ids.WI_REPEAT_ORDERS, "on different days"),
    "aov": (ids.WI_REPEAT_AOV, "$ per order"),
    "tenure_days": (ids.WI_REPEAT_TENURE, "days"),
}


def section(url: str, run: orders.OrderRunInfo | None) -> html.Div:
    """The repeat-customer what-if for `run`, or the line saying what an order log would add."""
    if run is None:
        return html.P(ORDER_LOG_WOULD_ADD, className="text-muted mt-3", id=ids.WI_ORDER_LOG_HINT)
    heading = [
        html.H2(TITLE, className="h4 mt-4 mb-1"),
        order_run_line(run),
    ]
    try:
        models = run_models(url, run.id)
    except ModelVersionError as error:
        return html.Div([*heading, dbc.Alert(str(error), color="warning")], id=ids.WI_REPEAT)
    if models is None:
        message = "This order-log run has no repeat-purchase model."
        return html.Div([*heading, dbc.Alert(message, color="info")], id=ids.WI_REPEAT)
    first = first_customer(models.customers)
    horizon = models.scorer.value.horizon_days
    return html.Div(
        [
            *heading,
            dcc.Store(id=ids.WI_REPEAT_RUN, data=run.id),
            dbc.Row(
                [
                    dbc.Col(_customer_card(first, horizon), xs=12, lg=5),
                    dbc.Col(
                        # A nested row, so that each card is as tall as its own content.
                        dbc.Row(
                            [
                                dbc.Col(
                                    graph_card(
                                        "Why this chance",
                                        ids.WI_REPEAT_CONTRIBUTIONS,
                                        empty_figure(""),
                                        height=240,
                                        subtitle="What each number adds or takes away, in "
                                        "percentage points, against the run's typical "
                                        "customer (exact Shapley values)",
                                    ),
                                    xs=12,
                                ),
                                dbc.Col(
                                    graph_card(
                                        "The chance as the last order ages",
                                        ids.WI_REPEAT_RECENCY_CURVE,
                                        empty_figure(""),
                                        height=320,
                                        subtitle="This customer with their last order 0 to "
                                        "365 days ago; the other numbers stay as entered",
                                    ),
                                    xs=12,
                                ),
                            ],
                            className="g-3",
                        ),
                        xs=12,
                        lg=7,
                    ),
                ],
                className="g-3 mb-3",
            ),
        ],
        id=ids.WI_REPEAT,
    )


def _customer_card(first: pd.Series, horizon: int) -> dbc.Card:
    def labelled(label: str, component_id: str, control, note: str) -> dbc.Row:
        return dbc.Row(
            [
                dbc.Label(label, html_for=component_id, width=5),
                dbc.Col([control, html.Small(note, className="text-muted")], width=7),
            ],
            className="mb-2",
        )

    start = stored_customer(first).as_dict()
    numbers = [
        labelled(
            LABELS[name],
            component_id,
            # No step, min or max: the browser would send nothing for a value it deems
            # invalid, and repeat_whatif.parse explains the bounds in words.
            dbc.Input(
                id=component_id,
                type="number",
                value=start[name],
                step="any",
                inputMode="decimal",
            ),
            note,
        )
        for name, (component_id, note) in INPUTS.items()
    ]
    return dbc.Card(
        [
            card_header(
                "A repeat customer",
                "Start from a customer of this run or the typical one, then change the numbers.",
            ),
            dbc.CardBody(
                [
                    dbc.Label("Customer id (Enter to load)", html_for=ids.WI_REPEAT_CUSTOMER),
                    dbc.InputGroup(
                        [
                            dbc.Input(
                                id=ids.WI_REPEAT_CUSTOMER,
                                type="text",
                                debounce=True,
                                placeholder=f"e.g. {first['customer_id']}",
                                maxLength=64,
                            ),
                            dbc.Button(
                                "Typical customer",
                                id=ids.WI_REPEAT_TYPICAL,
                                color="secondary",
                                outline=True,
                            ),
                        ],
                        className="mb-1",
                    ),
                    html.Small(
                        stored_note(first),
                        id=ids.WI_REPEAT_PICKED,
                        className="text-muted d-block mb-3",
                        **{"aria-live": "polite"},
                    ),
                    *numbers,
                    html.Hr(),
                    html.Div(
                        f"Chance of an order in the next {horizon} days", className="kpi-label"
                    ),
                    html.Div(id=ids.WI_REPEAT_PROPENSITY, className="whatif-probability"),
                    html.P(id=ids.WI_REPEAT_VALUE, className="small mb-1"),
                    html.P(
                        id=ids.WI_REPEAT_SURE, className="small mb-1", **{"aria-live": "polite"}
                    ),
                    html.P(id=ids.WI_REPEAT_WHY, className="small mb-2"),
                    html.Small(
                        "The run's repeat classifier gives the chance; BG/NBD the expected orders, "
                        "their interval and whether the customer is still active; Gamma-Gamma "
                        "the spend per order.",
                        className="text-muted",
                    ),
                ]
            ),
        ],
        className="h-100",
    )
