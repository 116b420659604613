"""What the segment explorer's callbacks compute, from the filter controls' values and the run:
the count, the figures and tables, the shareable link, the filters a click sets, the export and
the saved audiences."""

from collections.abc import Mapping

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html, no_update

from dashapp.data import customer_reads, queries
from dashapp.logic import explorer, explorer_link, explorer_orders
from dashapp.pages.segments import (
    behaviour,
    download,
    explored,
    ids,
    order_matching,
    saved_audiences,
)
from dashapp.pages.segments.controls import ABSENT_RANGE
from dashapp.ui.components import segment_profile_table, swatch_label
from dashapp.ui.figures.common import empty_figure
from dashapp.ui.figures.segments import explorer_distribution, explorer_scatter

# The range controls and the columns they filter (a column the run lacks filters nothing).
RANGE_CONTROLS = {
    "age": "Age",
    "salary": "Salary",
    "price": "Price",
    "value": "expected_value",
    "p_alive": "p_alive",
}
PICK_CONTROLS = ("rfm_group", "r_score", "fm_score")


def _filters(controls: Mapping) -> explorer.Filters:
    return explorer.Filters(
        genders=tuple(controls["gender"] or ()),
        ranges={column: controls[name] for name, column in RANGE_CONTROLS.items()},
        segments=tuple(controls["segments"] or ()),
        purchased=controls["purchased"] or "all",
        selection=controls["selection"],
        min_probability=controls["min_probability"] or 0.0,
        picks={column: tuple(controls[column] or ()) for column in PICK_CONTROLS},
        top_n=explorer.top_n_value(controls.get("top_n")),
    )


def summary(controls: Mapping, run_id: int) -> tuple:
    """The count, distribution, profiles, selection note, and whether clearing the selection
    and exporting are disabled."""
    run = explored.load(run_id)
    if run is None:
        return (
            queries.NO_PUBLISHED_RUN,
            empty_figure(queries.NO_PUBLISHED_RUN),
            None,
            "",
            True,
            True,
        )
    segments = run.segments
    filters = _filters(controls)
    if run.is_order_log:
        found = order_matching.summary(run, filters)
    else:
        found = customer_reads.summary(queries.app_database_url(), run_id, filters, segments)
    chosen = list(filters.segments)
    return (
        explorer.count_text(found.matches, found.total),
        explorer_distribution(found.counts, chosen),
        behaviour.profile_table(found.profiles, segments, chosen)
        if run.is_order_log
        else segment_profile_table(found.profiles, segments, chosen),
        explorer.describe_selection(filters.selection),
        filters.selection is None,
        found.matches == 0,
    )


def _axis(requested: str, choices: explorer.Choices, default: str) -> str:
    """An axis the client asked for, if the run has it."""
    return requested if requested in choices.axes else default


def scatter(controls: Mapping, x: str, y: str, run_id: int) -> tuple:
    """The scatter of the customers passing every filter but the selection, and its sample note."""
    run = explored.load(run_id)
    if run is None:
        return empty_figure(queries.NO_PUBLISHED_RUN), ""
    choices = run.choices
    default = explorer.default_view(choices)
    x, y = _axis(x, choices, default.x), _axis(y, choices, default.y)
    filters = _filters(controls)
    if run.is_order_log:
        points, total = order_matching.scatter_sample(run, filters)
    else:
        points, total = customer_reads.scatter_sample(queries.app_database_url(), run_id, filters)
    labels = {column: explorer.label(column) for column in choices.axes}
    figure = explorer_scatter(points, run.segments, total, x, y, filters.selection, labels)
    return figure, explorer.sample_note(len(points), total)


