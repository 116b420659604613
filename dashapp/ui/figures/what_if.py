"""The what-if charts: each input's contribution to one customer's probability, and the
probability across prices. Pure: DataFrames in, `go.Figure` out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from dashapp.ui import theme
from dashapp.ui.figures import common

# Only named in annotations: the builders take any DataFrame and need no pandas of their own.
if TYPE_CHECKING:
    import pandas as pd


def whatif_contributions(contributions: pd.Series, baseline: float) -> go.Figure:
    """Horizontal bars of each input's Shapley contribution (a probability difference, indexed
    by feature) in percentage points against the reference customer, the largest at the top."""
    if contributions.empty:
        return common.empty_figure("No contributions to show")
    ordered = contributions.reindex(contributions.abs().sort_values(ascending=False).index)
    points = ordered * 100
    figure = go.Figure(
        go.Bar(
            x=points.to_numpy(),
            y=list(ordered.index),
            orientation="h",
            marker_color=[
                theme.RAISES_COLOUR if value >= 0 else theme.LOWERS_COLOUR for value in points
            ],
            text=[f"{value:+.1f} pts".replace("-", "−") for value in points],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:+.1f} percentage points<extra></extra>",
        )
    )
    theme.base_layout(figure)
    # Room above the bars for the mode bar, and beside them for the outside labels.
    low, high = min(float(points.min()), 0.0), max(float(points.max()), 0.0)
    padding = max(high - low, 1.0) * 0.35
    figure.update_layout(
        showlegend=False,
        margin={"t": 36},
        xaxis={
            "title": {"text": f"Points vs a typical customer ({baseline:.0%})"},
            "range": [low - padding * (low < 0), high + padding * (high > 0)],
            "zeroline": True,
            "zerolinecolor": theme.REFERENCE_COLOUR,
            "zerolinewidth": 1,
        },
        yaxis={"autorange": "reversed", "automargin": True, "ticksuffix": " "},
    )
    return figure


def price_sensitivity(
    curve: pd.DataFrame, current_price: float, current_probability: float, threshold: float
) -> go.Figure:
    """Purchase probability against price (columns price, probability) for one customer, with
    the customer's current price marked and the buy threshold as a dashed line."""
    if curve.empty:
        return common.empty_figure("No prices to show")
    figure = go.Figure(
        [
            common.curve(
                curve["price"],
                curve["probability"],
                "Probability at each price",
                theme.PRICE_CURVE_COLOUR,
                "$%{x:,.0f}: %{y:.1%}<extra></extra>",
            ),
            go.Scatter(
                x=[current_price],
                y=[current_probability],
                mode="markers",
                name=f"Now: {theme.money(current_price)} → {theme.percent(current_probability)}",
                marker={"color": theme.CURRENT_PRICE_COLOUR, "size": 12, "symbol": "diamond"},
                hovertemplate="Current price $%{x:,.0f}: %{y:.1%}<extra></extra>",
            ),
        ]
    )
    theme.base_layout(figure)
    # One layout update with plain shapes: add_hline and per-axis updates validate the figure
    # again each, which costs this per-keystroke figure several milliseconds.
    figure.update_layout(
        xaxis={"title": {"text": "Price"}, "tickprefix": "$", "tickformat": ",.0f"},
        yaxis={"title": {"text": "Purchase probability"}, "range": [0, 1], "tickformat": ".0%"},
        # Below the plot, so that the legend never sits under the mode bar on a phone.
        legend={"orientation": "h", "y": -0.25, "yanchor": "top", "x": 0},
        shapes=[
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": threshold,
                "y1": threshold,
                "line": {"color": theme.THRESHOLD_COLOUR, "dash": "dash", "width": 1.5},
            }
        ],
        annotations=[
            {
                "text": f"Buy threshold {threshold:.0%}",
                "xref": "paper",
                "x": 0,
                "xanchor": "left",
                "y": threshold,
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"color": theme.THRESHOLD_COLOUR, "size": 11},
            }
        ],
    )
    return figure
