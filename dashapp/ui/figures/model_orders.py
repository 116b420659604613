"""The model page's order-log charts: an order-log run's backtest, predicted against actual
repeat orders week by week and by how often customers had ordered before. Pure: the stored
backtest rows (analytics.steps.backtest) in, `go.Figure` out."""

import plotly.graph_objects as go

from dashapp.ui import theme
from dashapp.ui.figures.common import bars, curve, empty_figure

ACTUAL_COLOUR = theme.PURCHASED_COLOUR
PREDICTED_COLOUR = theme.MODEL_COLOUR


def backtest_weekly(weekly: list[dict] | None) -> go.Figure:
    """Actual and predicted repeat orders per week of the holdout (rows: week, its first day
    as ISO text; actual; predicted)."""
    if not weekly:
        return empty_figure("No backtest in this run")
    weeks = [row["week"] for row in weekly]
    figure = go.Figure(
        [
            curve(
                weeks,
                [row["actual"] for row in weekly],
                "Actual",
                ACTUAL_COLOUR,
                "Week of %{x}<br>%{y:,} repeat orders<extra>Actual</extra>",
                mode="lines+markers",
            ),
            curve(
                weeks,
                [row["predicted"] for row in weekly],
                "Predicted",
                PREDICTED_COLOUR,
                "Week of %{x}<br>%{y:,.1f} repeat orders expected<extra>Predicted</extra>",
                mode="lines+markers",
                line_dash="dash",
            ),
        ]
    )
    figure.update_xaxes(title_text="Week of the holdout", type="category", automargin=True)
    figure.update_yaxes(title_text="Repeat orders", rangemode="tozero", automargin=True)
    theme.base_layout(figure)
    figure.update_layout(margin_t=40)
    return figure


def backtest_by_frequency(by_frequency: list[dict] | None) -> go.Figure:
    """Mean actual and predicted holdout orders per customer, by repeat orders before the
    holdout (rows: frequency as text, "7+" for the last bucket; customers; actual; predicted)."""
    if not by_frequency:
        return empty_figure("No backtest in this run")
    buckets = [row["frequency"] for row in by_frequency]
    customers = [row["customers"] for row in by_frequency]
    hover = "%{customdata:,} customers with %{x} repeat orders<br>%{y:.2f} orders each"
    figure = go.Figure(
        [
            bars(
                buckets,
                [row["actual"] for row in by_frequency],
                "Actual",
                ACTUAL_COLOUR,
                hover + "<extra>Actual</extra>",
                customdata=customers,
            ),
            bars(
                buckets,
                [row["predicted"] for row in by_frequency],
                "Predicted",
                PREDICTED_COLOUR,
                hover + " expected<extra>Predicted</extra>",
                customdata=customers,
            ),
        ]
    )
    figure.update_xaxes(title_text="Repeat orders before the holdout", type="category")
    figure.update_yaxes(title_text="Holdout orders per customer", rangemode="tozero")
    theme.base_layout(figure)
    figure.update_layout(barmode="group", margin_t=40)
    return figure
