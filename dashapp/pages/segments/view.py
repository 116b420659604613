"""The segment explorer's page: filter panel, scatter, distribution, profiles and comparison.
The figures and tables start empty (or "Loading…"): the callbacks fill them for the filters.

Every filter control of either kind of run is on the page, so that every callback has all its
inputs; those of the other kind are hidden and hold values that filter nothing."""

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from analytics.db.models import ORDER_LOG
from dashapp.data import customer_reads, derived, queries
from dashapp.logic import explorer, explorer_link
from dashapp.pages.common import page_header
from dashapp.pages.segments import behaviour, explored, ids, saved_audiences
from dashapp.pages.segments.controls import absent_slider, field, link_note, range_field
from dashapp.ui import theme
from dashapp.ui.components import card_header, tool_graph_card
from dashapp.ui.figures.common import empty_figure

RANGE_IDS = {"Age": ids.SEG_AGE, "Salary": ids.SEG_SALARY, "Price": ids.SEG_PRICE}
RANGE_LABELS = {"Age": "Age", "Salary": "Salary ($)", "Price": "Price ($)"}


def page(url: str, run: queries.RunInfo, kind: str, query: dict) -> html.Div:
    """The explorer for `run` of `kind`, its filters and view set from the link's query."""
    order_log = kind == ORDER_LOG
    choices = (
        derived.order_explorer_choices(url, run.id)
        if order_log
        else customer_reads.explorer_choices(url, run.id)
    )
    segments = explored.segments_of(url, run.id, kind)
    filters, view, ignored = explorer_link.read_query(query, choices)
    loading = empty_figure("Loading…")
    return html.Div(
        [
            dcc.Location(id=ids.SEG_URL, refresh=False),
            dcc.Store(id=ids.SEG_RUN, data=run.id),
            dcc.Store(id=ids.SEG_SELECTION, data=filters.selection),
            dcc.Store(id=ids.SEG_SELECTION_EVENT),
            page_header(
                "Segment explorer" + (" · order log" if order_log else ""),
                run,
                explored.notes(url, run.id, kind),
            ),
            behaviour.other_run_note(explored.other_kinds_run(url, kind), order_log),
            link_note(ignored),
            _filter_panel(choices, filters, segments, order_log),
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
            _comparison_card(segments, view),
            saved_audiences.card(saved_audiences.opened_audience(query)),
        ]
    )


def _filter_panel(
    choices: explorer.Choices,
    filters: explorer.Filters,
    segments: pd.DataFrame,
    order_log: bool,
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
            # A link to the streamed file, which the export callback points at the filters.
            dbc.Button(
                "Export CSV",
                id=ids.SEG_EXPORT,
                href=ids.EXPORT_PATH,
                external_link=True,
                size="sm",
                color="primary",
            ),
        ],
        direction="horizontal",
        gap=3,
        className="flex-wrap",
    )
    segment_field = dbc.Col(
        field(
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
    )
    selection_field = dbc.Col(
        field(
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
    )
    probability = _probability_field(choices, filters, order_log)
    if order_log:
        rows = behaviour.filter_rows(choices, filters, probability, segment_field, selection_field)
        hidden = _absent_customer_controls()
        footer = (
            "Export CSV downloads the matching customers with their RFM group and scores, "
            "behaviour, segment, propensity, expected orders (with the 90 % interval), P(alive) "
            "and expected value; cells that a spreadsheet would run as formulas are written "
            "with a leading quote."
        )
    else:
        rows = _customer_rows(choices, filters, probability, segment_field, selection_field)
        hidden = behaviour.absent_controls()
        footer = (
            "Export CSV downloads the matching customers with their segment names and "
            "purchase probabilities; cells that a spreadsheet would run as formulas are "
            "written with a leading quote."
        )
    return dbc.Card(
        [
            dbc.CardHeader(header),
            dbc.CardBody([*rows, hidden]),
            dbc.CardFooter(footer, className="small text-muted"),
        ],
        className="mb-3",
    )


def _customer_rows(
    choices: explorer.Choices,
    filters: explorer.Filters,
    probability: html.Div,
    segment_field: dbc.Col,
    selection_field: dbc.Col,
) -> list[dbc.Row]:
    """A customer-file run's filters: age, salary, price, probability; segments, gender,
    purchase status and the selection."""
    ranges = [
        dbc.Col(_range_field(column, choices, filters), xs=12, md=6, xl=3)
        for column in explorer.RANGE_COLUMNS
    ]
    ranges.append(dbc.Col(probability, xs=12, md=6, xl=3))
    choice_fields = [
        segment_field,
        dbc.Col(
            field(
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
            field(
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
        selection_field,
    ]
    return [dbc.Row(ranges, className="g-3 mb-2"), dbc.Row(choice_fields, className="g-3")]


def _absent_customer_controls() -> html.Div:
    """A customer-file run's controls, hidden, for an order-log run: nothing to filter."""
    return html.Div(
        [
            dbc.Checklist(id=ids.SEG_GENDER, options=[], value=[]),
            *[absent_slider(RANGE_IDS[column]) for column in explorer.RANGE_COLUMNS],
            dbc.RadioItems(
                id=ids.SEG_PURCHASED,
                options=[{"label": "All", "value": "all"}],
                value="all",
            ),
        ],
        hidden=True,
    )


def _range_field(column: str, choices: explorer.Choices, filters: explorer.Filters) -> html.Div:
    return range_field(
        RANGE_LABELS[column],
        RANGE_IDS[column],
        choices.sliders.get(column),
        filters.ranges.get(column),
        f"This run has no {column} column, so there is nothing to filter on.",
    )


def _probability_field(
    choices: explorer.Choices, filters: explorer.Filters, order_log: bool
) -> html.Div:
    """A minimum probability, for an audience of the likeliest buyers: of buying (a customer
    file's purchase model) or of ordering again (an order log's repeat propensity)."""
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
    label = "Repeat propensity at least" if order_log else "Purchase probability at least"
    top_n = field(
        "Top N by propensity",
        dcc.Input(
            id=ids.SEG_TOP_N,
            type="number",
            min=1,
            step=1,
            value=filters.top_n,
            placeholder="All",
            debounce=True,
            disabled=not choices.has_probability,
            className="form-control form-control-sm",
        ),
        html_for=ids.SEG_TOP_N,
    )
    if choices.has_probability:
        return html.Div([field(label, slider), top_n])
    absent = html.Small(
        "This run has no purchase model, so there is nothing to filter on.", className="text-muted"
    )
    return html.Div([field(label, html.Div([slider, absent])), top_n])


def _axis_pickers(choices: explorer.Choices, view: explorer.View) -> html.Div:
    def picker(axis: str, component_id: str, value: str) -> dbc.InputGroup:
        return dbc.InputGroup(
            [
                html.Label(f"{axis} axis", htmlFor=component_id, className="input-group-text"),
                dbc.Select(
                    id=component_id,
                    options=[
                        {"label": explorer.label(column), "value": column}
                        for column in choices.axes
                    ],
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
            card_header("Segment profiles", "Of the matching customers."),
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
            card_header(
                "Compare two segments",
                "Customers matching the filters other than the segment choice.",
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
