"""Runs & data: run history, a run against the one before it, and uploads that start a run."""

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashapp.data import queries
from dashapp.hosting import auth, roles
from dashapp.jobs import uploads as jobs
from dashapp.logic import comparison, export
from dashapp.ui import figures, ids, theme, webhook_view
from dashapp.ui.components import error_state, for_latest_run, graph_card

dash.register_page(
    __name__, path="/runs", name="Runs & data", title="Runs & data · Customer Analytics", order=4
)

_STATUS_COLOURS = {"published": "success", "failed": "danger", "running": "warning"}


def layout(**_query) -> html.Div:
    # The upload stays available with no run yet: a first-time user starts here. It starts a
    # run, which only admins may do (dashapp.hosting.roles), so others do not see it.
    may_upload = roles.allows(auth.current_role(), roles.ADMIN)
    return html.Div(
        [
            html.H1("Runs & data", className="h3 mb-3"),
            *([_upload_card()] if may_upload else []),
            html.Div(for_latest_run(_render), id=ids.RUNS_BODY),
        ]
    )


def _render(url: str, run: queries.RunInfo) -> html.Div:
    history = queries.run_history(url)
    published = history[history["status"] == "published"]
    return html.Div(
        [
            html.P(
                f"Every page shows run {run.id} ({run.input_name}), the newest published run.",
                className="text-muted",
                id=ids.RUN_BADGE,
            ),
            dbc.Card(
                [
                    dbc.CardHeader(html.H2("Run history", className="h6 mb-0")),
                    dbc.CardBody(
                        _history_table(history, queries.set_aside_counts(url)), className="p-0"
                    ),
                ],
                className="mb-3",
            ),
            webhook_view.deliveries_card(queries.webhook_deliveries(url)),
            dbc.Card(
                [
                    dbc.CardHeader(
                        dbc.Row(
                            [
                                dbc.Col(
                                    html.H2("Compare with the run before", className="h6 mb-0"),
                                    xs=12,
                                    md=6,
                                ),
                                dbc.Col(
                                    dcc.Dropdown(
                                        id=ids.RUNS_COMPARE,
                                        options=[
                                            {
                                                "label": f"Run {r.run_id} · {r.input_name} · "
                                                f"{r.created_at:%d %b %H:%M}",
                                                "value": r.run_id,
                                            }
                                            for r in published.itertuples()
                                        ],
                                        value=run.id,
                                        clearable=False,
                                    ),
                                    xs=12,
                                    md=6,
                                ),
                            ],
                            className="g-2 align-items-center",
                        )
                    ),
                    dbc.CardBody(dcc.Loading(html.Div(id=ids.RUNS_COMPARISON))),
                ],
                className="mb-3",
            ),
            dbc.Card(
                [
                    dbc.CardHeader(html.H2("Rows set aside", className="h6 mb-0")),
                    dbc.CardBody(
                        [
                            html.Div(id=ids.RUNS_SET_ASIDE),
                            dcc.Download(id=ids.RUNS_SET_ASIDE_DOWNLOAD),
                        ]
                    ),
                ]
            ),
        ]
    )


def _upload_card() -> dbc.Card:
    limits = jobs.app_settings().upload_limits
    return dbc.Card(
        [
            dbc.CardHeader(html.H2("Analyse a new file", className="h6 mb-0")),
            dbc.CardBody(
                [
                    dcc.Upload(
                        html.Div(
                            [
                                "Drop a customer CSV here or ",
                                html.A("choose a file", href="#", className="link-primary"),
                            ]
                        ),
                        id=ids.RUNS_UPLOAD,
                        accept=".csv,text/csv",
                        max_size=limits.max_bytes,
                        className="upload-drop",
                    ),
                    html.Small(
                        "Columns Customer ID, Gender, Age, Salary, Price, Purchased (Product ID "
                        f"optional); up to {limits.max_bytes / 1024 / 1024:,.0f} MB, "
                        f"{limits.max_rows:,} rows and {limits.max_columns:,} columns. The run "
                        "is published when it completes; until then the current results stay "
                        "on every page.",
                        className="text-muted d-block mt-2",
                    ),
                    dbc.Progress(
                        id=ids.RUNS_PROGRESS,
                        value=0,
                        className="mt-3",
                        style={"height": "18px", "display": "none"},
                    ),
                    html.Div(
                        id=ids.RUNS_STATUS,
                        className="small text-muted mt-1",
                        **{"aria-live": "polite"},
                    ),
                    html.Div(id=ids.RUNS_ERROR, className="mt-2"),
                ]
            ),
        ],
        className="mb-3",
    )


def _history_table(history: pd.DataFrame, set_aside: dict[int, int]) -> dbc.Table:
    header = html.Thead(
        html.Tr(
            [
                html.Th(h)
                for h in (
                    "Run",
                    "When (UTC)",
                    "Input",
                    "Customers",
                    "k",
                    "Model",
                    "CV ROC-AUC",
                    "Holdout accuracy",
                    "Set aside",
                    "Status",
                )
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(row.run_id),
                    html.Td(f"{row.created_at:%d %b %Y %H:%M}"),
                    html.Td(row.input_name),
                    html.Td(theme.count(row.rows)),
                    html.Td(theme.count(row.k)),
                    html.Td(row.model or theme.MISSING),
                    html.Td(theme.number(row.cv_roc_auc, 3)),
                    html.Td(theme.percent(row.holdout_accuracy)),
                    html.Td(
                        theme.count(set_aside.get(row.run_id, 0))
                        if row.status == "published"
                        else theme.MISSING
                    ),
                    html.Td(
                        [
                            dbc.Badge(
                                row.status, color=_STATUS_COLOURS.get(row.status, "secondary")
                            ),
                            html.Div(row.error, className="small text-danger")
                            if row.error
                            else None,
                        ]
                    ),
                ]
            )
            for row in history.itertuples()
        ]
    )
    return dbc.Table(
        [header, body], hover=True, responsive=True, size="sm", className="mb-0", id=ids.RUNS_TABLE
    )


