"""What the overview shows of order logs: beside a customer-file run, the latest order-log run's
repeat rate and expected revenue (or a line on what an order log would add); in a database that
holds order-log runs only, their KPIs and the way to the Customers page."""

import dash_bootstrap_components as dbc
from dash import dcc, html

from analytics.db.session import safe_url
from dashapp.data import orders
from dashapp.pages.common import last_refreshed, order_kpi_changes
from dashapp.pages.overview import ids
from dashapp.ui.components import card_row, empty_state, kpi_card
from dashapp.ui.orders import (
    CUSTOMERS_PATH,
    ORDER_LOG_ADDS,
    ORDER_LOG_COMMAND,
    expected_revenue_card,
    order_kpi_cards,
    order_run_header,
    repeat_rate_card,
)

_TO_CUSTOMERS = "RFM groups, value and customers at risk →"


def order_log_section(url: str, run: orders.OrderRunInfo | None) -> dbc.Row | html.P:
    """Cards of the latest order-log run (`run`)'s repeat rate and expected revenue, each
    against the previous order-log run's, with a link to /customers; without an order-log run,
    what one would add."""
    if run is None:
        return html.P(
            [f"{ORDER_LOG_ADDS} Analyse one with ", html.Code(ORDER_LOG_COMMAND), "."],
            className="text-muted small mb-3",
            id=ids.ORDER_LOG_SUMMARY,
        )
    kpis = orders.order_summary(url, run.id)["order_kpis"]
    changes = order_kpi_changes(url, run.id, kpis)
    link = kpi_card(
        "Order log",
        f"{kpis['customers']:,} customers",
        dcc.Link(_TO_CUSTOMERS, href=CUSTOMERS_PATH),
    )
    return card_row(
        [
            repeat_rate_card(kpis, changes["repeat_rate"]),
            expected_revenue_card(kpis, changes["expected_revenue"]),
            link,
        ],
        xs=12,
        md=4,
        id=ids.ORDER_LOG_SUMMARY,
    )


def order_log_only(url: str) -> html.Div:
    """The overview of a database without a customer-file run: the order-log run's KPIs and the
    way to /customers, or the designed empty state when there is no run at all."""
    run = orders.latest_order_run(url)
    if run is None:
        return empty_state(safe_url(url))
    kpis = orders.order_summary(url, run.id)["order_kpis"]
    cards = order_kpi_cards(kpis, order_kpi_changes(url, run.id, kpis))
    return html.Div(
        [
            order_run_header("Overview", run),
            last_refreshed([run], ids.LAST_REFRESHED),
            card_row(cards, xs=12, md=4, xl=2, id=ids.KPI_CARDS),
            dbc.Alert(
                [
                    html.P(
                        [
                            "This database holds order logs only: their RFM groups, value by "
                            "segment and customers at risk are on ",
                            dcc.Link("Customers", href=CUSTOMERS_PATH, className="alert-link"),
                            ".",
                        ],
                    ),
                    html.P(
                        [
                            "A customer file (one row per customer, with Purchased) adds the "
                            "demographic charts, segments and purchase model here: ",
                            html.Code("python -m analytics run --input FILE"),
                            ".",
                        ],
                        className="mb-0",
                    ),
                ],
                color="info",
                id=ids.ORDER_LOG_SUMMARY,
            ),
        ]
    )
