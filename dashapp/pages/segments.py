"""Segment explorer, for analysts: filter the customers of the latest run, see where they sit
and how segments differ, share the view as a link and export the audience as CSV.

Cross-filtering: each view shows the customers that pass every filter except its own (the
scatter ignores its own selection and highlights it; the distribution ignores the segment
choice and fades the segments left out), so a selection never hides what can be selected.
"""

from functools import partial

import dash
import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update

from dashapp.data import queries
from dashapp.logic import explorer
from dashapp.ui import figures, ids, theme
from dashapp.ui.components import (
    for_latest_run,
    page_header,
    segment_profile_table,
    swatch_label,
    tool_graph_card,
)

dash.register_page(
    __name__,
    path="/segments",
    name="Segments",
    title="Segments · Customer Analytics",
    order=1,
)

RANGE_IDS = {"Age": ids.SEG_AGE, "Salary": ids.SEG_SALARY, "Price": ids.SEG_PRICE}
RANGE_LABELS = {"Age": "Age", "Salary": "Salary ($)", "Price": "Price ($)"}
_CONTROL_PROPS = {
    "gender": (ids.SEG_GENDER, "value"),
    "age": (ids.SEG_AGE, "value"),
    "salary": (ids.SEG_SALARY, "value"),
    "price": (ids.SEG_PRICE, "value"),
    "segments": (ids.SEG_SEGMENTS, "value"),
    "purchased": (ids.SEG_PURCHASED, "value"),
    "min_probability": (ids.SEG_PROBABILITY, "value"),
    "selection": (ids.SEG_SELECTION, "data"),
}
FILTERS = {name: Input(*prop) for name, prop in _CONTROL_PROPS.items()}
FILTER_STATES = {name: State(*prop) for name, prop in _CONTROL_PROPS.items()}
RUN = State(ids.SEG_RUN, "data")
PROFILE_COLUMNS = ["segment", "Gender", "Age", "Salary", "Price", "Purchased"]
# The value of the disabled slider of a column that the run does not have.
ABSENT_RANGE = [0, 1]


def layout(**query) -> html.Div:
    return for_latest_run(partial(_render, query=query))


def _render(url: str, run: queries.RunInfo, query: dict) -> html.Div:
    choices = queries.explorer_choices(url, run.id)
    overview = queries.overview(url, run.id)
    filters, view = explorer.from_query(query, choices)
    loading = figures.empty_figure("Loading…")
    return html.Div(
        [
            dcc.Location(id=ids.SEG_URL, refresh=False),
            dcc.Store(id=ids.SEG_RUN, data=run.id),
            dcc.Store(id=ids.SEG_SELECTION, data=filters.selection),
            dcc.Store(id=ids.SEG_SELECTION_EVENT),
            dcc.Download(id=ids.SEG_DOWNLOAD),
            page_header("Segment explorer", run, overview.notes),
            _filter_panel(choices, filters, overview.segments),
            dbc.Row(
                [
                    dbc.Col(
                        tool_graph_card(
                            "Customers by segment",
                            ids.SEG_SCATTER,
                            loading,
                            tools=_axis_pickers(choices, view),
                            height=440,
                            subtitle="Drag a box (or a lasso, from the toolbar) to select "
                            "customers; the other views follow.",
                        ),
                        xs=12,
                        lg=7,
                    ),
                    dbc.Col(
                        tool_graph_card(
                            "Segment distribution",
                            ids.SEG_DISTRIBUTION,
                            loading,
                            height=440,
                            subtitle="Matching customers per segment. Click a bar to show only "
                            "that segment, and again to show all.",
                        ),
                        xs=12,
                        lg=5,
                    ),
                ],
                className="g-3 mb-3",
            ),
            _profile_card(),
            _comparison_card(overview.segments, view),
        ]
    )


def _field(label: str, control, html_for: str | None = None) -> html.Div:
    return html.Div(
        [dbc.Label(label, html_for=html_for, className="fw-semibold small mb-1"), control]
    )


