"""What every chart family shares: the designed placeholder for nothing to draw."""

import plotly.graph_objects as go

from dashapp.ui import theme


def empty_figure(message: str) -> go.Figure:
    """A designed placeholder for when there is nothing to draw."""
    figure = go.Figure()
    figure.add_annotation(text=message, showarrow=False, font={"size": 14, "color": "#6c757d"})
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return theme.base_layout(figure)
