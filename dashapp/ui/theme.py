"""Colours and number formats shared by every page and figure."""

import plotly.graph_objects as go

# Okabe–Ito, distinguishable with the common colour-vision deficiencies, and two of Paul
# Tol's muted colours for k = 9 and 10.
SEGMENT_COLOURS = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#882255",
    "#44AA99",
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


# The look of plotly_white in a few properties: assigning the full named template copies and
# validates it for every figure (about 14 ms each), this one costs about 0.3 ms.
_AXIS = {
    "gridcolor": "#EBF0F8",
    "linecolor": "#EBF0F8",
    "zerolinecolor": "#EBF0F8",
    "zerolinewidth": 2,
    "ticks": "",
    "title": {"standoff": 15},
    "automargin": True,
}
TEMPLATE = go.layout.Template(
    layout={
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": SEGMENT_COLOURS,
        "font": {"color": "#2a3f5f"},
        "hovermode": "closest",
        "hoverlabel": {"align": "left"},
        "autotypenumbers": "strict",
        "xaxis": _AXIS,
        "yaxis": _AXIS,
    }
)


# Every legend lies in rows along the bottom of the figure, below the axis titles: above the
# plot it sat under the mode bar, and beside it took half a phone's width. Anchored to the
# container rather than the plot, it reserves its own height whatever the figure's size.
LEGEND = {
    "orientation": "h",
    "yref": "container",
    "y": 0,
    "yanchor": "bottom",
    "x": 0,
    "xanchor": "left",
    "font": {"size": 12},
}
# Room above the plot for the mode bar, which would otherwise cover its top (on a phone, the top
# row of a heatmap).
MODE_BAR_ROOM = 30


def base_layout(figure: go.Figure, title: str | None = None) -> go.Figure:
    figure.update_layout(
        template=TEMPLATE,
        title={"text": title, "x": 0, "xanchor": "left"} if title else None,
        font={"family": FONT, "size": 13},
        margin={"l": 10, "r": 10, "t": 40 if title else MODE_BAR_ROOM, "b": 10},
        legend=LEGEND,
        hoverlabel={"font": {"family": FONT}},
    )
    return figure


# /model: the chosen model's curves, and the chance and perfect-calibration reference lines.
MODEL_COLOUR = "#0072B2"
REFERENCE_COLOUR = "#6c757d"

# /what-if: contributions that raise or lower the probability, the price curve, its threshold.
RAISES_COLOUR = "#0072B2"
LOWERS_COLOUR = "#E69F00"
PRICE_CURVE_COLOUR = "#0072B2"
CURRENT_PRICE_COLOUR = "#D55E00"
THRESHOLD_COLOUR = "#6c757d"

# /customers: one colour per RFM group (analytics.steps.rfm.GROUPS), Paul Tol's muted scheme,
# which stays distinguishable with the common colour-vision deficiencies; greens for the best
# customers, reds for those slipping away, grey for the lost.
RFM_GROUP_COLOURS = {
    "Champions": "#117733",
    "Loyal Customers": "#44AA99",
    "Potential Loyalist": "#88CCEE",
    "New Customers": "#332288",
    "Promising": "#AA4499",
    "Need Attention": "#DDCC77",
    "About To Sleep": "#999933",
    "At Risk": "#CC6677",
    "Can't Lose Them": "#882255",
    "Lost": "#BBBBBB",
}
# Counts of customers (the R × FM grid, moves between groups): a sequential ColorBrewer scale,
# readable in greyscale and with colour-vision deficiencies.
COUNT_SCALE = "Blues"


def rfm_group_colour(group: str) -> str:
    return RFM_GROUP_COLOURS.get(group, NOT_PURCHASED_COLOUR)


# KPI cards: a KPI's change since the previous run, better in blue and worse in orange (the
# Okabe–Ito pair, the orange darkened to read as text: 4.8:1 on white), grey where neither is
# clear. The arrow and the sign say it too, so colour is never the only cue.
CHANGE_COLOURS = {"good": "#0072B2", "bad": "#B35900", "neutral": "#6c757d"}
