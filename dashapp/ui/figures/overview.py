"""The overview's charts: age bands, salary by purchase and correlations. Pure: DataFrames in,
`go.Figure` out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from dashapp.ui import theme
from dashapp.ui.figures.common import bars, empty_figure, frame_heatmap

# Only named in annotations: the builders take any DataFrame and need no pandas of their own.
if TYPE_CHECKING:
    import pandas as pd


def age_distribution(bands: pd.DataFrame) -> go.Figure:
    """Stacked bars of customers per age band (age_from, age_to, purchased, not_purchased)."""
    if bands.empty:
        # A file without an Age column (only Customer ID and Purchased are required).
        return empty_figure("No ages to show: this run's file has no Age column")
    labels = [f"{a}–{b - 1}" for a, b in zip(bands["age_from"], bands["age_to"], strict=True)]
    figure = go.Figure(
        [
            bars(
                labels,
                bands["purchased"],
                "Purchased",
                theme.PURCHASED_COLOUR,
                "Age %{x}: %{y:,} buyers<extra></extra>",
            ),
            bars(
                labels,
                bands["not_purchased"],
                "Did not purchase",
                theme.NOT_PURCHASED_COLOUR,
                "Age %{x}: %{y:,} non-buyers<extra></extra>",
            ),
        ]
    )
    figure.update_layout(barmode="stack", xaxis_title="Age", yaxis_title="Customers")
    return theme.base_layout(figure)


def salary_by_purchase(stats: pd.DataFrame) -> go.Figure:
    """Box plots drawn from stored quartiles, fences, mean and count per purchase status."""
    if stats.empty:
        # A file without a Salary column (only Customer ID and Purchased are required).
        return empty_figure("No salaries to show: this run's file has no Salary column")
    figure = go.Figure()
    for row in stats.sort_values("purchased").itertuples():
        bought = row.purchased == 1
        label = f"{'Purchased' if bought else 'Did not purchase'} ({row.count:,})"
        figure.add_trace(
            go.Box(
                name=label,
                x=[label],
                q1=[row.q1],
                median=[row.median],
                q3=[row.q3],
                mean=[row.mean],
                lowerfence=[row.lower_fence],
                upperfence=[row.upper_fence],
                marker_color=theme.PURCHASED_COLOUR if bought else theme.NOT_PURCHASED_COLOUR,
                boxmean=True,
                hoverinfo="y",
            )
        )
    figure.update_layout(
        showlegend=False, yaxis_title="Salary", yaxis_tickprefix="$", yaxis_tickformat=",.0f"
    )
    return theme.base_layout(figure)


def correlation_heatmap(correlation: pd.DataFrame) -> go.Figure:
    """Annotated heatmap of a square correlation matrix, from −1 (blue) to +1 (red)."""
    if correlation.empty:
        return empty_figure("No correlations to show")
    figure = frame_heatmap(
        correlation,
        zmin=-1,
        zmax=1,
        zmid=0,
        colorscale="RdBu_r",
        texttemplate="%{z:.2f}",
        hovertemplate="%{y} vs %{x}: %{z:.2f}<extra></extra>",
        colorbar={"title": {"text": "r"}, "thickness": 12},
    )
    figure.update_yaxes(autorange="reversed")
    # Room above the matrix for the toolbar, which otherwise covers its top row and the colour
    # bar's title.
    return theme.base_layout(figure).update_layout(margin={"t": 36})
