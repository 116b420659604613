"""What the segment explorer's callbacks compute, from the filter controls' values and the run:
the count, the figures and tables, the shareable link, the filters a click sets and the export."""

from collections.abc import Mapping

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
from dash import dcc, html, no_update

from dashapp.data import derived, queries
from dashapp.logic import explorer, explorer_link
from dashapp.pages.segments import ids
from dashapp.pages.segments.view import ABSENT_RANGE
from dashapp.ui.components import segment_profile_table, swatch_label
from dashapp.ui.figures.segments import explorer_distribution, explorer_scatter

PROFILE_COLUMNS = ["segment", "Gender", "Age", "Salary", "Price", "Purchased"]


def _load(run_id: int) -> tuple[pd.DataFrame, explorer.Choices, pd.DataFrame]:
    """The run's customers, what they can be filtered on, and its segments (with names)."""
    url = queries.app_database_url()
    return (
        queries.customers(url, run_id),
        derived.explorer_choices(url, run_id),
        queries.overview(url, run_id).segments,
    )


def _filters(controls: Mapping) -> explorer.Filters:
    return explorer.Filters(
        genders=tuple(controls["gender"] or ()),
        ranges={"Age": controls["age"], "Salary": controls["salary"], "Price": controls["price"]},
        segments=tuple(controls["segments"] or ()),
        purchased=controls["purchased"] or "all",
        selection=controls["selection"],
        min_probability=controls["min_probability"] or 0.0,
    )


def summary(controls: Mapping, run_id: int) -> tuple:
    """The count, distribution, profiles, selection note, and whether clearing the selection
    and exporting are disabled."""
    customers, choices, segments = _load(run_id)
    filters = _filters(controls)
    masks = explorer.masks(customers, filters, choices)
    matching = masks.matching
    counts = explorer.segment_counts(customers, segments, masks.any_segment)
    profiles = explorer.segment_profiles(customers.loc[matching, PROFILE_COLUMNS])
    matches = int(matching.sum())
    return (
        explorer.count_text(matches, len(customers)),
        explorer_distribution(counts, list(filters.segments)),
        segment_profile_table(profiles, segments, list(filters.segments)),
        explorer.describe_selection(filters.selection),
        filters.selection is None,
        matches == 0,
    )


def scatter(controls: Mapping, x: str, y: str, run_id: int) -> tuple:
    """The scatter of the customers passing every filter but the selection, and its sample note."""
    customers, choices, segments = _load(run_id)
    filters = _filters(controls)
    masks = explorer.masks(customers, filters, choices)
    shown = masks.others & masks.segments
    positions = explorer.sample_positions(shown)
    points = customers.iloc[positions][["Age", "Salary", "Price", "segment"]]
    if filters.selection:
        points = points.assign(selected=masks.selection[positions])
    total = int(shown.sum())
    figure = explorer_scatter(points, segments, total, x, y, filters.selection)
    return figure, explorer.sample_note(len(positions), total)


def comparison(controls: Mapping, a: str, b: str, run_id: int) -> dbc.Table:
    """Segments a and b side by side, among the customers passing the other filters."""
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
    """The link's query string for the filters and view."""
    choices = derived.explorer_choices(queries.app_database_url(), run_id)
    view = explorer.View(x, y, (int(a), int(b)))
    return explorer_link.query_string(_filters(controls), view, choices)


def changed_filters(trigger: str | None, event: Mapping, run_id: int) -> list:
    """The filter controls' new values (no_update for those left alone) after a reset, a click
    on a segment bar, clearing the selection or a scatter selection. `event` holds the bar
    click ("bar"), the selection event ("selected"), the chosen segments ("chosen"), the current
    selection ("current") and the scatter's axes ("x", "y")."""
    changes = dict.fromkeys(ids.FILTER_CONTROLS, no_update)
    if trigger == ids.SEG_RESET:
        changes = _default_controls(_load(run_id)[1])
    elif trigger == ids.SEG_DISTRIBUTION and event["bar"]:
        clicked = int(event["bar"]["points"][0]["customdata"])
        all_segments = _load(run_id)[1].segments
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
        column.lower(): list(default.ranges.get(column, ABSENT_RANGE))
        for column in explorer.RANGE_COLUMNS
    }
    return {
        "gender": list(default.genders),
        **ranges,
        "segments": list(default.segments),
        "purchased": default.purchased,
        "min_probability": default.min_probability,
        "selection": None,
    }


def audience_download(controls: Mapping, run_id: int) -> dict:
    """The matching customers as an audience CSV download."""
    customers, choices, _ = _load(run_id)
    header, lines = derived.audience_csv_lines(queries.app_database_url(), run_id)
    masks = explorer.masks(customers, _filters(controls), choices)
    return dcc.send_string(
        header + "".join(lines[masks.matching]),
        filename=f"segments-run-{run_id}.csv",
        type="text/csv",
    )
