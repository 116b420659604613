"""The Customers page of the latest order-log run: KPIs (each against the previous order-log
run's), the R × FM grid (a click opens a cell in the explorer), the ten groups, who moved
between them, value by segment and who is at risk."""

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html
from dash.development.base_component import Component
from sqlalchemy.exc import SQLAlchemyError

from analytics.db.session import forget_engine
from analytics.steps.rfm import GROUP_RULES
from dashapp.data import cache, orders, queries
from dashapp.hosting import auth
from dashapp.pages.common import order_kpi_changes, unavailable
from dashapp.pages.customers import cell, ids, tables
from dashapp.ui.components import GRAPH_CONFIG, card_header, card_row, graph_card
from dashapp.ui.figures.customers import (
    rfm_grid_heatmap,
    rfm_group_bars,
    rfm_moves_heatmap,
    segment_value_bars,
)
from dashapp.ui.orders import order_kpi_cards, order_log_empty_state, order_run_header

# Where an order log can be uploaded (analysts and above may open it).
RUNS_PATH = "/runs"


def _scores(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}–{high}"


# Where each group sits on the grid, e.g. "R 5 · FM 4–5" for Champions.
GROUP_CELLS = {name: f"R {_scores(*r)} · FM {_scores(*fm)}" for name, r, fm in GROUP_RULES}


def for_latest_order_run() -> Component:
    """The page for the latest published order-log run, or the designed empty or error state."""
    url = queries.app_database_url()
    try:
        run = orders.latest_order_run(url)
        if run is None:
            return order_log_empty_state(RUNS_PATH in auth.visible_pages())
        return page(url, run)
    except SQLAlchemyError as error:
        # The next request reconnects (and migrates, should the database come back empty).
        forget_engine(url)
        return unavailable(url, error)


# A published run never changes, so its figures are built once per run.
@cache.per_run
def _figures(url: str, run_id: int) -> dict[str, go.Figure]:
    summary = orders.order_summary(url, run_id)
    groups = summary["rfm_groups"]
    return {
        ids.RFM_GRID: rfm_grid_heatmap(summary["rfm_grid"]),
        ids.RFM_GROUPS: rfm_group_bars(groups, GROUP_CELLS),
        ids.RFM_MOVES: rfm_moves_heatmap(
            summary["rfm_moves"]["moves"], [g["group"] for g in groups]
        ),
        ids.SEGMENT_VALUE: segment_value_bars(summary["value_by_segment"]),
    }


def page(url: str, run: orders.OrderRunInfo) -> html.Div:
    summary = orders.order_summary(url, run.id)
    kpis = summary["order_kpis"]
    drawn = _figures(url, run.id)
    return html.Div(
        [
            dcc.Store(id=ids.CUSTOMERS_RUN, data=run.id),
            dcc.Location(id=ids.CUSTOMERS_LOCATION, refresh="callback-nav"),
            order_run_header("Customers", run, summary.notes),
            card_row(
                order_kpi_cards(kpis, order_kpi_changes(url, run.id, kpis)),
                xs=12,
                md=4,
                xl=2,
                id=ids.CUSTOMERS_KPIS,
            ),
            dbc.Row(
                [
                    dbc.Col(_grid_card(drawn[ids.RFM_GRID]), xs=12, lg=6),
                    dbc.Col(
                        graph_card(
                            "RFM groups: customers and revenue",
                            ids.RFM_GROUPS,
                            drawn[ids.RFM_GROUPS],
                            height=540,
                            subtitle="Each group's share of customers and of revenue; hover a "
                            "bar for where the group sits on the grid",
                        ),
                        xs=12,
                        lg=6,
                    ),
                ],
                className="g-3 mb-3",
            ),
            dbc.Row(
                [
                    dbc.Col(_moves_card(summary["rfm_moves"], drawn[ids.RFM_MOVES]), xs=12, xl=6),
                    dbc.Col(
                        _value_card(summary, drawn[ids.SEGMENT_VALUE]),
                        xs=12,
                        xl=6,
                    ),
                ],
                className="g-3 mb-3",
            ),
            tables.at_risk_card(summary["at_risk"], summary["order_kpis"]["horizon_days"]),
        ]
    )


def _grid_card(figure: go.Figure) -> dbc.Card:
    return dbc.Card(
        [
            card_header(
                "Customers by recency (R) and frequency & spend (FM)",
                "Scores 1–5, 5 the most recent and the most orders and spend; hover a cell "
                "for its revenue and share of customers",
            ),
            dbc.CardBody(
                [
                    dcc.Graph(
                        id=ids.RFM_GRID,
                        figure=figure,
                        config=GRAPH_CONFIG,
                        style={"height": "500px"},
                    ),
                    html.Div(
                        cell.hint(cell.may_open_explorer()),
                        id=ids.RFM_CELL,
                        className="small mt-1 px-2",
                        **{"aria-live": "polite"},
                    ),
                ],
                className="p-2",
            ),
        ],
        className="h-100",
    )


def _moves_card(moves: dict, figure: go.Figure) -> dbc.Card:
    previous = moves["previous_run_id"]
    if previous is None:
        body = html.P(
            "This is the first order-log run in this database. Analyse a newer export of the "
            "same shop and this card shows how its customers moved between groups since then.",
            id=ids.RFM_MOVES_EMPTY,
            className="text-muted mb-0",
        )
        subtitle = "Since the previous order-log run"
    else:
        body = dcc.Graph(
            id=ids.RFM_MOVES, figure=figure, config=GRAPH_CONFIG, style={"height": "440px"}
        )
        subtitle = (
            f"Customers of both run {previous} and this one, by their group then (rows) and now "
            "(columns); the diagonal stayed put"
        )
    return dbc.Card(
        [
            card_header("How customers moved between groups", subtitle),
            dbc.CardBody(body, className="p-2"),
        ],
        className="h-100",
    )


def _value_card(summary: orders.OrderSummary, figure: go.Figure) -> dbc.Card:
    horizon = summary["order_kpis"]["horizon_days"]
    return dbc.Card(
        [
            card_header(
                "Value by behaviour segment",
                f"Expected value over the next {horizon} days (BG/NBD + Gamma-Gamma), "
                "P(alive) and the chance of another order",
            ),
            dbc.CardBody(
                [
                    dcc.Graph(
                        id=ids.SEGMENT_VALUE,
                        figure=figure,
                        config=GRAPH_CONFIG,
                        style={"height": f"{90 + 50 * len(summary['value_by_segment'])}px"},
                    ),
                    tables.segment_value_table(summary["value_by_segment"], horizon),
                ],
                className="p-2",
            ),
        ],
        className="h-100",
    )
