"""The what-if page's order-log chart: one customer's chance of another order, and whether
they are still active, against days since their last order. Pure: a DataFrame in,
`go.Figure` out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from dashapp.ui import theme
from dashapp.ui.figures import common

# Only named in annotations: the builder takes any DataFrame and needs no pandas of its own.
if TYPE_CHECKING:
    import pandas as pd

ALIVE_COLOUR = theme.REFERENCE_COLOUR


def recency_curve(curve: pd.DataFrame, recency_days: int, horizon_days: int) -> go.Figure:
    """The propensity and P(alive) (columns recency_days, p_repeat, p_alive) across days since
    the last order, the customer's own recency marked."""
    if curve.empty:
        return common.empty_figure("Nothing to show")
    now = curve[curve["recency_days"] == recency_days]
    figure = go.Figure(
        [
            common.curve(
                curve["recency_days"],
                curve["p_repeat"],
                f"Chance of an order in {horizon_days} days",
                theme.PRICE_CURVE_COLOUR,
                "%{x} days: %{y:.1%} chance of an order<extra></extra>",
            ),
            go.Scatter(
                x=curve["recency_days"],
                y=curve["p_alive"],
                mode="lines",
                name="Still active (BG/NBD)",
                line={"color": ALIVE_COLOUR, "dash": "dash", "width": 1.5},
                hovertemplate="%{x} days: %{y:.1%} still active<extra></extra>",
            ),
            go.Scatter(
                x=now["recency_days"],
                y=now["p_repeat"],
                mode="markers",
                name=f"This customer: {recency_days} days",
                marker={"color": theme.CURRENT_PRICE_COLOUR, "size": 12, "symbol": "diamond"},
                hovertemplate="This customer, %{x} days: %{y:.1%}<extra></extra>",
            ),
        ]
    )
    theme.base_layout(figure)
    figure.update_layout(
        xaxis={"title": {"text": "Days since last order"}, "rangemode": "tozero"},
        yaxis={"title": {"text": "Probability"}, "range": [0, 1.02], "tickformat": ".0%"},
    )
    return figure
