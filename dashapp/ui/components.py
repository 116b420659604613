"""Small layout pieces shared by the pages."""

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html
from dash.development.base_component import Component

from dashapp.ui import ids, theme
from dashapp.ui.kpi_changes import change_line

GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    # Plotly's "share chart" button would upload the data to a third-party service.
    "modeBarButtonsToRemove": ["sendChartToCloud"],
}


def card_header(title: str, subtitle: Component | str | list | None = None) -> dbc.CardHeader:
    """A card's title, and a muted line under it that says what the card shows."""
    heading = html.H2(title, className="h6 mb-0")
    if not subtitle:
        return dbc.CardHeader(heading)
    return dbc.CardHeader([heading, html.Small(subtitle, className="text-muted")])


def card_row(cards: list[Component], id: str | None = None, **widths: int) -> dbc.Row:
    """Cards side by side, each in a column of `widths` (Bootstrap breakpoints: lg=6, …)."""
    return dbc.Row(
        [dbc.Col(card, **widths) for card in cards],
        className="g-3 mb-3",
        **({"id": id} if id else {}),
    )


def kpi_card(
    label: str, value: str, detail: Component | str | None = None, change=None
) -> dbc.Card:
    """A KPI's label, value and detail, and with `change` (a dashapp.logic.kpi_changes
    KpiChange) how it moved since the previous run of its kind."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(label, className="kpi-label"),
                html.Div(value, className="kpi-value"),
                html.Div(detail, className="kpi-detail") if detail else None,
                change_line(change) if change is not None else None,
            ]
        ),
        className="h-100 kpi-card",
    )


def graph_card(
    title: str, graph_id: str, figure: go.Figure, height: int = 340, subtitle: str | None = None
) -> dbc.Card:
    return dbc.Card(
        [
            card_header(title, subtitle),
            dbc.CardBody(
                dcc.Graph(
                    id=graph_id, figure=figure, config=GRAPH_CONFIG, style={"height": f"{height}px"}
                ),
                className="p-2",
            ),
        ],
        className="h-100",
    )


def empty_state(database: str) -> html.Div:
    """No published run yet in `database` (a URL without its password): say what to run."""
    return html.Div(
        dbc.Alert(
            [
                html.H2("No results yet", className="h4 alert-heading"),
                html.P(
                    f"There is no published analytics run in {database}. "
                    "Analyse a customer CSV to fill this dashboard:"
                ),
                html.Pre(
                    "python -m analytics run --input data/sample_customers.csv", className="mb-2"
                ),
                html.P("then reload this page.", className="mb-0"),
            ],
            color="info",
        ),
        id=ids.EMPTY_STATE,
    )


def error_state(problem: str) -> html.Div:
    """The database cannot be read: `problem` says why, in words (no internals)."""
    return html.Div(
        dbc.Alert(
            [
                html.H2("Results unavailable", className="h4 alert-heading"),
                html.P(f"The {problem}."),
                html.P(
                    "Check DATABASE_URL and that the database is running, then reload.",
                    className="mb-0",
                ),
            ],
            color="danger",
        ),
        id=ids.ERROR_STATE,
    )


def tool_graph_card(
    title: str,
    graph_id: str,
    figure: go.Figure,
    tools: Component | None = None,
    height: int = 340,
    subtitle: str | None = None,
) -> dbc.Card:
    """A graph card with controls above the figure and the mode bar always shown, so that the
    PNG download (named after the graph) and the selection tools are in plain sight."""
    config = {
        **GRAPH_CONFIG,
        "displayModeBar": True,
        "toImageButtonOptions": {**GRAPH_CONFIG["toImageButtonOptions"], "filename": graph_id},
    }
    return dbc.Card(
        [
            card_header(title, subtitle),
            dbc.CardBody(
                [
                    tools,
                    dcc.Loading(
                        dcc.Graph(
                            id=graph_id,
                            figure=figure,
                            config=config,
                            style={"height": f"{height}px"},
                        ),
                        delay_show=400,
                    ),
                ],
                className="p-2",
            ),
        ],
        className="h-100",
    )


def swatch_label(segment: int, segments: pd.DataFrame) -> list:
    """A segment's colour swatch and its label, from the run's segments (segment, name)."""
    name = segments.loc[segments["segment"] == segment, "name"].iat[0]
    return [
        html.Span(className="swatch", style={"backgroundColor": theme.segment_colour(segment)}),
        theme.segment_label(segment, name),
    ]


def _top_gender(profile: pd.Series) -> str:
    """The segment's most common gender and its share, or a dash for a run without Gender."""
    gender = profile.get("top_gender")
    if not isinstance(gender, str):
        return theme.MISSING
    return f"{gender} ({theme.percent(profile['top_gender_share'])})"


def segment_profile_table(
    profiles: pd.DataFrame,
    segments: pd.DataFrame,
    chosen: list[int],
    table_id: str | None = None,
) -> Component:
    """One row per chosen segment: customers, share, means, purchase rate, revenue, gender.

    `profiles` has a row per segment with customers (others count 0); a column the run lacks
    (Gender, Age, Salary, Price, revenue: only Customer ID and Purchased are required) shows as a
    dash.
    """
    if profiles.empty:
        return html.P("No customers match these filters.", className="text-muted mb-0")
    headings = [
        "Segment",
        "Customers",
        "Share",
        "Avg age",
        "Avg salary",
        "Avg price",
        "Purchase rate",
        "Revenue",
        "Most common gender",
    ]
    by_segment = profiles.set_index("segment")
    rows = []
    for segment in sorted(chosen):
        if segment not in by_segment.index:
            cells = [theme.count(0), *[theme.MISSING] * 7]
        else:
            p = by_segment.loc[segment]
            cells = [
                theme.count(p["customers"]),
                theme.percent(p["share"]),
                theme.number(p.get("age_mean")),
                theme.money(p.get("salary_mean")),
                theme.money(p.get("price_mean")),
                theme.percent(p["purchase_rate"]),
                theme.money(p.get("revenue")),
                _top_gender(p),
            ]
        rows.append(html.Tr([html.Td(swatch_label(segment, segments)), *map(html.Td, cells)]))
    return dbc.Table(
        [html.Thead(html.Tr([html.Th(h) for h in headings])), html.Tbody(rows)],
        hover=True,
        responsive=True,
        size="sm",
        className="mb-0",
        **({"id": table_id} if table_id else {}),
    )