def _filter_panel(
    choices: explorer.Choices, filters: explorer.Filters, segments: pd.DataFrame
) -> dbc.Card:
    segment_options = [
        {
            "label": html.Span(
                [
                    html.Span(
                        className="swatch",
                        style={"backgroundColor": theme.segment_colour(row.segment)},
                    ),
                    theme.segment_label(row.segment, row.name),
                ]
            ),
            "value": int(row.segment),
        }
        for row in segments.itertuples()
    ]
    header = dbc.Stack(
        [
            html.H2("Filters", className="h6 mb-0"),
            html.Div(
                id=ids.SEG_COUNT,
                className="fw-semibold",
                **{"aria-live": "polite"},
            ),
            dbc.Button(
                "Reset",
                id=ids.SEG_RESET,
                size="sm",
                color="secondary",
                outline=True,
                className="ms-auto",
            ),
            dbc.Button("Export CSV", id=ids.SEG_EXPORT, size="sm", color="primary"),
        ],
        direction="horizontal",
        gap=3,
        className="flex-wrap",
    )
    ranges = [
        dbc.Col(_range_field(column, choices, filters), xs=12, md=6, xl=3)
        for column in explorer.RANGE_COLUMNS
    ]
    ranges.append(dbc.Col(_probability_field(choices, filters), xs=12, md=6, xl=3))
    choice_fields = [
        dbc.Col(
            _field(
                "Segments",
                dbc.Checklist(
                    id=ids.SEG_SEGMENTS,
                    options=segment_options,
                    value=list(filters.segments),
                    inline=True,
                ),
            ),
            xs=12,
            xl=5,
        ),
        dbc.Col(
            _field(
                "Gender",
                dbc.Checklist(
                    id=ids.SEG_GENDER,
                    options=[{"label": g, "value": g} for g in choices.genders],
                    value=list(filters.genders),
                    inline=True,
                ),
            ),
            xs=12,
            md=4,
            xl=2,
        ),
        dbc.Col(
            _field(
                "Purchase status",
                dbc.RadioItems(
                    id=ids.SEG_PURCHASED,
                    options=[
                        {"label": label, "value": value}
                        for value, label in explorer.PURCHASE_CHOICES.items()
                    ],
                    value=filters.purchased,
                    inline=True,
                ),
            ),
            xs=12,
            md=4,
            xl=3,
        ),
        dbc.Col(
            _field(
                "Scatter selection",
                html.Div(
                    [
                        html.Span(id=ids.SEG_SELECTION_NOTE, className="small me-2"),
                        dbc.Button(
                            "Clear selection",
                            id=ids.SEG_CLEAR_SELECTION,
                            size="sm",
                            color="link",
                            className="p-0 align-baseline",
                        ),
                    ]
                ),
            ),
            xs=12,
            md=4,
            xl=2,
        ),
    ]
    return dbc.Card(
        [
            dbc.CardHeader(header),
            dbc.CardBody(
                [
                    dbc.Row(ranges, className="g-3 mb-2"),
                    dbc.Row(choice_fields, className="g-3"),
                ]
            ),
            dbc.CardFooter(
                "Export CSV downloads the matching customers with their segment names and "
                "purchase probabilities; cells that a spreadsheet would run as formulas are "
                "written with a leading quote.",
                className="small text-muted",
            ),
        ],
        className="mb-3",
    )


def _range_field(column: str, choices: explorer.Choices, filters: explorer.Filters) -> html.Div:
    slider = choices.sliders.get(column)
    if slider is None:
        return _field(
            RANGE_LABELS[column],
            html.Div(
                [
                    dcc.RangeSlider(
                        id=RANGE_IDS[column],
                        min=ABSENT_RANGE[0],
                        max=ABSENT_RANGE[1],
                        value=ABSENT_RANGE,
                        disabled=True,
                        marks=None,
                    ),
                    html.Small(
                        f"This run has no {column} column, so there is nothing to filter on.",
                        className="text-muted",
                    ),
                ]
            ),
        )
    return _field(
        RANGE_LABELS[column],
        dcc.RangeSlider(
            id=RANGE_IDS[column],
            min=slider.low,
            max=slider.high,
            step=slider.step,
            value=list(filters.ranges[column]),
            marks=None,
            tooltip={"placement": "bottom"},
        ),
    )


