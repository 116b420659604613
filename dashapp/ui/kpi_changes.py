"""A KPI card's line on how the KPI moved since the previous run of its kind, and the
overview's line on when its data was last refreshed; the words come from
dashapp.logic.kpi_changes (a KpiChange's text, title and tone)."""

from dash import html

from dashapp.ui import theme


def change_line(change) -> html.Div:
    """`change`: a dashapp.logic.kpi_changes.KpiChange; its previous value in the title."""
    return html.Div(
        change.text,
        title=change.title,
        className=f"kpi-change kpi-change-{change.tone}",
        style={"color": theme.CHANGE_COLOURS[change.tone]},
    )


def refreshed_line(ago: str, exact: str, run: str, input_name: str, line_id: str) -> html.P:
    """When the data was last refreshed (`ago` in words, the `exact` time in its title), by
    which `run` ("order-log run 7") and from which file."""
    return html.P(
        [
            "Last refreshed ",
            html.Span(ago, title=exact),
            f" by {run} ({input_name}).",
        ],
        className="text-muted small mb-3",
        id=line_id,
    )
