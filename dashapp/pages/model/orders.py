"""The model page's order-log section: the latest order-log run's repeat-purchase model (which
candidate was chosen and why, how good it is, what it relies on) and, for a backtest, how its
predictions fared against the orders that came later; one line without an order-log run."""

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import html

from dashapp.data import cache, orders
from dashapp.logic import whatif
from dashapp.pages.model import ids
from dashapp.ui import theme
from dashapp.ui.components import card_header, card_row, graph_card, kpi_card
from dashapp.ui.fairness import fairness_body
from dashapp.ui.figures.common import empty_figure
from dashapp.ui.figures.model import model_importance
from dashapp.ui.figures.model_orders import backtest_by_frequency, backtest_weekly
from dashapp.ui.orders import order_run_line

TITLE = "Repeat purchase (order log)"
CANDIDATE_COLUMNS = {"roc_auc": "CV ROC-AUC", "pr_auc": "PR-AUC", "brier": "Brier"}
ORDER_LOG_WOULD_ADD = (
    "An order log (python -m analytics run --orders FILE) would add a repeat-purchase model "
    "here: who will order again in the next 90 days, expected orders and value, and with "
    "--holdout-from a backtest against the orders that came later."
)


@cache.per_run
def _figures(url: str, run_id: int) -> dict[str, go.Figure]:
    summary = orders.order_summary(url, run_id)
    importance = (summary.repeat_model or {}).get("importance")
    backtest = summary["backtest"] or {}
    return {
        ids.MODEL_REPEAT_IMPORTANCE: model_importance(pd.DataFrame(importance))
        if importance
        else empty_figure("No feature importance stored for this model"),
        ids.MODEL_BACKTEST_WEEKLY: backtest_weekly(backtest.get("weekly")),
        ids.MODEL_BACKTEST_FREQUENCY: backtest_by_frequency(backtest.get("by_frequency")),
    }


def section(url: str, run: orders.OrderRunInfo | None) -> html.Div:
    """The repeat-purchase section of `run`, or the line saying what an order log would add."""
    if run is None:
        return html.P(ORDER_LOG_WOULD_ADD, className="text-muted mt-3", id=ids.MODEL_ORDER_LOG_HINT)
    summary = orders.order_summary(url, run.id)
    heading = [
        html.H2(TITLE, className="h4 mt-4 mb-1"),
        order_run_line(run, ids.MODEL_REPEAT_RUN),
    ]
    model = summary.repeat_model
    if model is None:
        return html.Div(
            [*heading, dbc.Alert("This order-log run has no repeat-purchase model.", color="info")],
            id=ids.MODEL_REPEAT,
        )
    drawn = _figures(url, run.id)
    return html.Div(
        [
            *heading,
            dbc.Row(
                [
                    dbc.Col(_summary(model), xs=12, lg=6),
                    dbc.Col(_candidates(model), xs=12, lg=6),
                ],
                className="g-3 mb-3",
            ),
            graph_card(
                "What the repeat model relies on",
                ids.MODEL_REPEAT_IMPORTANCE,
                drawn[ids.MODEL_REPEAT_IMPORTANCE],
                height=460,
                subtitle="Permutation importance on a sample of the training rows (mean ± std "
                "over 3 shuffles): what the model uses; cross-validation says how well.",
            ),
            _backtest(summary["backtest"], drawn, model["metrics"].get("fairness")),
        ],
        id=ids.MODEL_REPEAT,
    )


def _summary(model: dict) -> dbc.Card:
    card, cv = model["card"], model["metrics"].get("cv", {})
    about = card.get("model", {})
    candidates = card.get("evaluation", {}).get("candidates", [])
    calibrated = about.get("calibrated")
    return dbc.Card(
        [
            card_header(f"Chosen model: {model['name']}"),
            dbc.CardBody(
                [
                    html.P(
                        f"Predicts {card.get('target', 'a repeat order')}, learned from "
                        f"{theme.count(about.get('train_rows'))} rows of stacked time splits "
                        f"(features up to each cutoff, the label from the days after it). "
                        f"Chosen among {len(candidates) or 'the'} candidates by cross-validated "
                        "ROC-AUC, with folds grouped by customer."
                    ),
                    html.P(
                        [
                            html.Strong("Quality: "),
                            f"{whatif.model_quality(cv['roc_auc'])} (CV ROC-AUC "
                            f"{theme.number(cv['roc_auc'], 3)}, Brier "
                            f"{theme.number(cv.get('brier'), 3)})."
                            if "roc_auc" in cv
                            else "no cross-validated figures stored.",
                        ]
                    ),
                    html.P(
                        "Platt-calibrated: it lowered the cross-validated Brier score."
                        if calibrated
                        else "Not calibrated: Platt scaling did not lower the cross-validated "
                        "Brier score.",
                        className="mb-0",
                    ),
                ]
            ),
        ],
        className="h-100",
    )


