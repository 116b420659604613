"""What the overview and /customers both show of an order-log run: its KPI cards, and what an
order log adds to a dashboard that has none yet."""

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashapp.ui import ids, theme
from dashapp.ui.components import kpi_card

CUSTOMERS_PATH = "/customers"
ORDER_LOG_COMMAND = "python -m analytics run --orders FILE"
ORDER_LOG_ADDS = (
    "An order log (customer, date and amount of each order) adds RFM groups, repeat rate, "
    "each customer's chance of buying again and expected value for the coming months."
)


def repeat_rate_card(kpis: dict, change=None) -> dbc.Card:
    return kpi_card(
        "Repeat rate",
        theme.percent(kpis["repeat_rate"]),
        "customers with more than one order",
        change,
    )


def expected_revenue_card(kpis: dict, change=None) -> dbc.Card:
    return kpi_card(
        "Expected revenue",
        theme.money(kpis["expected_revenue"]),
        f"next {kpis['horizon_days']} days",
        change,
    )


def order_kpi_cards(kpis: dict, changes: dict | None = None) -> list[dbc.Card]:
    """Every KPI of the stored order_kpis: what happened up to the run's date and what the
    value model expects over the next horizon_days; with `changes` (KPI name -> KpiChange,
    dashapp.logic.kpi_changes), how each moved since the previous order-log run."""
    changes = changes or {}
    customers = kpis["customers"]
    per_customer = kpis["orders"] / customers if customers else None
    return [
        kpi_card(
            "Customers", theme.count(customers), f"as of {kpis['as_of']}", changes.get("customers")
        ),
        kpi_card(
            "Orders",
            theme.count(kpis["orders"]),
            f"{theme.number(per_customer)} per customer",
            changes.get("orders"),
        ),
        kpi_card(
            "Revenue",
            theme.money(kpis["revenue"]),
            "cancelled and returned orders left out",
            changes.get("revenue"),
        ),
        repeat_rate_card(kpis, changes.get("repeat_rate")),
        kpi_card(
            "Expected orders",
            theme.count(kpis["expected_orders"]),
            f"next {kpis['horizon_days']} days",
            changes.get("expected_orders"),
        ),
        expected_revenue_card(kpis, changes.get("expected_revenue")),
    ]


def order_log_empty_state(may_upload: bool) -> html.Div:
    """No published order-log run: what one adds and the ways to make one (uploading on /runs
    only for those who may open it)."""
    return html.Div(
        dbc.Alert(
            [
                html.H2("No order log analysed yet", className="h4 alert-heading"),
                html.P(ORDER_LOG_ADDS),
                html.P(
                    "Any shop export with a customer id, an order date and an amount will do "
                    "(Shopify, WooCommerce and the Online Retail layout are recognised). "
                    "Analyse one on the command line:"
                ),
                html.Pre(ORDER_LOG_COMMAND, className="mb-2"),
                html.P(
                    [
                        "or upload it on ",
                        dcc.Link("Runs & data", href="/runs"),
                        ", then reload this page.",
                    ]
                    if may_upload
                    else "then reload this page.",
                    className="mb-0",
                ),
            ],
            color="info",
        ),
        id=ids.EMPTY_STATE,
    )


def order_run_header(title: str, run, notes: list[str] = ()) -> html.Div:
    """The page title and which order-log run everything below comes from."""
    return html.Div(
        [
            html.H1(title, className="h3 mb-1"),
            order_run_line(run, ids.RUN_BADGE, "Order-log run"),
            *[dbc.Alert(note, color="secondary", className="py-2") for note in notes],
        ]
    )


def order_run_line(run, line_id: str | None = None, label: str = "Run") -> html.P:
    """Which order-log run (`run`: id, input_name, customers, created_at, as dashapp.data.orders
    reads it) a page or a page's section shows, in one line."""
    return html.P(
        f"{label} {run.id} · {run.input_name} · {run.customers:,} customers · "
        f"published {run.created_at:%d %b %Y %H:%M} UTC",
        className="text-muted mb-3",
        **({"id": line_id} if line_id else {}),
    )
