"""Overview: KPIs, exploration, segments and a what-if predictor for the latest published run."""

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashapp.data import orders, queries
from dashapp.hosting import auth
from dashapp.logic import kpi_changes, whatif
from dashapp.pages.common import for_latest_run, last_refreshed, page_header, page_options
from dashapp.pages.overview import ids
from dashapp.pages.overview.orders import order_log_only, order_log_section
from dashapp.ui import ids as app_ids
from dashapp.ui import theme
from dashapp.ui.components import (
    card_header,
    card_row,
    graph_card,
    kpi_card,
    segment_profile_table,
)
from dashapp.ui.figures.overview import age_distribution, correlation_heatmap, salary_by_purchase
from dashapp.ui.figures.segments import cluster_scatter, segment_distribution

# The quick what-if uses the customer what-if ids, which the /what-if page's callbacks answer.
WHAT_IF_PATH = "/what-if"
dash.register_page(__name__, **page_options("Overview", ids.PATH, ids.ORDER))


def layout(**_query) -> html.Div:
    return for_latest_run(_render, without_run=order_log_only)


def _render(url: str, run: queries.RunInfo) -> html.Div:
    data = queries.overview(url, run.id)
    points = queries.scatter_points(url, run.id)
    kpis = data.kpis
    header = page_header("Overview", run, data.notes)
    order_run = orders.latest_order_run(url)
    changes = _changes(url, run, data)
    cards = [
        kpi_card("Customers", theme.count(kpis["customers"]), None, changes["customers"]),
        kpi_card(
            "Purchase rate",
            theme.percent(kpis["purchase_rate"]),
            f"{theme.count(kpis['buyers'])} buyers",
            changes["purchase_rate"],
        ),
        kpi_card(
            "Revenue", theme.money(kpis["revenue"]), "sum of prices bought", changes["revenue"]
        ),
        kpi_card(
            "Average price", theme.money(kpis["average_price"]), None, changes["average_price"]
        ),
        kpi_card("Segments", str(run.k), "K-Means, k chosen for stability", changes["segments"]),
        _model_kpi(data, changes["roc_auc"]),
    ]
    kpi_row = card_row(cards, xs=12, md=4, xl=2, id=ids.KPI_CARDS)
    return html.Div(
        [
            dcc.Store(id=app_ids.RUN_STORE, data=run.id),
            header,
            last_refreshed([run, order_run], ids.LAST_REFRESHED),
            kpi_row,
            order_log_section(url, order_run),
            card_row(
                [
                    graph_card(
                        "Age distribution",
                        ids.AGE_DISTRIBUTION,
                        age_distribution(data.age_distribution),
                    ),
                    graph_card(
                        "Salary by purchase status",
                        ids.SALARY_BY_PURCHASE,
                        salary_by_purchase(data.salary_by_purchase),
                    ),
                ],
                lg=6,
            ),
            card_row(
                [
                    graph_card(
                        "Correlation of numeric columns",
                        ids.CORRELATION_HEATMAP,
                        correlation_heatmap(data.correlation),
                    ),
                    graph_card(
                        "Segment distribution",
                        ids.SEGMENT_DISTRIBUTION,
                        segment_distribution(data.segments),
                    ),
                ],
                lg=6,
            ),
            dbc.Row(
                [
                    dbc.Col(
                        graph_card(
                            "Customer segments: age and salary",
                            ids.CLUSTER_SCATTER,
                            cluster_scatter(points, data.segments, run.rows),
                            height=420,
                        ),
                        lg=8,
                    ),
                    dbc.Col(_whatif_card(data, _first_customer(url, run.id)), lg=4),
                ],
                className="g-3 mb-3",
            ),
            _segment_table(data.segments),
        ]
    )


def _model_kpi(data: queries.Overview, change) -> dbc.Card:
    if data.holdout_metrics is None:
        return kpi_card("Purchase model", "None", "too little data for a trustworthy model", change)
    auc = data.holdout_metrics["roc_auc"]
    return kpi_card("Purchase model", f"ROC-AUC {auc:.2f}", whatif.model_quality(auc), change)