def _probability_field(choices: explorer.Choices, filters: explorer.Filters) -> html.Div:
    """A minimum purchase probability, for an audience of the likeliest buyers."""
    marks = {value: f"{value:g}" for value in (0, 0.25, 0.5, 0.75, 1)}
    slider = dcc.Slider(
        id=ids.SEG_PROBABILITY,
        min=0,
        max=1,
        step=explorer.PROBABILITY_STEP,
        value=filters.min_probability,
        marks=marks,
        disabled=not choices.has_probability,
        tooltip={"placement": "bottom"},
    )
    if choices.has_probability:
        return _field("Purchase probability at least", slider)
    return _field(
        "Purchase probability at least",
        html.Div(
            [
                slider,
                html.Small(
                    "This run has no purchase model, so there is nothing to filter on.",
                    className="text-muted",
                ),
            ]
        ),
    )


def _axis_pickers(choices: explorer.Choices, view: explorer.View) -> html.Div:
    def picker(axis: str, component_id: str, value: str) -> dbc.InputGroup:
        return dbc.InputGroup(
            [
                html.Label(f"{axis} axis", htmlFor=component_id, className="input-group-text"),
                dbc.Select(
                    id=component_id,
                    options=[{"label": column, "value": column} for column in choices.axes],
                    value=value,
                ),
            ],
            size="sm",
            className="w-auto",
        )

    return html.Div(
        [
            picker("X", ids.SEG_X_AXIS, view.x),
            picker("Y", ids.SEG_Y_AXIS, view.y),
            html.Small(id=ids.SEG_SAMPLE_NOTE, className="text-muted"),
        ],
        className="d-flex flex-wrap gap-2 align-items-center mb-1",
    )


def _profile_card() -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.H2("Segment profiles", className="h6 mb-0"),
                    html.Small("Of the matching customers.", className="text-muted"),
                ]
            ),
            dbc.CardBody(html.Div(id=ids.SEG_PROFILE_TABLE)),
        ],
        className="mb-3",
    )


def _comparison_card(segments: pd.DataFrame, view: explorer.View) -> dbc.Card:
    options = [
        {"label": theme.segment_label(row.segment, row.name), "value": str(row.segment)}
        for row in segments.itertuples()
    ]

    def picker(label: str, component_id: str, value: int) -> dbc.Col:
        return dbc.Col(
            dbc.InputGroup(
                [
                    html.Label(label, htmlFor=component_id, className="input-group-text"),
                    dbc.Select(id=component_id, options=options, value=str(value)),
                ],
                size="sm",
            ),
            xs=12,
            md=6,
        )

    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.H2("Compare two segments", className="h6 mb-0"),
                    html.Small(
                        "Customers matching the filters other than the segment choice.",
                        className="text-muted",
                    ),
                ]
            ),
            dbc.CardBody(
                [
                    dbc.Row(
                        [
                            picker("A", ids.SEG_COMPARE_A, view.compare[0]),
                            picker("B", ids.SEG_COMPARE_B, view.compare[1]),
                        ],
                        className="g-2 mb-2",
                    ),
                    html.Div(id=ids.SEG_COMPARISON),
                ]
            ),
        ]
    )


def _load(run_id: int) -> tuple[pd.DataFrame, explorer.Choices, pd.DataFrame]:
    """The run's customers, what they can be filtered on, and its segments (with names)."""
    url = queries.app_database_url()
    return (
        queries.customers(url, run_id),
        queries.explorer_choices(url, run_id),
        queries.overview(url, run_id).segments,
    )