def comparison(controls: Mapping, a: str, b: str, run_id: int) -> dbc.Table | str:
    """Segments a and b side by side, among the customers passing the other filters."""
    run = explored.load(run_id)
    pair = _segment_pair(a, b, run)
    if run is None or pair is None:
        return queries.NO_PUBLISHED_RUN if run is None else ""
    a, b = pair
    filters = _filters(controls)
    if run.is_order_log:
        profiles = order_matching.pair_profiles(run, filters, pair)
    else:
        profiles = customer_reads.pair_profiles(queries.app_database_url(), run_id, filters, pair)
    by_segment = profiles.set_index("segment")

    def profile(segment: int) -> pd.Series | None:
        return by_segment.loc[segment] if segment in by_segment.index else None

    if run.is_order_log:
        rows = explorer.measure_rows(profile(a), profile(b), explorer_orders.COMPARED)
    else:
        rows = explorer.comparison_rows(profile(a), profile(b))
    return _comparison_table(a, b, rows, run.segments)


def _segment_pair(a: str, b: str, run: explored.Explored | None) -> tuple[int, int] | None:
    """The two segments the pickers name, if both are the run's."""
    try:
        pair = int(a), int(b)
    except (TypeError, ValueError):
        return None
    return pair if run is not None and set(pair) <= set(run.choices.segments) else None


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


def query_string(controls: Mapping, x: str, y: str, a: str, b: str, run_id: int) -> str:
    """The link's query string for the filters and view (and an order-log run's id)."""
    run = explored.load(run_id)
    pair = _segment_pair(a, b, run)
    if run is None or pair is None:
        return no_update
    view = explorer.View(x, y, pair)
    return explorer_link.query_string(
        _filters(controls), view, run.choices, run.run_id if run.is_order_log else None
    )


def changed_filters(trigger: str | None, event: Mapping, run_id: int) -> list:
    """The filter controls' new values (no_update for those left alone) after a reset, a click
    on a segment bar, clearing the selection or a scatter selection. `event` holds the bar
    click ("bar"), the selection event ("selected"), the chosen segments ("chosen"), the current
    selection ("current") and the scatter's axes ("x", "y")."""
    changes = dict.fromkeys(ids.FILTER_CONTROLS, no_update)
    run = explored.load(run_id)
    if run is None:
        return list(changes.values())
    if trigger == ids.SEG_RESET:
        changes = _default_controls(run.choices)
    elif trigger == ids.SEG_DISTRIBUTION and event["bar"]:
        clicked = int(event["bar"]["points"][0]["customdata"])
        all_segments = run.choices.segments
        changes["segments"] = explorer.toggle_segment(event["chosen"] or [], clicked, all_segments)
    elif trigger == ids.SEG_CLEAR_SELECTION:
        changes["selection"] = None
    elif trigger == ids.SEG_SELECTION_EVENT:
        selection = explorer.selection_from_event(event["selected"], event["x"], event["y"])
        # Redrawing the scatter can report the selection it was drawn with; that is no change.
        if selection != event["current"]:
            changes["selection"] = selection
    return [changes[name] for name in ids.FILTER_CONTROLS]


def _default_controls(choices: explorer.Choices) -> dict:
    default = explorer.default_filters(choices)
    ranges = {
        name: list(default.ranges.get(column, ABSENT_RANGE))
        for name, column in RANGE_CONTROLS.items()
    }
    picks = {column: list(default.picks.get(column, ())) for column in PICK_CONTROLS}
    return {
        "gender": list(default.genders),
        **ranges,
        "segments": list(default.segments),
        "purchased": default.purchased,
        "min_probability": default.min_probability,
        "selection": None,
        **picks,
        "top_n": default.top_n,
    }


def export_link(controls: Mapping, audience_id: object, run_id: int) -> str:
    """Where the export button downloads the matching customers from (the streamed CSV of
    dashapp.pages.segments.download, for these filters; named for the audience `audience_id`
    when they are still its filters)."""
    run = explored.load(run_id)
    if run is None:
        return no_update
    return download.link(run.run_id, _filters(controls), run.choices, audience_id)


def audiences_card(saving: bool, name: str | None, controls: Mapping, run_id: int) -> tuple:
    """The save's message (empty unless `saving`), the audience the filters now are (the one just
    saved; else no_update) and the list of the run's kind's audiences."""
    run = explored.load(run_id)
    if run is None:
        return queries.NO_PUBLISHED_RUN, no_update, None
    message, saved = saved_audiences.save(run, _filters(controls), name) if saving else ("", None)
    return message, no_update if saved is None else saved, saved_audiences.listing(run)
