"""The Runs page's record of webhook deliveries: who got each recent run, and why not."""

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashapp.pages.runs import ids


def deliveries_card(deliveries: pd.DataFrame) -> dbc.Card | None:
    """Which receivers got each recent run, and why the others did not; None before any run was
    sent to a webhook."""
    if deliveries.empty:
        return None
    failed = int((~deliveries["delivered"]).sum())
    header = html.Div(
        [
            html.H2("Webhook deliveries", className="h6 mb-0 me-2"),
            dbc.Badge(f"{failed} failed", color="danger")
            if failed
            else dbc.Badge("all delivered", color="success"),
        ],
        className="d-flex align-items-center",
    )
    rows = [
        html.Tr(
            [
                html.Td(row.run_id),
                html.Td(row.url, className="text-break"),
                html.Td(row.attempts),
                html.Td(f"{row.last_attempt:%d %b %Y %H:%M:%S}"),
                html.Td(
                    [
                        dbc.Badge(
                            "delivered" if row.delivered else "failed",
                            color="success" if row.delivered else "danger",
                        ),
                        None
                        if row.delivered
                        else html.Div(row.error, className="small text-danger"),
                    ]
                ),
            ]
        )
        for row in deliveries.itertuples()
    ]
    table = dbc.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(h)
                        for h in ("Run", "Receiver", "Attempts", "Last attempt (UTC)", "Result")
                    ]
                )
            ),
            html.Tbody(rows),
        ],
        hover=True,
        responsive=True,
        size="sm",
        className="mb-0",
        id=ids.RUNS_WEBHOOKS,
    )
    return dbc.Card(
        [dbc.CardHeader(header), dbc.CardBody(table, className="p-0")], className="mb-3"
    )
