"""The Customers page's tables: value by behaviour segment, and the customers at risk (high
expected value, falling P(alive)), from the stored aggregates."""

import dash_bootstrap_components as dbc
from dash import html

from dashapp.pages.customers import ids
from dashapp.ui import theme
from dashapp.ui.components import card_header


def _table(headings: list[str], rows: list[list], table_id: str) -> dbc.Table:
    return dbc.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in headings])),
            html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in rows]),
        ],
        hover=True,
        responsive=True,
        size="sm",
        className="mb-0",
        id=table_id,
    )


def _swatch(colour: str, label: str) -> list:
    return [html.Span(className="swatch", style={"backgroundColor": colour}), label]


def segment_value_table(segments: list[dict], horizon_days: int) -> dbc.Table:
    headings = [
        "Segment",
        "Customers",
        f"Expected value ({horizon_days} d)",
        "Per customer",
        "P(alive)",
        f"P(order in {horizon_days} d)",
    ]
    rows = [
        [
            _swatch(
                theme.segment_colour(s["segment"]), theme.segment_label(s["segment"], s["name"])
            ),
            theme.count(s["customers"]),
            theme.money(s["expected_value"]),
            theme.money(s["expected_value"] / s["customers"] if s["customers"] else None),
            theme.percent(s["p_alive"]),
            theme.percent(s["p_repeat"]),
        ]
        for s in segments
    ]
    return _table(headings, rows, ids.SEGMENT_VALUE_TABLE)


def at_risk_card(customers: list[dict], horizon_days: int) -> dbc.Card:
    """The stored at-risk list (at most 50, highest expected value first), or why it is empty."""
    subtitle = (
        "Repeat buyers whose P(alive) fell by 5 points or more over the last 30 days, "
        "highest expected value first: worth a call before they go"
    )
    if not customers:
        body = html.P(
            "No repeat buyer's P(alive) fell by 5 points or more over the last 30 days.",
            className="text-muted mb-0",
            id=ids.AT_RISK_TABLE,
        )
    else:
        headings = [
            "Customer",
            "RFM group",
            f"Expected value ({horizon_days} d)",
            "P(alive)",
            f"P(order in {horizon_days} d)",
            "Days since last order",
            "Orders",
            "Spend",
        ]
        rows = [
            [
                c["customer_id"],
                _swatch(theme.rfm_group_colour(c["rfm_group"]), c["rfm_group"]),
                theme.money(c["expected_value"]),
                theme.percent(c["p_alive"]),
                theme.percent(c["p_repeat"]),
                theme.count(c["recency_days"]),
                theme.count(c["frequency"]),
                theme.money(c["monetary"]),
            ]
            for c in customers
        ]
        body = html.Div(
            _table(headings, rows, ids.AT_RISK_TABLE), className="table-scroll", tabIndex=0
        )
    return dbc.Card(
        [
            card_header(f"At risk, high value ({len(customers)})", subtitle),
            dbc.CardBody(body, className="p-2"),
        ]
    )
