"""The runs page: the upload card (analysts and above), the run history, webhook deliveries,
and the cards the callbacks fill (a run against the one before it, the rows it set aside)."""

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from analytics.db.models import CUSTOMER_FILE, ORDER_LOG
from analytics.db.session import safe_url
from dashapp.data import deliveries, orders, queries
from dashapp.jobs import uploads
from dashapp.pages.runs import ids, mapping, webhook_deliveries
from dashapp.ui import theme
from dashapp.ui.components import card_header, empty_state
from dashapp.ui.ids import RUN_BADGE

_STATUS_COLOURS = {"published": "success", "failed": "danger", "running": "warning"}
# The history lists runs of either input, named as people call them.
RUN_KINDS = (CUSTOMER_FILE, ORDER_LOG)
KIND_NAMES = {CUSTOMER_FILE: "Customer file", ORDER_LOG: "Order log"}


def body(url: str, run: queries.RunInfo | None) -> html.Div:
    """Below the upload: the history, webhook deliveries, comparison and set-aside rows. `run`
    is the newest customer-file run, None when only order logs have been analysed."""
    history = queries.run_history(url, RUN_KINDS)
    # Runs are compared by their customers' segments, which customer-file runs have.
    published = history[
        (history["status"] == "published") & (history["input_kind"] == CUSTOMER_FILE)
    ]
    return html.Div(
        [
            html.P(
                f"Every page shows run {run.id} ({run.input_name}), the newest published run."
                if run is not None
                else "No customer file has been analysed yet: the pages show the newest "
                "order-log run.",
                className="text-muted",
                id=RUN_BADGE,
            ),
            dbc.Card(
                [
                    card_header("Run history"),
                    dbc.CardBody(
                        _history_table(history, queries.set_aside_counts(url)), className="p-0"
                    ),
                ],
                className="mb-3",
            ),
            webhook_deliveries.deliveries_card(deliveries.webhook_deliveries(url)),
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
                                        value=None if run is None else run.id,
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
                    card_header("Rows set aside"),
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


def body_without_customer_file(url: str) -> html.Div:
    """The body when no customer-file run is published: the history if an order log made a
    run, else the designed empty state of a new installation (no database file is created)."""
    if orders.latest_order_run(url) is None:
        return empty_state(safe_url(url))
    return body(url, None)


def upload_card() -> dbc.Card:
    limits = uploads.app_settings().upload_limits
    return dbc.Card(
        [
            card_header("Analyse a new file"),
            dbc.CardBody(
                [
                    dcc.Upload(
                        html.Div(
                            [
                                "Drop a customer file or an order log (CSV) here or ",
                                html.A("choose a file", href="#", className="link-primary"),
                            ]
                        ),
                        id=ids.RUNS_UPLOAD,
                        # No accept nor max_size: the browser would drop a file of another type or
                        # a larger one without a word; the page's own check says why it refuses.
                        className="upload-drop",
                    ),
                    dcc.Store(id=ids.RUNS_UPLOAD_LIMITS, data=uploads.refusals(limits.max_bytes)),
                    dcc.Store(id=ids.RUNS_UPLOAD_ACCEPTED),
                    html.Small(
                        "A customer file (Customer ID and Purchased, and any of Gender, Age, "
                        "Salary, Product ID and Price) or an order log (customer, order date and "
                        "amount columns, or a Shopify, WooCommerce or Online Retail export), told "
                        f"apart by its columns; up to {limits.max_bytes / 1024 / 1024:,.0f} MB, "
                        f"{limits.max_rows:,} rows and {limits.max_columns:,} columns. The run "
                        "is published when it completes; until then the current results stay "
                        "on every page.",
                        className="text-muted d-block mt-2",
                    ),
                    dbc.Progress(
                        id=ids.RUNS_PROGRESS,
                        value=0,
                        className="mt-3 upload-progress",
                        style={"height": "22px", "display": "none"},
                    ),
                    # The bar's label, for screen readers: announced as each stage begins.
                    html.Div(
                        id=ids.RUNS_STATUS, className="visually-hidden", **{"aria-live": "polite"}
                    ),
                    mapping.mapping_step(),
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
                    "Kind",
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
                    html.Td(KIND_NAMES.get(row.input_kind, row.input_kind)),
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


def upload_outcome(result: dict) -> dbc.Alert:
    """What became of an upload (uploads.run_upload's result): rejected with the reason, or
    published with what was normalised and how many rows were set aside (a customer file), or
    with its customers, orders and date (an order log)."""
    if "error" in result:
        return dbc.Alert([html.Strong("Not analysed. "), result["error"]], color="danger")
    if result.get("input_kind") == ORDER_LOG:
        return dbc.Alert(
            [
                html.Strong(f"Published order-log run {result['run_id']}: "),
                f"{result['rows']:,} customers from {result['orders']:,} orders as of "
                f"{result['as_of']}, in {result['k']} behaviour segments, with RFM groups, "
                "repeat propensity and expected value per customer.",
                html.Ul([html.Li(note) for note in result["notes"]], className="mb-0 mt-2 small")
                if result["notes"]
                else None,
            ],
            color="success",
        )
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
                responsive=True,
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