@callback(Output(ids.RUNS_COMPARISON, "children"), Input(ids.RUNS_COMPARE, "value"))
def show_comparison(run_id):
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
    moves = queries.segment_moves(url, previous_id, run_id)
    return dbc.Row(
        [
            dbc.Col(
                [
                    html.H3(f"Run {previous_id} → run {run_id}", className="h6"),
                    dbc.Table.from_dataframe(
                        changes.rename(columns=str.capitalize),
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
                    "runs-moves",
                    figures.segment_moves(moves),
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


@callback(
    Output(ids.RUNS_ERROR, "children"),
    Output(ids.RUNS_BODY, "children"),
    Input(ids.RUNS_UPLOAD, "contents"),
    Input(ids.RUNS_UPLOAD, "filename"),
    background=True,
    progress=[Output(ids.RUNS_PROGRESS, "value"), Output(ids.RUNS_STATUS, "children")],
    running=[
        (Output(ids.RUNS_PROGRESS, "style"), {"height": "18px"}, {"display": "none"}),
        (Output(ids.RUNS_UPLOAD, "disabled"), True, False),
    ],
    prevent_initial_call=True,
)
def analyse_upload(set_progress, contents, filename):
    if not contents:
        return no_update, no_update
    set_progress((0, f"uploading {filename}"))
    settings = jobs.app_settings()
    result = jobs.run_upload(
        settings, contents, filename, lambda percent, step: set_progress((percent, step))
    )
    if "error" in result:
        set_progress((0, ""))
        return upload_outcome(result), no_update
    set_progress((100, f"published run {result['run_id']}"))
    url = settings.database_url
    return upload_outcome(result), _render(url, queries.latest_run(url))


def upload_outcome(result: dict) -> dbc.Alert:
    """What became of an upload (jobs.run_upload's result): rejected with the reason, or
    published with what was normalised and how many rows were set aside."""
    if "error" in result:
        return dbc.Alert([html.Strong("Not analysed. "), result["error"]], color="danger")
    set_aside = result["quarantined"]["count"]
    return dbc.Alert(
        [
            html.Strong(f"Published run {result['run_id']}: "),
            f"{result['rows']:,} customers in {result['k']} segments. Every page now shows it.",
            html.Div(
                f"{set_aside:,} row{'s were' if set_aside != 1 else ' was'} set aside "
                "(quarantined) and left out; 'Rows set aside' below lists why and downloads "
                "them.",
                className="mt-1",
            )
            if set_aside
            else None,
            html.Ul([html.Li(note) for note in result["notes"]], className="mb-0 mt-2 small")
            if result["notes"]
            else None,
        ],
        color="warning" if set_aside else "success",
    )


@callback(Output(ids.RUNS_SET_ASIDE, "children"), Input(ids.RUNS_COMPARE, "value"))
def show_set_aside(run_id):
    url = queries.app_database_url()
    try:
        summary = queries.set_aside_summary(url, run_id)
    except SQLAlchemyError as error:
        # The database went away after the page was drawn.
        return error_state(url, error)
    return set_aside_panel(run_id, summary)


def set_aside_panel(run_id: int, summary: dict) -> html.Div:
    """A run's set-aside rows: how many, each reason with its count, and the download."""
    if not summary["count"]:
        return html.P(
            f"Run {run_id} set no rows aside: every row of its file was analysed.",
            className="text-muted mb-0",
        )
    return html.Div(
        [
            html.P(
                f"Run {run_id} set {summary['count']:,} row"
                f"{'s' if summary['count'] != 1 else ''} of its file aside and left "
                f"{'them' if summary['count'] != 1 else 'it'} out of the analysis:"
            ),
            dbc.Table(
                [
                    html.Thead(html.Tr([html.Th("Reason"), html.Th("Rows")])),
                    html.Tbody(
                        [
                            html.Tr([html.Td(reason), html.Td(theme.count(rows))])
                            for reason, rows in summary["reasons"].items()
                        ]
                    ),
                ],
                size="sm",
                className="mb-2",
            ),
            dbc.Button(
                "Download the rows (CSV)",
                id=ids.RUNS_SET_ASIDE_EXPORT,
                color="secondary",
                outline=True,
                size="sm",
            ),
            html.Small(
                " Cells a spreadsheet would run as formulas start with an apostrophe.",
                className="text-muted",
            ),
        ]
    )


@callback(
    Output(ids.RUNS_SET_ASIDE_DOWNLOAD, "data"),
    Input(ids.RUNS_SET_ASIDE_EXPORT, "n_clicks"),
    State(ids.RUNS_COMPARE, "value"),
    prevent_initial_call=True,
)
def download_set_aside(_clicks, run_id):
    rows = queries.set_aside_rows(queries.app_database_url(), run_id)
    return dcc.send_string(export.set_aside_csv(rows), f"run-{run_id}-set-aside.csv")