def _candidates(model: dict) -> dbc.Card:
    candidates = model["card"].get("evaluation", {}).get("candidates", [])
    if not candidates:
        body = html.P("This run stored no comparison of candidates.", className="mb-0")
    else:
        header = html.Thead(
            html.Tr(
                [html.Th("Model")]
                + [html.Th(label, className="text-end") for label in CANDIDATE_COLUMNS.values()]
                + [html.Th("")]
            )
        )
        rows = [
            html.Tr(
                [html.Td(row["name"])]
                + [
                    html.Td(theme.number(row.get(column), 3), className="text-end")
                    for column in CANDIDATE_COLUMNS
                ]
                + [html.Td(dbc.Badge("Chosen", color="primary") if chosen else "")],
                className="table-primary" if chosen else None,
            )
            for row in candidates
            for chosen in [row["name"] == model["name"]]
        ]
        body = dbc.Table(
            [header, html.Tbody(rows)],
            size="sm",
            hover=True,
            responsive=True,
            className="mb-0",
            id=ids.MODEL_REPEAT_TABLE,
        )
    return dbc.Card(
        [
            card_header(
                "The candidates compared",
                "Cross-validated on the stacked time splits; higher is better except Brier.",
            ),
            dbc.CardBody(body),
        ],
        className="h-100",
    )


def _backtest(
    backtest: dict | None, drawn: dict[str, go.Figure], fairness: dict | None
) -> html.Div:
    if not backtest:
        return html.P(
            "No backtest in this run: analyse the log with --holdout-from DATE to see its "
            "predictions against the orders from DATE on.",
            className="text-muted mt-3",
            id=ids.MODEL_BACKTEST,
        )
    actual, predicted = backtest["actual_repeat_orders"], backtest["predicted_repeat_orders"]
    gap = (predicted - actual) / actual if actual else None
    figures = [
        ("Repeat orders", f"{theme.count(predicted)} predicted", _actual_detail(actual, gap)),
        (
            "Per customer",
            f"r = {theme.number(backtest['customer_correlation'], 2)}",
            f"correlation of predicted and actual; mean error "
            f"{theme.number(backtest['customer_mae'], 2)} orders",
        ),
        (
            "Interval coverage",
            theme.percent(backtest["interval_coverage"]),
            "of customers' actual counts inside their 90 % interval",
        ),
        (
            "Propensity",
            f"ROC-AUC {theme.number(backtest.get('roc_auc'), 3)}",
            f"PR-AUC {theme.number(backtest.get('pr_auc'), 3)}, Brier "
            f"{theme.number(backtest.get('brier'), 3)}",
        ),
    ]
    new = backtest.get("new_customers")
    return html.Div(
        [
            html.H3("Backtest: the holdout orders", className="h5 mt-4 mb-1"),
            html.P(
                f"The {theme.count(backtest['customers'])} customers known before the holdout, "
                "scored against their orders in it"
                + (f"; {theme.count(new)} orders of new customers are not scored." if new else "."),
                className="text-muted small",
            ),
            card_row([kpi_card(*figure) for figure in figures], xs=12, sm=6, xl=3),
            card_row(
                [
                    graph_card(
                        "Predicted vs actual repeat orders by week",
                        ids.MODEL_BACKTEST_WEEKLY,
                        drawn[ids.MODEL_BACKTEST_WEEKLY],
                        subtitle="Each customer's expected orders spread over the holdout as "
                        "BG/NBD expects them to accrue.",
                    ),
                    graph_card(
                        "Predicted vs actual by frequency",
                        ids.MODEL_BACKTEST_FREQUENCY,
                        drawn[ids.MODEL_BACKTEST_FREQUENCY],
                        subtitle="Holdout orders per customer, by repeat orders before it.",
                    ),
                ],
                xs=12,
                lg=6,
            ),
            _fairness(fairness),
        ],
        id=ids.MODEL_BACKTEST,
    )


def _fairness(fairness: dict | None) -> dbc.Card:
    header = card_header(
        "Fairness by customer attribute (holdout)",
        "Whom the repeat model selects (propensity at least "
        f"{theme.number((fairness or {}).get('threshold', 0.5), 2)}) in each group of the "
        "log's customer attributes, how many of those who ordered again and of the others it "
        "selects, and its Brier score. The four-fifths rule flags a group selected at under "
        "0.8× the rate of the most selected one.",
    )
    if fairness is None:
        body = html.P(
            "This backtest stored no fairness report: runs stored before it was added lack it.",
            className="text-muted mb-0",
            id=ids.MODEL_REPEAT_FAIRNESS,
        )
    else:
        body = fairness_body(fairness, ids.MODEL_REPEAT_FAIRNESS, ids.MODEL_REPEAT_FAIRNESS_VERDICT)
    return dbc.Card([header, dbc.CardBody(body)], className="mt-3")


def _actual_detail(actual: float, gap: float | None) -> str:
    if gap is None:
        return f"{theme.count(actual)} actual"
    direction = "over" if gap >= 0 else "under"
    return f"{theme.count(actual)} actual ({abs(gap):.0%} {direction})"
