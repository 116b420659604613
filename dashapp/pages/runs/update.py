"""What the runs page's callbacks compute: a run against the one before it, the rows it set
aside and their download, and an upload analysed into a new run (after the mapping step when its
header lacks required columns)."""

from collections.abc import Callable, Sequence

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from analytics.validation.column_guess import columns_option, missing_fields
from dashapp.data import derived, queries
from dashapp.jobs import uploads
from dashapp.logic import comparison, export
from dashapp.pages.common import unavailable
from dashapp.pages.runs import ids, mapping, view
from dashapp.ui import theme
from dashapp.ui.components import graph_card
from dashapp.ui.figures.runs import segment_moves


def comparison_with_previous(run_id: int | None) -> dbc.Row | dbc.Alert:
    """How `run_id` differs from the published run before it: metrics and segment moves."""
    if run_id is None:  # only order logs so far: their moves are on the Customers page
        return dbc.Alert(
            "Runs are compared by their customers' segments, which customer-file runs have; "
            "how order-log customers moved between RFM groups is on the Customers page.",
            color="light",
        )
    url = queries.app_database_url()
    history = queries.run_history(url)
    published = history[history["status"] == "published"].sort_values("run_id")
    earlier = published[published["run_id"] < run_id]
    if earlier.empty:
        return dbc.Alert(
            "This is the first published run: there is nothing before it to compare with.",
            color="light",
        )
    previous_id = int(earlier["run_id"].iloc[-1])
    current, previous = (_summary(url, published, rid) for rid in (run_id, previous_id))
    changes = comparison.metric_changes(previous, current)
    moves = derived.segment_moves(url, previous_id, run_id)
    return dbc.Row(
        [
            dbc.Col(
                [
                    html.H3(f"Run {previous_id} → run {run_id}", className="h6"),
                    dbc.Table.from_dataframe(
                        changes.rename(columns=str.capitalize),
                        responsive=True,
                        size="sm",
                        hover=True,
                        className="mb-3",
                    ),
                ],
                lg=5,
            ),
            dbc.Col(
                graph_card(
                    "Who moved between segments",
                    ids.RUNS_MOVES,
                    segment_moves(moves),
                    subtitle=f"{theme.count(moves.to_numpy().sum())} customers in both runs, "
                    "matched by Customer ID",
                ),
                lg=7,
            ),
        ],
        className="g-3",
    )


def _summary(url: str, published: pd.DataFrame, run_id: int) -> dict:
    row = published.set_index("run_id").loc[run_id]
    return {
        "rows": row["rows"],
        "k": row["k"],
        "model": row["model"],
        "cv_roc_auc": row["cv_roc_auc"],
        "holdout_accuracy": row["holdout_accuracy"],
        "purchase_rate": queries.overview(url, run_id).kpis["purchase_rate"],
    }


def set_aside(run_id: int | None) -> html.Div:
    """The rows `run_id` set aside, or the error state when the database went away after the
    page was drawn."""
    if run_id is None:
        return html.Div()
    url = queries.app_database_url()
    try:
        summary = queries.set_aside_summary(url, run_id)
    except SQLAlchemyError as error:
        return unavailable(url, error)
    return view.set_aside_panel(run_id, summary)


def set_aside_download(run_id: int) -> dict:
    rows = queries.set_aside_rows(queries.app_database_url(), run_id)
    return dcc.send_string(export.set_aside_csv(rows), f"run-{run_id}-set-aside.csv")


def analyse_upload(
    set_progress: Callable,
    triggered: str | None,
    upload: dict | None,
    pending: dict | None,
    kind: str | None,
    choices: Sequence[object],
) -> tuple:
    """An upload analysed into a published run, reporting progress, or its mapping step: a new
    upload ({"contents", "filename"}, as the browser's check accepted it), or with `triggered`
    the mapping button, the pending upload analysed as `kind` with the dropdowns' `choices`.

    Returns what became of it, the page's body redrawn for a new run (else no_update), and the
    mapping step's style, pending upload, kind, dropdowns of each kind and preview."""
    if triggered == ids.RUNS_MAPPING_ANALYSE:
        return _analyse_mapped(set_progress, pending, kind, choices)
    upload = upload if isinstance(upload, dict) else {}
    contents, filename = upload.get("contents"), upload.get("filename")
    if not isinstance(contents, str) or not contents:
        return no_update, no_update, *_MAPPING_UNCHANGED
    filename = filename if isinstance(filename, str) and filename else "upload.csv"
    _report(set_progress, 0, f"Uploading {filename}")
    settings = uploads.app_settings()
    result = uploads.run_upload(
        settings, contents, filename, lambda percent, step: _report(set_progress, percent, step)
    )
    if "mapping" in result:
        _report(set_progress, 0, "")
        return None, no_update, *mapping.shown(result["mapping"])
    return _finished(set_progress, settings.database_url, result)


# The mapping step's outputs left as they are, or hidden with its pending upload forgotten.
_MAPPING_UNCHANGED = (no_update,) * 6
_MAPPING_DONE = (mapping.HIDDEN, None, *(no_update,) * 4)


def _analyse_mapped(
    set_progress: Callable, pending: dict | None, kind: str | None, choices: Sequence[object]
) -> tuple:
    pending = pending if isinstance(pending, dict) else {}
    filename = pending.get("filename")
    filename = filename if isinstance(filename, str) and filename else "upload.csv"
    kind = kind if isinstance(kind, str) and kind in ids.MAPPING_FIELDS else "customers"
    columns = mapping.chosen(kind, choices)
    # Asked again, the step staying as it is: a required field left empty, or a column name
    # the --columns text cannot spell.
    missing = missing_fields(kind, columns)
    if missing:
        alert = dbc.Alert(mapping.missing_text(kind, missing), color="warning")
        return alert, no_update, *_MAPPING_UNCHANGED
    try:
        option = columns_option(kind, columns)
    except ValueError as error:
        return dbc.Alert(f"{filename}: {error}.", color="warning"), no_update, *_MAPPING_UNCHANGED
    _report(set_progress, 0, f"Analysing {filename} with the chosen columns")
    settings = uploads.app_settings()
    result = uploads.run_mapped_upload(
        settings,
        pending.get("upload_id"),
        filename,
        kind,
        option,
        lambda percent, step: _report(set_progress, percent, step),
    )
    return _finished(set_progress, settings.database_url, result)


def _finished(set_progress: Callable, url: str, result: dict) -> tuple:
    """The outcome of a run (uploads.run_upload's result), the body for a published one, and
    the mapping step hidden: a pending upload is analysed once."""
    if "error" in result:
        _report(set_progress, 0, "")
        return view.upload_outcome(result), no_update, *_MAPPING_DONE
    _report(set_progress, 100, f"Published run {result['run_id']}")
    return view.upload_outcome(result), view.body(url, queries.latest_run(url)), *_MAPPING_DONE


def _report(set_progress: Callable, percent: int, stage: str) -> None:
    """The progress bar's value and label, and the same words for screen readers."""
    set_progress((percent, stage, stage))
