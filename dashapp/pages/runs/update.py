"""What the runs page's callbacks compute: a run against the one before it, the rows it set
aside and their download, and an upload analysed into a new run."""

from collections.abc import Callable

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashapp.data import derived, queries
from dashapp.jobs import uploads
from dashapp.logic import comparison, export
from dashapp.pages.common import unavailable
from dashapp.pages.runs import ids, view
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


def analyse_upload(set_progress: Callable, upload: dict | None) -> tuple:
    """Analyse an uploaded file ({"contents", "filename"}, as the browser's check accepted it)
    into a published run, reporting progress: what became of it, and the page's body redrawn for
    the new run (no_update when it was refused)."""
    upload = upload if isinstance(upload, dict) else {}
    contents, filename = upload.get("contents"), upload.get("filename")
    if not isinstance(contents, str) or not contents:
        return no_update, no_update
    filename = filename if isinstance(filename, str) and filename else "upload.csv"
    set_progress((0, f"uploading {filename}"))
    settings = uploads.app_settings()
    result = uploads.run_upload(
        settings, contents, filename, lambda percent, step: set_progress((percent, step))
    )
    if "error" in result:
        set_progress((0, ""))
        return view.upload_outcome(result), no_update
    set_progress((100, f"published run {result['run_id']}"))
    url = settings.database_url
    return view.upload_outcome(result), view.body(url, queries.latest_run(url))