def _filters(controls: dict) -> explorer.Filters:
    return explorer.Filters(
        genders=tuple(controls["gender"] or ()),
        ranges={"Age": controls["age"], "Salary": controls["salary"], "Price": controls["price"]},
        segments=tuple(controls["segments"] or ()),
        purchased=controls["purchased"] or "all",
        selection=controls["selection"],
        min_probability=controls["min_probability"] or 0.0,
    )


def _comparison_table(a: int, b: int, rows: list, segments: pd.DataFrame) -> dbc.Table:
    header = html.Tr(
        [
            html.Th(""),
            html.Th(swatch_label(a, segments)),
            html.Th(swatch_label(b, segments)),
            html.Th("Difference (B − A)"),
        ]
    )
    return dbc.Table(
        [
            html.Thead(header),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Th(label, scope="row"),
                            html.Td(first),
                            html.Td(second),
                            html.Td(change),
                        ]
                    )
                    for label, first, second, change in rows
                ]
            ),
        ],
        responsive=True,
        size="sm",
        className="mb-0",
    )


@callback(
    output=[
        Output(ids.SEG_COUNT, "children"),
        Output(ids.SEG_DISTRIBUTION, "figure"),
        Output(ids.SEG_PROFILE_TABLE, "children"),
        Output(ids.SEG_SELECTION_NOTE, "children"),
        Output(ids.SEG_CLEAR_SELECTION, "disabled"),
        Output(ids.SEG_EXPORT, "disabled"),
    ],
    inputs={"controls": FILTERS, "run_id": RUN},
)
def update_summary(controls, run_id):
    customers, choices, segments = _load(run_id)
    filters = _filters(controls)
    masks = explorer.masks(customers, filters, choices)
    matching = masks.matching
    counts = explorer.segment_counts(customers, segments, masks.any_segment)
    profiles = explorer.segment_profiles(customers.loc[matching, PROFILE_COLUMNS])
    matches = int(matching.sum())
    return (
        explorer.count_text(matches, len(customers)),
        figures.explorer_distribution(counts, list(filters.segments)),
        segment_profile_table(profiles, segments, list(filters.segments)),
        explorer.describe_selection(filters.selection),
        filters.selection is None,
        matches == 0,
    )


@callback(
    output=[Output(ids.SEG_SCATTER, "figure"), Output(ids.SEG_SAMPLE_NOTE, "children")],
    inputs={
        "controls": FILTERS,
        "x": Input(ids.SEG_X_AXIS, "value"),
        "y": Input(ids.SEG_Y_AXIS, "value"),
        "run_id": RUN,
    },
)
def update_scatter(controls, x, y, run_id):
    customers, choices, segments = _load(run_id)
    filters = _filters(controls)
    masks = explorer.masks(customers, filters, choices)
    shown = masks.others & masks.segments
    positions = explorer.sample_positions(shown)
    points = customers.iloc[positions][["Age", "Salary", "Price", "segment"]]
    if filters.selection:
        points = points.assign(selected=masks.selection[positions])
    total = int(shown.sum())
    figure = figures.explorer_scatter(points, segments, total, x, y, filters.selection)
    return figure, explorer.sample_note(len(positions), total)


@callback(
    Output(ids.SEG_COMPARISON, "children"),
    inputs={
        "controls": FILTERS,
        "a": Input(ids.SEG_COMPARE_A, "value"),
        "b": Input(ids.SEG_COMPARE_B, "value"),
        "run_id": RUN,
    },
)
def update_comparison(controls, a, b, run_id):
    customers, choices, segments = _load(run_id)
    a, b = int(a), int(b)
    masks = explorer.masks(customers, _filters(controls), choices)
    pair = masks.any_segment & np.isin(customers["segment"].to_numpy(), [a, b])
    profiles = explorer.segment_profiles(customers.loc[pair, PROFILE_COLUMNS])
    by_segment = profiles.set_index("segment")

    def profile(segment: int) -> pd.Series | None:
        return by_segment.loc[segment] if segment in by_segment.index else None

    rows = explorer.comparison_rows(profile(a), profile(b))
    return _comparison_table(a, b, rows, segments)


