"""What every chart family shares: the designed placeholder for nothing to draw, the look
of a curve and of a series of bars, and a heatmap of a table."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from dashapp.ui import theme

# Only named in annotations: the builders take any DataFrame and need no pandas of their own.
if TYPE_CHECKING:
    import pandas as pd


def empty_figure(message: str) -> go.Figure:
    """A designed placeholder for when there is nothing to draw."""
    figure = go.Figure()
    figure.add_annotation(text=message, showarrow=False, font={"size": 14, "color": "#6c757d"})
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return theme.base_layout(figure)


def short_label(label: str, limit: int = 20) -> str:
    """`label` cut to `limit` characters at most, an ellipsis marking the cut: a tick label that
    leaves a phone's plot room to be drawn (the hover still gives the whole label)."""
    return label if len(label) <= limit else label[: limit - 1].rstrip(" ,") + "…"


def frame_heatmap(frame: pd.DataFrame, **style) -> go.Figure:
    """A figure of one heatmap of `frame`'s values: its columns along x, its index down y."""
    heatmap = go.Heatmap(z=frame.to_numpy(), x=list(frame.columns), y=list(frame.index), **style)
    return go.Figure(heatmap)


def curve(x, y, name: str, colour: str, hover: str, mode: str = "lines", **more) -> go.Scatter:
    """A chart's own curve (not a reference line): drawn 2.5 px wide in its colour."""
    line = {"color": colour, "width": 2.5}
    return go.Scatter(x=x, y=y, mode=mode, name=name, line=line, hovertemplate=hover, **more)


def bars(x, y, name: str, colour: str, hover: str, **more) -> go.Bar:
    """A named series of bars in one colour."""
    return go.Bar(x=x, y=y, name=name, marker_color=colour, hovertemplate=hover, **more)
