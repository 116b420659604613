"""The explorer's parts for an order-log run: its filters (RFM group, R and FM scores, expected
value, P(alive), propensity), the same controls hidden for a customer-file run, and the
segments' behaviour profiles."""

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashapp.logic import explorer, explorer_orders
from dashapp.pages.segments import ids
from dashapp.pages.segments.controls import absent_slider, field, range_field
from dashapp.ui.components import swatch_label

RANGE_IDS = {"expected_value": ids.SEG_VALUE, "p_alive": ids.SEG_P_ALIVE}
RANGE_LABELS = {"expected_value": "Expected value ($)", "p_alive": "P(alive)"}
PICK_IDS = {
    "rfm_group": ids.SEG_RFM_GROUP,
    "r_score": ids.SEG_R_SCORE,
    "fm_score": ids.SEG_FM_SCORE,
}
PICK_LABELS = {
    "rfm_group": "RFM group",
    "r_score": "R score (5: most recent)",
    "fm_score": "FM score (5: most orders and spend)",
}


def filter_rows(
    choices: explorer.Choices,
    filters: explorer.Filters,
    probability: html.Div,
    segment_field: dbc.Col,
    selection_field: dbc.Col,
) -> list[dbc.Row]:
    """Expected value, P(alive) and propensity; the RFM group; the R and FM scores (a cell of
    the Customers page's grid); segments and the selection."""
    ranges = [
        dbc.Col(_range_field(column, choices, filters), xs=12, md=6, xl=4)
        for column in explorer_orders.RANGE_COLUMNS
    ]
    ranges.append(dbc.Col(probability, xs=12, md=6, xl=4))
    picks = [
        dbc.Col(_pick_field("rfm_group", choices, filters), xs=12),
        dbc.Col(_pick_field("r_score", choices, filters), xs=12, md=6, xl=3),
        dbc.Col(_pick_field("fm_score", choices, filters), xs=12, md=6, xl=3),
    ]
    return [
        dbc.Row(ranges, className="g-3 mb-2"),
        dbc.Row(picks, className="g-3 mb-2"),
        dbc.Row([segment_field, selection_field], className="g-3"),
    ]


def _pick_field(column: str, choices: explorer.Choices, filters: explorer.Filters) -> html.Div:
    return field(
        PICK_LABELS[column],
        dbc.Checklist(
            id=PICK_IDS[column],
            options=[{"label": str(value), "value": value} for value in choices.picks[column]],
            value=list(filters.picks.get(column, choices.picks[column])),
            inline=True,
        ),
    )


def _range_field(column: str, choices: explorer.Choices, filters: explorer.Filters) -> html.Div:
    return range_field(
        RANGE_LABELS[column],
        RANGE_IDS[column],
        choices.sliders.get(column),
        filters.ranges.get(column),
        "No customer has a value here.",
    )


def other_run_note(other_run_id: int | None, order_log: bool) -> html.P | None:
    """What the run of the other kind offers, and a link to it: an order log's RFM and value
    filters, or a customer file's attributes; without an order log, how to make one."""
    if order_log:
        if other_run_id is None:
            return None
        return html.P(
            [
                "The latest customer-file run is filtered by gender, age, salary, price and "
                "purchase probability: ",
                dcc.Link("explore it", href=ids.PATH),
                ".",
            ],
            className="small text-muted",
        )
    if other_run_id is None:
        return html.P(
            "An order log (python -m analytics run --orders FILE) adds filters by RFM group, "
            "expected value, P(alive) and repeat propensity.",
            className="small text-muted",
        )
    return html.P(
        [
            f"Order-log run {other_run_id} is filtered by RFM group, expected value, P(alive) "
            "and repeat propensity: ",
            dcc.Link("explore it", href=f"{ids.PATH}?run={other_run_id}"),
            ".",
        ],
        className="small text-muted",
    )


def absent_controls() -> html.Div:
    """An order-log run's controls, hidden, for a customer-file run: nothing to filter."""
    return html.Div(
        [
            *[dbc.Checklist(id=component, options=[], value=[]) for component in PICK_IDS.values()],
            *[absent_slider(component) for component in RANGE_IDS.values()],
        ],
        hidden=True,
    )


def profile_table(
    profiles: pd.DataFrame, segments: pd.DataFrame, chosen: list[int]
) -> html.P | dbc.Table:
    """One row per chosen segment: customers, share, mean behaviour and expected value."""
    if profiles.empty:
        return html.P("No customers match these filters.", className="text-muted mb-0")
    by_segment = profiles.set_index("segment")
    rows = [
        html.Tr(
            [
                html.Td(swatch_label(segment, segments)),
                *map(
                    html.Td,
                    explorer_orders.profile_cells(
                        by_segment.loc[segment] if segment in by_segment.index else None
                    ),
                ),
            ]
        )
        for segment in sorted(chosen)
    ]
    headings = ["Segment", *[heading for heading, _, _ in explorer_orders.PROFILE_TABLE]]
    return dbc.Table(
        [html.Thead(html.Tr([html.Th(h) for h in headings])), html.Tbody(rows)],
        hover=True,
        responsive=True,
        size="sm",
        className="mb-0",
    )
