"""Colours and number formats shared by every page and figure."""

import plotly.graph_objects as go

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
SEGMENT_COLOURS = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
]
PURCHASED_COLOUR = "#D55E00"
NOT_PURCHASED_COLOUR = "#999999"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def segment_colour(segment: int) -> str:
    return SEGMENT_COLOURS[segment % len(SEGMENT_COLOURS)]


def segment_label(segment: int, name: str) -> str:
    return f"{segment + 1}. {name}"


MISSING = "—"


def _known(value: float | None) -> bool:
    return value is not None and value == value  # NaN is not equal to itself


def count(value: float | None) -> str:
    return f"{value:,.0f}" if _known(value) else MISSING


def money(value: float | None) -> str:
    return f"${value:,.0f}" if _known(value) else MISSING


def percent(value: float | None) -> str:
    return f"{value:.1%}" if _known(value) else MISSING


def number(value: float | None, decimals: int = 1) -> str:
    return f"{value:,.{decimals}f}" if _known(value) else MISSING


def base_layout(figure: go.Figure, title: str | None = None) -> go.Figure:
    figure.update_layout(
        template="plotly_white",
        title={"text": title, "x": 0, "xanchor": "left"} if title else None,
        font={"family": FONT, "size": 13},
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"font": {"family": FONT}},
    )
    return figure
