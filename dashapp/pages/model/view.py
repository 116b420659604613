"""The model page: the chosen model and why, the candidates compared, its card and curves."""

import json

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from dashapp.data import cache, queries
from dashapp.logic import modelview, whatif
from dashapp.pages.common import page_header
from dashapp.pages.model import ids
from dashapp.pages.model.study import study_cards
from dashapp.pages.model.threshold import threshold_card
from dashapp.ui import theme
from dashapp.ui.components import card_header, card_row, graph_card
from dashapp.ui.figures.model import (
    model_calibration,
    model_confusion,
    model_importance,
    model_lift,
    model_precision_recall,
    model_roc,
)
from dashapp.ui.ids import RUN_STORE

COMPARISON_COLUMNS = {
    "roc_auc": "CV ROC-AUC",
    "pr_auc": "PR-AUC",
    "brier": "Brier",
    "log_loss": "Log-loss",
    "accuracy": "Accuracy",
    "f1": "F1",
}


# A published run never changes, so its figures are built once per run: the six take ~300 ms
# (mostly theme.base_layout's template), which every page load would otherwise pay.
@cache.per_run
def _figures(url: str, run_id: int) -> dict[str, go.Figure]:
    model = queries.model_report(url, run_id).selected
    return {
        ids.MODEL_LIFT: model_lift(model.lift),
        ids.MODEL_ROC: model_roc(model.roc, model.holdout_metrics["roc_auc"]),
        ids.MODEL_PR: model_precision_recall(
            model.pr,
            model.holdout_metrics["pr_auc"],
            modelview.holdout_purchase_rate(model.holdout),
        ),
        ids.MODEL_CALIBRATION: model_calibration(model.calibration),
        ids.MODEL_IMPORTANCE: model_importance(model.importance),
        ids.MODEL_CONFUSION: model_confusion(
            modelview.holdout_confusion(model.holdout, model.threshold).as_frame(),
            model.threshold,
        ),
    }


def page(url: str, run: queries.RunInfo) -> html.Div:
    """The page for `run`; the designed state of a run without a model."""
    report = queries.model_report(url, run.id)
    model = report.selected
    if model is None:
        return html.Div([page_header("Model", run), _no_model(report.notes)])
    drawn = _figures(url, run.id)
    return html.Div(
        [
            dcc.Store(id=RUN_STORE, data=run.id),
            page_header("Model", run, report.notes),
            dbc.Row(
                [
                    dbc.Col(_summary(report.comparison, model), xs=12, lg=7),
                    dbc.Col(_model_card(model), xs=12, lg=5),
                ],
                className="g-3 mb-3",
            ),
            _comparison_table(report.comparison, model),
            study_cards(model),
            dbc.Row(
                [
                    dbc.Col(threshold_card(model, drawn[ids.MODEL_CONFUSION]), xs=12, lg=5),
                    dbc.Col(
                        graph_card(
                            "Lift and buyers reached by score decile",
                            ids.MODEL_LIFT,
                            drawn[ids.MODEL_LIFT],
                            height=440,
                            subtitle="Holdout customers ranked by score, in tenths: how much "
                            "likelier each tenth is to buy than average, and the share of "
                            "all buyers found so far.",
                        ),
                        xs=12,
                        lg=7,
                    ),
                ],
                className="g-3 mb-3",
            ),
            card_row(
                [
                    graph_card(
                        "ROC curve (holdout)",
                        ids.MODEL_ROC,
                        drawn[ids.MODEL_ROC],
                        subtitle="Buyers reached against non-buyers contacted, over every "
                        "threshold.",
                    ),
                    graph_card(
                        "Precision and recall (holdout)",
                        ids.MODEL_PR,
                        drawn[ids.MODEL_PR],
                        subtitle="Share of contacts who buy against share of buyers reached.",
                    ),
                ],
                xs=12,
                md=6,
            ),
            card_row(
                [
                    graph_card(
                        "Calibration (holdout)",
                        ids.MODEL_CALIBRATION,
                        drawn[ids.MODEL_CALIBRATION],
                        subtitle="When the model says 70 %, do about 70 % buy?",
                    ),
                    graph_card(
                        "What the model relies on",
                        ids.MODEL_IMPORTANCE,
                        drawn[ids.MODEL_IMPORTANCE],
                        subtitle="Permutation importance on the holdout (mean ± std over "
                        "5 shuffles).",
                    ),
                ],
                xs=12,
                md=6,
            ),
        ]
    )


def _no_model(notes: list[str]) -> dbc.Alert:
    return dbc.Alert(
        [
            html.H2("No purchase model in this run", className="h4 alert-heading"),
            html.P(f"This run has no purchase model: {modelview.no_model_reason(notes)}"),
            html.P(
                "Its segments and overview are still available. Analyse a larger file to get "
                "a model, its comparison with the other candidates and its threshold tool.",
                className="mb-0",
            ),
        ],
        color="info",
        id=ids.MODEL_MISSING,
    )