@callback(
    Output(ids.SEG_URL, "search"),
    inputs={
        "controls": FILTERS,
        "x": Input(ids.SEG_X_AXIS, "value"),
        "y": Input(ids.SEG_Y_AXIS, "value"),
        "a": Input(ids.SEG_COMPARE_A, "value"),
        "b": Input(ids.SEG_COMPARE_B, "value"),
        "run_id": RUN,
    },
    prevent_initial_call=True,
)
def update_url(controls, x, y, a, b, run_id):
    choices = queries.explorer_choices(queries.app_database_url(), run_id)
    view = explorer.View(x, y, (int(a), int(b)))
    return explorer.query_string(_filters(controls), view, choices)


# Plotly reports every selected point (megabytes for 20,000 points, slow to send and parse);
# the server needs only the box or the lasso, so the browser passes on just that.
clientside_callback(
    """
    function (selected) {
        return selected ? {range: selected.range, lassoPoints: selected.lassoPoints} : null;
    }
    """,
    Output(ids.SEG_SELECTION_EVENT, "data"),
    Input(ids.SEG_SCATTER, "selectedData"),
    prevent_initial_call=True,
)


@callback(
    output=[Output(prop[0], prop[1]) for prop in _CONTROL_PROPS.values()],
    inputs={
        "reset": Input(ids.SEG_RESET, "n_clicks"),
        "bar": Input(ids.SEG_DISTRIBUTION, "clickData"),
        "selected": Input(ids.SEG_SELECTION_EVENT, "data"),
        "clear": Input(ids.SEG_CLEAR_SELECTION, "n_clicks"),
        "chosen": State(ids.SEG_SEGMENTS, "value"),
        "current": State(ids.SEG_SELECTION, "data"),
        "x": State(ids.SEG_X_AXIS, "value"),
        "y": State(ids.SEG_Y_AXIS, "value"),
        "run_id": RUN,
    },
    prevent_initial_call=True,
)
def change_filters(reset, bar, selected, clear, chosen, current, x, y, run_id):
    """Reset, a click on a segment bar and a scatter selection set the filter controls."""
    changes = dict.fromkeys(_CONTROL_PROPS, no_update)
    trigger = ctx.triggered_id
    if trigger == ids.SEG_RESET:
        default = explorer.default_filters(_load(run_id)[1])
        ranges = {
            column.lower(): list(default.ranges.get(column, ABSENT_RANGE))
            for column in explorer.RANGE_COLUMNS
        }
        changes = {
            "gender": list(default.genders),
            **ranges,
            "segments": list(default.segments),
            "purchased": default.purchased,
            "min_probability": default.min_probability,
            "selection": None,
        }
    elif trigger == ids.SEG_DISTRIBUTION and bar:
        clicked = int(bar["points"][0]["customdata"])
        all_segments = _load(run_id)[1].segments
        changes["segments"] = explorer.toggle_segment(chosen or [], clicked, all_segments)
    elif trigger == ids.SEG_CLEAR_SELECTION:
        changes["selection"] = None
    elif trigger == ids.SEG_SELECTION_EVENT:
        selection = explorer.selection_from_event(selected, x, y)
        # Redrawing the scatter can report the selection it was drawn with; that is no change.
        if selection != current:
            changes["selection"] = selection
    return [changes[name] for name in _CONTROL_PROPS]


@callback(
    Output(ids.SEG_DOWNLOAD, "data"),
    inputs={"clicks": Input(ids.SEG_EXPORT, "n_clicks"), "controls": FILTER_STATES, "run_id": RUN},
    prevent_initial_call=True,
)
def export_audience(clicks, controls, run_id):
    customers, choices, _ = _load(run_id)
    header, lines = queries.audience_csv_lines(queries.app_database_url(), run_id)
    masks = explorer.masks(customers, _filters(controls), choices)
    return dcc.send_string(
        header + "".join(lines[masks.matching]),
        filename=f"segments-run-{run_id}.csv",
        type="text/csv",
    )
