"""The what-if charts: each input's contribution to one customer's probability, and the
probability across prices. Pure: DataFrames in, `go.Figure` out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from dashapp.ui import theme
from dashapp.ui.figures import common

# Only named in annotations: the builders take any DataFrame and need no pandas of their own.
if TYPE_CHECKING:
    from collections.abc import Mapping

    import pandas as pd


def whatif_contributions(
    contributions: pd.Series, baseline: float, labels: Mapping[str, str] | None = None
) -> go.Figure:
    """A horizontal waterfall from a typical customer's probability (`baseline`) to this
    customer's: one bar per input's Shapley contribution (a probability difference, indexed by
    feature), the largest first, each named by `labels` (feature -> "Salary = 61,000") and
    marked with its percentage points."""
    if contributions.empty:
        return common.empty_figure("No contributions to show")
    labels = labels or {}
    ordered = contributions.reindex(contributions.abs().sort_values(ascending=False).index)
    points = ordered * 100
    names = [labels.get(feature, feature) for feature in ordered.index]
    shown = [_signed_points(value) for value in points]
    final = baseline + float(ordered.sum())
    reached = (baseline + ordered.cumsum()) * 100
    low, high = min(0.0, float(reached.min())), max(baseline * 100, float(reached.max()), 1.0)
    span = high - low
    # A lowering bar's label sits left of where it ends; one ending near the axis's left edge
    # needs room there, or its label runs into the input names.
    room_left = span * 0.3 if float(reached.min()) - low < span * 0.3 and (points < 0).any() else 0
    figure = go.Figure(
        go.Waterfall(
            orientation="h",
            measure=["absolute", *["relative"] * len(points), "total"],
            y=["Typical customer", *names, "This customer"],
            x=[baseline * 100, *points.to_numpy(), final * 100],
            text=[f"{baseline:.1%}", *shown, f"{final:.1%}"],
            customdata=[
                f"Typical customer: {baseline:.1%}",
                *[f"{name}: {points_text}" for name, points_text in zip(names, shown, strict=True)],
                f"This customer: {final:.1%}",
            ],
            textposition="outside",
            cliponaxis=False,
            connector={"line": {"color": theme.REFERENCE_COLOUR, "width": 1, "dash": "dot"}},
            increasing={"marker": {"color": theme.RAISES_COLOUR}},
            decreasing={"marker": {"color": theme.LOWERS_COLOUR}},
            totals={"marker": {"color": theme.REFERENCE_COLOUR}},
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    theme.base_layout(figure)
    figure.update_layout(
        showlegend=False,
        margin={"t": 36},
        xaxis={
            # Short enough for a phone's card: the card says what the bars go from and to.
            "title": {"text": "Probability (%)"},
            # Room beside the longest bar for its outside label, in a phone's card too.
            "range": [low - room_left, high + span * 0.4],
            # Ticks from the lowest probability reached: none below 0 % in the label room.
            "tickvals": _percent_ticks(low, high),
            "ticksuffix": "%",
        },
        yaxis={"autorange": "reversed", "automargin": True, "ticksuffix": " "},
    )
    return figure


def _percent_ticks(low: float, high: float) -> list[float]:
    """Round ticks from `low` to `high` percent, about five of them."""
    step = next(size for size in (1, 2, 5, 10, 20, 25, 50) if (high - low) / size <= 6)
    first = -(-low // step) * step
    return [first + step * index for index in range(int((high - first) // step) + 1)]


def _signed_points(value: float) -> str:
    # A true minus sign, as everywhere else in the app.
    return f"{value:+.1f} pts".replace("-", "−")


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
