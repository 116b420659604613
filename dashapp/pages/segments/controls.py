"""Pieces of the explorer's filter panel that both kinds of run use."""

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashapp.pages.segments import ids

# The value of the disabled slider of a column that the run does not have.
ABSENT_RANGE = [0, 1]


def field(label: str, control, html_for: str | None = None) -> html.Div:
    return html.Div(
        [dbc.Label(label, html_for=html_for, className="fw-semibold small mb-1"), control]
    )


def absent_slider(component_id: str) -> dcc.RangeSlider:
    """A disabled range slider that filters nothing (its column is not in the run)."""
    return dcc.RangeSlider(
        id=component_id,
        min=ABSENT_RANGE[0],
        max=ABSENT_RANGE[1],
        value=ABSENT_RANGE,
        disabled=True,
        marks=None,
    )


def range_field(label: str, component_id: str, slider, value, absent_note: str) -> html.Div:
    """A range slider over `slider` (an explorer.Slider) set to `value`; for a column without a
    slider (no data in this run), a disabled one that filters nothing, with `absent_note`."""
    if slider is None:
        return field(
            label,
            html.Div(
                [absent_slider(component_id), html.Small(absent_note, className="text-muted")]
            ),
        )
    return field(
        label,
        dcc.RangeSlider(
            id=component_id,
            min=slider.low,
            max=slider.high,
            step=slider.step,
            value=list(value),
            marks=None,
            tooltip={"placement": "bottom"},
        ),
    )


def link_note(ignored: list[str]) -> dbc.Alert | None:
    """The values of the page's link that were ignored as not valid for this run (as
    explorer_link.read_query names them), or None when every value was used."""
    if not ignored:
        return None
    return dbc.Alert(
        f"Ignored in this link, as not valid for this run: {', '.join(ignored)}. Those filters "
        "start from their defaults.",
        id=ids.SEG_LINK_NOTE,
        color="warning",
        className="small py-2",
    )