def _summary(comparison, model: queries.SelectedModel) -> dbc.Card:
    holdout = model.holdout_metrics
    test_rows = model.card.get("evaluation", {}).get("test_rows", model.holdout["customers"].sum())
    return dbc.Card(
        [
            card_header(f"Chosen model: {model.name}"),
            dbc.CardBody(
                [
                    html.P(modelview.choice_sentence(comparison)),
                    html.P(
                        [
                            html.Strong("Quality: "),
                            f"{whatif.model_quality(holdout['roc_auc'])} among the "
                            f"{theme.count(test_rows)} holdout customers it never saw (ROC-AUC "
                            f"{theme.number(holdout['roc_auc'], 3)}); at a "
                            f"{model.threshold:.2f} threshold it classifies "
                            f"{theme.percent(holdout['accuracy'])} of them correctly.",
                        ]
                    ),
                    html.P(
                        modelview.calibration_sentence(model.calibrated, model.cv_metrics),
                        className="mb-0",
                    ),
                ]
            ),
        ],
        className="h-100",
    )


def _model_card(model: queries.SelectedModel) -> dbc.Card:
    card = model.card
    data = card.get("data", {})
    evaluation = card.get("evaluation", {})
    sklearn_version = card.get("versions", {}).get("scikit-learn", model.sklearn_version)
    facts = [
        ("Data", f"{data.get('input', '—')} · sha256 {str(data.get('sha256', ''))[:12]}…"),
        (
            "Rows",
            f"{theme.count(data.get('rows'))}: {theme.count(data.get('buyers'))} buyers, "
            f"{theme.count(data.get('non_buyers'))} non-buyers "
            f"({theme.percent(data.get('purchase_rate'))} buy)",
        ),
        (
            "Split",
            f"{theme.count(evaluation.get('train_rows'))} training, "
            f"{theme.count(evaluation.get('test_rows'))} holdout, "
            f"{evaluation.get('cv_folds', '—')}-fold CV",
        ),
        ("Settings", ", ".join(f"{k}={v}" for k, v in model.params.items()) or "defaults"),
        ("Seed", str(card.get("seed", "—"))),
        ("scikit-learn", sklearn_version or "—"),
    ]
    return dbc.Card(
        [
            card_header(
                "Model card",
                ["Reproduce or review it: ", html.Code("python -m analytics model-card")],
            ),
            dbc.CardBody(
                [
                    html.Dl(
                        [
                            part
                            for label, value in facts
                            for part in (
                                html.Dt(label, className="col-4 fw-normal text-muted"),
                                html.Dd(value, className="col-8 mb-1 text-break"),
                            )
                        ],
                        className="row small mb-2",
                    ),
                    html.Details(
                        [
                            html.Summary("The full model card (JSON)", className="small"),
                            html.Pre(
                                json.dumps(card, indent=2),
                                className="small mt-2 mb-0",
                                style={"maxHeight": "320px", "overflow": "auto"},
                            ),
                        ]
                    ),
                ]
            ),
        ],
        className="h-100",
    )


def _comparison_table(comparison, model: queries.SelectedModel) -> dbc.Card:
    folds = model.card.get("evaluation", {}).get("cv_folds", "k")
    header = html.Thead(
        html.Tr(
            [
                html.Th("Model"),
                *[
                    html.Th(label, className="text-end text-nowrap")
                    for label in COMPARISON_COLUMNS.values()
                ],
                html.Th("CV rows", className="text-end text-nowrap"),
                html.Th(""),
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(row["name"], className="text-nowrap"),
                    *[
                        html.Td(theme.number(row[column], 3), className="text-end")
                        for column in COMPARISON_COLUMNS
                    ],
                    html.Td(theme.count(row["cv_rows"]), className="text-end"),
                    html.Td(_chosen_note(row), className="text-nowrap"),
                ],
                className="table-primary" if row["selected"] else None,
            )
            for row in comparison.to_dict("records")
        ]
    )
    return dbc.Card(
        [
            card_header(
                "The candidates compared",
                f"{folds}-fold cross-validation on the training rows, chosen model "
                "first; higher is better except for Brier and log-loss. Accuracy and F1 "
                f"at a {model.threshold:.2f} threshold. CV rows: how many training rows "
                "each candidate was compared on (slow methods use a sample).",
            ),
            dbc.CardBody(
                dbc.Table(
                    [header, body],
                    hover=True,
                    responsive=True,
                    size="sm",
                    className="mb-0",
                    id=ids.MODEL_TABLE,
                )
            ),
        ],
        className="mb-3",
    )


def _chosen_note(row: dict) -> list:
    if not row["selected"]:
        return []
    return [
        dbc.Badge("Chosen", color="primary", className="me-2"),
        html.Small("calibrated" if row["calibrated"] else "not calibrated", className="text-muted"),
    ]
