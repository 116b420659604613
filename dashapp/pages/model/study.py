"""The model page's study of the chosen model: how it treats each gender and age band on the
holdout (with the four-fifths verdict), and the purchase rate in each sample it was built from."""

import dash_bootstrap_components as dbc
from dash import html

from dashapp.data import queries
from dashapp.pages.model import ids
from dashapp.ui import theme
from dashapp.ui.components import card_header
from dashapp.ui.fairness import fairness_body

NOT_STORED = (
    "This run has no {what}: runs stored before it was added, and Spark runs, lack it. Analyse "
    "the file again (pandas engine) to see it."
)


def study_cards(model: queries.SelectedModel) -> dbc.Row:
    return dbc.Row(
        [
            dbc.Col(fairness_card(model.fairness, model.threshold), xs=12, lg=8),
            dbc.Col(sampling_card(model.sampling), xs=12, lg=4),
        ],
        className="g-3 mb-3",
    )


def fairness_card(fairness: dict | None, threshold: float) -> dbc.Card:
    header = card_header(
        "Fairness by group (holdout)",
        f"Whom the model selects at the {threshold:.2f} threshold in each group, how many of "
        "the buyers and non-buyers it selects, and its Brier score (calibration error, lower "
        "is better). The four-fifths rule flags a group selected at under 0.8× the rate of the "
        "most selected one.",
    )
    if fairness is None:
        body = html.P(NOT_STORED.format(what="fairness"), className="text-muted mb-0")
        return dbc.Card([header, dbc.CardBody(body, id=ids.MODEL_FAIRNESS)], className="h-100")
    body = fairness_body(fairness, ids.MODEL_FAIRNESS, ids.MODEL_FAIRNESS_VERDICT)
    return dbc.Card([header, dbc.CardBody(body)], className="h-100")


def sampling_card(sampling: dict | None) -> dbc.Card:
    header = card_header(
        "Purchase rate in each sample",
        "Stratified splitting keeps the share of buyers the same in the training part, the "
        "holdout and each cross-validation fold (its validation part).",
    )
    if sampling is None:
        body = html.P(NOT_STORED.format(what="the sampling study"), className="text-muted mb-0")
        return dbc.Card([header, dbc.CardBody(body, id=ids.MODEL_SAMPLING)], className="h-100")
    parts = [
        ("Population", sampling["population_rows"], sampling["population_rate"]),
        ("Training part", sampling["train_rows"], sampling["train_rate"]),
        ("Holdout", sampling["test_rows"], sampling["test_rate"]),
        *[
            (f"CV fold {number}", rows, rate)
            for number, (rows, rate) in enumerate(
                zip(sampling["fold_rows"], sampling["fold_rates"], strict=True), start=1
            )
        ],
    ]
    table = dbc.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th("Sample"),
                        html.Th("Customers", className="text-end"),
                        html.Th("Buy", className="text-end"),
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(name),
                            html.Td(theme.count(rows), className="text-end"),
                            html.Td(theme.percent(rate), className="text-end"),
                        ]
                    )
                    for name, rows, rate in parts
                ]
            ),
        ],
        size="sm",
        responsive=True,
        hover=True,
        className="mb-0 small",
        id=ids.MODEL_SAMPLING,
    )
    return dbc.Card([header, dbc.CardBody(table)], className="h-100")