def _kpi_values(run: queries.RunInfo, data: queries.Overview) -> dict:
    """The run's KPIs as kpi_changes.CUSTOMER_FILE_KPIS names them."""
    auc = None if data.holdout_metrics is None else data.holdout_metrics["roc_auc"]
    return {**data.kpis, "segments": run.k, "roc_auc": auc}


def _changes(url: str, run: queries.RunInfo, data: queries.Overview) -> dict:
    """Each KPI against the previous customer-file run's."""
    previous = queries.previous_run(url, run.id)
    before = None if previous is None else _kpi_values(previous, queries.overview(url, previous.id))
    return kpi_changes.kpi_changes(
        kpi_changes.CUSTOMER_FILE_KPIS,
        _kpi_values(run, data),
        before,
        None if previous is None else previous.id,
    )


def _first_customer(url: str, run_id: int) -> dict:
    """The quick what-if's inputs: the run's first customer, where /what-if starts too."""
    first = queries.first_customer(url, run_id)
    ranges = queries.overview(url, run_id).feature_ranges
    return whatif.customer_inputs(first if first is not None else {}, ranges)


def _whatif_card(data: queries.Overview, start: dict) -> dbc.Card:
    ranges = data.feature_ranges

    def number_input(label: str, component_id: str, column: str) -> dbc.Row:
        known = column in ranges
        return dbc.Row(
            [
                dbc.Label(label, html_for=component_id, width=4),
                dbc.Col(
                    dbc.Input(
                        id=component_id,
                        type="number",
                        value=start[column] if known else None,
                        disabled=not known,
                        placeholder=None if known else "not in this data",
                        # Any value is sent on: whatif.input_problem explains the limits, where a
                        # browser would silently drop a value off the step grid (e.g. 3,456).
                        step="any",
                        inputMode="numeric",
                    ),
                    width=8,
                ),
            ],
            className="mb-2",
        )

    return dbc.Card(
        [
            card_header("What-if: will this customer buy?"),
            dbc.CardBody(
                [
                    number_input("Age", app_ids.WHATIF_AGE, "Age"),
                    number_input("Salary ($)", app_ids.WHATIF_SALARY, "Salary"),
                    number_input("Price ($)", app_ids.WHATIF_PRICE, "Price"),
                    dbc.Row(
                        [
                            dbc.Label("Gender", html_for=app_ids.WHATIF_GENDER, width=4),
                            dbc.Col(
                                dbc.Select(
                                    id=app_ids.WHATIF_GENDER,
                                    options=[{"label": g, "value": g} for g in ranges["genders"]],
                                    # A file may have no Gender column.
                                    value=start["Gender"],
                                    disabled=not ranges["genders"],
                                ),
                                width=8,
                            ),
                        ],
                        className="mb-3",
                    ),
                    html.Div("Purchase probability", className="kpi-label"),
                    html.Div(id=app_ids.WHATIF_PROBABILITY, className="whatif-probability"),
                    html.Div(id=app_ids.WHATIF_BAND, className="mb-2", **{"aria-live": "polite"}),
                    html.Div(id=app_ids.WHATIF_RANGE_WARNING, **{"aria-live": "polite"}),
                    html.Small(_model_note(data), className="text-muted d-block mb-2"),
                    # Only to those who may open it (sales and admins).
                    dcc.Link("Why, price sensitivity and segment what-ifs →", href=WHAT_IF_PATH)
                    if WHAT_IF_PATH in auth.visible_pages()
                    else None,
                ]
            ),
        ],
        className="h-100",
    )


def _model_note(data: queries.Overview) -> str:
    if data.holdout_metrics is None:
        return "No purchase model in this run."
    return f"{data.model_name}, holdout accuracy {data.holdout_metrics['accuracy']:.0%}."


def _segment_table(segments: pd.DataFrame) -> dbc.Card:
    return dbc.Card(
        [
            card_header("Segment profiles"),
            dbc.CardBody(
                segment_profile_table(
                    segments.rename(columns={"size": "customers"}),
                    segments,
                    segments["segment"].tolist(),
                    table_id=ids.SEGMENT_TABLE,
                )
            ),
        ]
    )
