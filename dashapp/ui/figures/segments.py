"""Segment charts: their sizes and the customer scatter (the overview's), and the explorer's
cross-filtered versions with the selection. Pure: DataFrames in, `go.Figure` out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from dashapp.ui import theme
from dashapp.ui.figures.common import empty_figure

# Only named in annotations: the builders take any DataFrame and need no pandas of their own.
if TYPE_CHECKING:
    from collections.abc import Mapping

    import pandas as pd


def segment_distribution(segments: pd.DataFrame) -> go.Figure:
    """Customers per segment, one colour per segment; columns segment, name, size, share."""
    if segments.empty:
        return empty_figure("No segments to show")
    labels = [
        theme.segment_label(s, n)
        for s, n in zip(segments["segment"], segments["name"], strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            x=segments["size"],
            y=labels,
            orientation="h",
            marker_color=[theme.segment_colour(s) for s in segments["segment"]],
            text=[
                f"{size:,} · {share:.0%}"
                for size, share in zip(segments["size"], segments["share"], strict=True)
            ],
            # Each bar sits just below its name, which is written inside the plot above it, so
            # long names never squeeze the bars in a narrow card.
            width=0.45,
            offset=0.05,
            textposition="outside",
            textangle=0,
            cliponaxis=False,
            hovertemplate="%{y}<br>%{x:,} customers<extra></extra>",
        )
    )
    figure.update_layout(showlegend=False)
    figure.update_yaxes(
        autorange="reversed", ticklabelposition="inside top", ticks="", showgrid=False
    )
    # Each bar states its count, so no axis; room to the right of the longest for its text.
    figure.update_xaxes(visible=False, range=[0, segments["size"].max() * 1.35])
    return theme.base_layout(figure)


def cluster_scatter(
    points: pd.DataFrame,
    segments: pd.DataFrame,
    total_customers: int,
    x: str = "Age",
    y: str = "Salary",
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """WebGL scatter of a customer sample coloured by segment; the title says how many are shown.
    `labels` name the columns on the axes (by default, their own names)."""
    x_label, y_label = (labels or {}).get(x, x), (labels or {}).get(y, y)
    if points.empty:
        return empty_figure("No customers to show")
    absent = [axis for axis in (x, y) if axis not in points or points[axis].isna().all()]
    if absent:
        # A file without one of the columns (only Customer ID and Purchased are required).
        return empty_figure(f"Nothing to plot: this run's file has no {' or '.join(absent)} column")
    names = dict(zip(segments["segment"], segments["name"], strict=True))
    figure = go.Figure()
    for segment, members in points.groupby("segment", sort=True):
        figure.add_trace(
            go.Scattergl(
                x=members[x],
                y=members[y],
                mode="markers",
                name=theme.segment_label(segment, names.get(segment, f"Segment {segment + 1}")),
                marker={"color": theme.segment_colour(segment), "size": 6, "opacity": 0.7},
                hovertemplate=(
                    f"{x_label} %{{x:,}}<br>{y_label} %{{y:,}}<extra>%{{fullData.name}}</extra>"
                ),
            )
        )
    shown = len(points)
    note = (
        f"all {shown:,} customers"
        if shown >= total_customers
        else f"random sample of {shown:,} of {total_customers:,} customers"
    )
    theme.base_layout(figure)
    figure.update_layout(xaxis_title=x_label, yaxis_title=y_label)
    figure.add_annotation(
        text=note,
        xref="paper",
        yref="paper",
        x=1,
        y=0,
        xanchor="right",
        yanchor="bottom",
        showarrow=False,
        font={"size": 11, "color": "#6c757d"},
    )
    return figure


def explorer_scatter(
    points: pd.DataFrame,
    segments: pd.DataFrame,
    total_customers: int,
    x: str,
    y: str,
    selection: dict | None = None,
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """cluster_scatter for exploring: dragging selects (box; lasso from the mode bar); with a
    selection, `points` has a boolean `selected` column whose points are highlighted, and the
    selection is drawn when it was made on these axes."""
    figure = cluster_scatter(points, segments, total_customers, x, y, labels)
    if not figure.data:  # nothing drawn (no customers, or a column the file lacks)
        return figure
    # Zoom and the chosen drag mode survive filter changes; the selection follows the filters.
    figure.update_layout(
        dragmode="select",
        uirevision=f"{x}/{y}",
        selectionrevision=str(selection),
        selections=[],
    )
    if selection is None:
        return figure
    for trace, (_, members) in zip(figure.data, points.groupby("segment", sort=True), strict=True):
        trace.selectedpoints = members["selected"].to_numpy().nonzero()[0]
    figure.update_traces(unselected={"marker": {"opacity": 0.12}})
    if (selection["x"], selection["y"]) == (x, y):
        figure.update_layout(selections=[_selection_shape(selection)])
    return figure


def _selection_shape(selection: dict) -> dict:
    """A stored box or lasso selection as a Plotly layout `selections` item."""
    xs, ys = selection["xs"], selection["ys"]
    line = {"color": "#212529", "width": 1}
    if selection["kind"] == "box":
        return {"type": "rect", "x0": xs[0], "x1": xs[1], "y0": ys[0], "y1": ys[1], "line": line}
    path = "L".join(f"{x},{y}" for x, y in zip(xs, ys, strict=True))
    return {"type": "path", "path": f"M{path}Z", "line": line}


def explorer_distribution(counts: pd.DataFrame, chosen: list[int]) -> go.Figure:
    """segment_distribution of the customers matching every filter but the segment choice, the
    chosen segments solid and the others faded; each bar carries its segment for clicks."""
    if counts.empty or counts["size"].sum() == 0:
        return empty_figure("No customers match these filters")
    figure = segment_distribution(counts)
    figure.update_traces(
        # A plain list: Dash reads a clicked point's customdata by index, which a packed numpy
        # array (sent base64-encoded) does not support.
        customdata=counts["segment"].tolist(),
        marker_opacity=[1.0 if segment in chosen else 0.3 for segment in counts["segment"]],
        hovertemplate="%{y}<br>%{x:,} customers<br>Click to show only this segment<extra></extra>",
    )
    return figure
