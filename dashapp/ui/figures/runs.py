"""The runs page's chart: who moved between the segments of two runs. Pure: DataFrames in,
`go.Figure` out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from dashapp.ui import theme
from dashapp.ui.figures.common import empty_figure, frame_heatmap, short_label

# Only named in annotations: the builders take any DataFrame and need no pandas of their own.
if TYPE_CHECKING:
    import pandas as pd


def segment_moves(moves: pd.DataFrame) -> go.Figure:
    """Customers per (segment before, segment now) as an annotated heatmap."""
    if moves.empty:
        return empty_figure("No customers in common between the two runs")
    figure = frame_heatmap(
        moves.rename(index=str, columns=str),
        colorscale="Blues",
        xgap=1,
        ygap=1,
        texttemplate="%{z:,}",
        hovertemplate="before: %{y}<br>now: %{x}<br>%{z:,} customers<extra></extra>",
        showscale=False,
    )
    # Columns are labelled by segment number only, rows by their names' start (a whole name
    # would leave a phone's card no room for the cells); the hover gives the whole names.
    figure.update_xaxes(
        title_text="Segment now",
        side="top",
        automargin=True,
        tickvals=[str(label) for label in moves.columns],
        ticktext=[str(label).split(".", 1)[0] for label in moves.columns],
    )
    figure.update_yaxes(
        title_text="Segment before",
        autorange="reversed",
        automargin=True,
        tickvals=[str(label) for label in moves.index],
        ticktext=[short_label(str(label)) for label in moves.index],
    )
    # The column titles sit on top: room above them keeps the graph's toolbar off the title.
    return theme.base_layout(figure).update_layout(margin={"t": 80})
