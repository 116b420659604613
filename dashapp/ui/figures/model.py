"""The model page's charts: ROC, precision-recall, calibration, lift, importance and the
confusion matrix at a threshold. Pure: DataFrames in, `go.Figure` out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from dashapp.ui import theme
from dashapp.ui.figures.common import bars, curve, empty_figure

# Only named in annotations: the builders take any DataFrame and need no pandas of their own.
if TYPE_CHECKING:
    import pandas as pd


def _model_reference_line(x: list[float], y: list[float], name: str) -> go.Scatter:
    return go.Scatter(
        x=x,
        y=y,
        mode="lines",
        name=name,
        line={"color": theme.REFERENCE_COLOUR, "dash": "dash", "width": 1.5},
        hoverinfo="skip",
    )


def _model_curve(model: go.Scatter, reference: go.Scatter, x_title: str, y_title: str) -> go.Figure:
    """The model's curve against a reference line, both axes from 0 to 100 % (the curves are of
    rates and probabilities)."""
    figure = go.Figure([model, reference])
    figure.update_xaxes(title_text=x_title, range=[-0.01, 1.02], tickformat=".0%", automargin=True)
    figure.update_yaxes(title_text=y_title, range=[-0.01, 1.02], tickformat=".0%", automargin=True)
    return theme.base_layout(figure)


def model_roc(roc: pd.DataFrame, roc_auc: float) -> go.Figure:
    """The holdout ROC curve (columns fpr, tpr, threshold) against the chance diagonal."""
    if roc.empty:
        return empty_figure("No ROC curve stored for this model")
    return _model_curve(
        curve(
            roc["fpr"],
            roc["tpr"],
            f"Model (ROC-AUC {theme.number(roc_auc, 3)})",
            theme.MODEL_COLOUR,
            "Threshold %{customdata:.2f}<br>%{y:.0%} of buyers reached<br>"
            "%{x:.0%} of non-buyers contacted<extra></extra>",
            customdata=roc["threshold"],
        ),
        _model_reference_line([0, 1], [0, 1], "Chance"),
        "Non-buyers contacted (FPR)",
        "Buyers reached (TPR)",
    )


def model_precision_recall(
    pr: pd.DataFrame, average_precision: float, base_rate: float
) -> go.Figure:
    """The holdout precision-recall curve against a random ordering (the purchase rate)."""
    if pr.empty:
        return empty_figure("No precision-recall curve stored for this model")
    return _model_curve(
        curve(
            pr["recall"],
            pr["precision"],
            f"Model (PR-AUC {theme.number(average_precision, 3)})",
            theme.MODEL_COLOUR,
            "%{x:.0%} of buyers reached<br>%{y:.0%} of those contacted buy<extra></extra>",
        ),
        _model_reference_line(
            [0, 1], [base_rate, base_rate], f"Random (purchase rate {theme.percent(base_rate)})"
        ),
        "Buyers reached (recall)",
        "Contacts who buy (precision)",
    )


def model_calibration(calibration: pd.DataFrame) -> go.Figure:
    """Observed purchase rate per bin of predicted probability (columns predicted, observed)."""
    if calibration.empty:
        return empty_figure("No calibration curve stored for this model")
    return _model_curve(
        curve(
            calibration["predicted"],
            calibration["observed"],
            "Model (holdout, 10 equal-sized bins)",
            theme.MODEL_COLOUR,
            "Predicted %{x:.0%}<br>actually bought %{y:.0%}<extra></extra>",
            mode="lines+markers",
            marker={"size": 8},
        ),
        _model_reference_line([0, 1], [0, 1], "Perfectly calibrated"),
        "Predicted probability",
        "Share who bought",
    )


def model_lift(lift: pd.DataFrame) -> go.Figure:
    """Lift bars and the cumulative share of buyers by score decile (decile 1 scores highest);
    columns decile, customers, buyers, rate, lift, cumulative_gain."""
    if lift.empty:
        return empty_figure("No lift table stored for this model")
    deciles = [str(decile) for decile in lift["decile"]]
    figure = go.Figure(
        [
            bars(
                deciles,
                lift["lift"],
                "Lift (× the purchase rate)",
                theme.MODEL_COLOUR,
                "Decile %{x}: %{customdata[0]:,} of %{customdata[1]:,} bought "
                "(%{customdata[2]:.0%}), lift %{y:.2f}<extra></extra>",
                customdata=lift[["buyers", "customers", "rate"]].to_numpy(),
                text=[f"{value:.1f}×" for value in lift["lift"]],
                textposition="outside",
                cliponaxis=False,
            ),
            curve(
                deciles,
                lift["cumulative_gain"],
                "Buyers reached so far",
                theme.PURCHASED_COLOUR,
                "Top %{x} deciles reach %{y:.0%} of buyers<extra></extra>",
                mode="lines+markers",
                yaxis="y2",
            ),
        ]
    )
    theme.base_layout(figure)
    figure.update_layout(
        xaxis_title="Score decile (1 = most likely to buy)",
        yaxis={"title": {"text": "Lift"}, "rangemode": "tozero", "automargin": True},
        # The legend names this axis: a title would be cut off at the card's edge on a phone.
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "range": [0, 1.05],
            "tickvals": [0, 0.25, 0.5, 0.75, 1],
            "tickformat": ".0%",
            "showgrid": False,
            "automargin": True,
        },
    )
    return figure


def model_importance(importance: pd.DataFrame) -> go.Figure:
    """Permutation importance (columns feature, mean, std) as bars with ±1 std error bars."""
    if importance.empty:
        return empty_figure("No feature importance stored for this model")
    ranked = importance.sort_values("mean", ascending=False)
    figure = go.Figure(
        go.Bar(
            x=ranked["mean"],
            y=ranked["feature"],
            orientation="h",
            error_x={"type": "data", "array": ranked["std"], "color": theme.REFERENCE_COLOUR},
            marker_color=theme.MODEL_COLOUR,
            customdata=ranked["std"],
            hovertemplate="%{y}: ROC-AUC drops by %{x:.3f} ± %{customdata:.3f}<extra></extra>",
        )
    )
    figure.update_xaxes(title_text="ROC-AUC drop when shuffled")
    figure.update_yaxes(autorange="reversed", automargin=True)
    theme.base_layout(figure)
    # Room above the bars for the mode bar.
    figure.update_layout(showlegend=False, margin_t=36)
    return figure


def model_confusion_cells(matrix: pd.DataFrame, threshold: float) -> dict:
    """The parts of `model_confusion`'s heatmap that depend on the threshold (z, x and text), so
    that a page can patch just these when the threshold moves."""
    counts = matrix.to_numpy().tolist()
    captions = [
        ["correctly skipped", "wasted contacts"],
        ["missed buyers", "buyers reached"],
    ]
    return {
        "z": counts,
        # Two lines, so that the labels stay level in a phone-wide card.
        "x": [f"Not contacted<br>(< {threshold:.2f})", f"Contacted<br>(≥ {threshold:.2f})"],
        "text": [
            [
                f"<b>{theme.count(count)}</b><br>{caption}"
                for count, caption in zip(row, labels, strict=True)
            ]
            for row, labels in zip(counts, captions, strict=True)
        ],
    }


def model_confusion(matrix: pd.DataFrame, threshold: float) -> go.Figure:
    """An annotated 2×2 confusion matrix laid out as `modelview.Confusion.as_frame()`: rows did
    not buy / bought, columns not contacted / contacted (score ≥ threshold)."""
    if not matrix.to_numpy().sum():
        return empty_figure("No holdout customers stored for this model")
    figure = go.Figure(
        go.Heatmap(
            **model_confusion_cells(matrix, threshold),
            y=list(matrix.index),
            texttemplate="%{text}",
            textfont={"size": 12},
            colorscale="Blues",
            showscale=False,
            hovertemplate="%{y}, %{x}: %{z:,} holdout customers<extra></extra>",
        )
    )
    figure.update_xaxes(automargin=True)
    figure.update_yaxes(autorange="reversed", automargin=True)
    theme.base_layout(figure)
    # Room above the matrix for the mode bar.
    figure.update_layout(margin_t=36)
    return figure
