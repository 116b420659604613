"""The model page's threshold tool: whom a score threshold would contact among the holdout
customers, drawn with the page and updated as the slider moves."""

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Patch, dcc, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from analytics.db.session import describe_failure
from dashapp.data import queries
from dashapp.logic import modelview
from dashapp.pages.model import ids
from dashapp.ui.components import GRAPH_CONFIG, card_header
from dashapp.ui.figures.model import model_confusion_cells

SLIDER_MARKS = {value: f"{value:.2f}" for value in (0.05, 0.25, 0.5, 0.75, 0.95)}


def threshold_card(model: queries.SelectedModel, confusion_figure: go.Figure) -> dbc.Card:
    """The slider at the model's threshold, whom it reaches and its confusion matrix."""
    reach = modelview.reach_sentence(modelview.holdout_confusion(model.holdout, model.threshold))
    return dbc.Card(
        [
            card_header(
                "Whom to contact: choose a score threshold",
                "Holdout customers whose score is at or above the threshold are contacted.",
            ),
            dbc.CardBody(
                [
                    dbc.Label("Score threshold", className="small"),
                    dcc.Slider(
                        id=ids.MODEL_THRESHOLD,
                        min=modelview.THRESHOLD_MIN,
                        max=modelview.THRESHOLD_MAX,
                        step=0.01,
                        value=model.threshold,
                        marks=SLIDER_MARKS,
                    ),
                    html.P(
                        reach, id=ids.MODEL_REACH, className="mt-3 mb-2", **{"aria-live": "polite"}
                    ),
                    dcc.Graph(
                        id=ids.MODEL_CONFUSION,
                        figure=confusion_figure,
                        config=GRAPH_CONFIG,
                        style={"height": "260px"},
                    ),
                ],
                className="p-3",
            ),
        ],
        className="h-100",
    )


def at_threshold(threshold: float | None, run_id: int) -> tuple:
    """The confusion matrix (as a patch of its counts and labels) and the reach sentence at
    `threshold`, or why there are none."""
    if threshold is None:
        return no_update, (
            f"Choose a threshold between {modelview.THRESHOLD_MIN:.2f} and "
            f"{modelview.THRESHOLD_MAX:.2f}."
        )
    url = queries.app_database_url()
    try:
        if queries.published_run_id(run_id) is None:
            return no_update, queries.NO_PUBLISHED_RUN
        model = queries.model_report(url, run_id).selected
    except SQLAlchemyError as error:
        return no_update, f"The {describe_failure(url, error)}."
    if model is None:
        return no_update, "This run has no purchase model."
    # The slider moves in steps of 0.01: rounding drops float noise (0.32000000000000006), so a
    # score of exactly 0.32 counts as contacted at "0.32", as the sentence says.
    threshold = round(threshold, 2)
    confusion = modelview.holdout_confusion(model.holdout, threshold)
    # Only the counts and labels change: patching them skips rebuilding the whole figure.
    heatmap = Patch()
    for key, value in model_confusion_cells(confusion.as_frame(), threshold).items():
        heatmap["data"][0][key] = value
    return heatmap, modelview.reach_sentence(confusion)
