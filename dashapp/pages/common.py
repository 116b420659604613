"""What every page does with the stored run: render for the latest published run (or the
designed empty or error state) under a header naming that run. A shared helper, not a page."""

from collections.abc import Callable
from datetime import UTC, datetime

import dash_bootstrap_components as dbc
from dash import html
from dash.development.base_component import Component
from sqlalchemy.exc import SQLAlchemyError

from analytics.db.session import describe_failure, forget_engine, safe_url
from dashapp.data import orders, queries
from dashapp.logic import kpi_changes
from dashapp.ui import ids
from dashapp.ui.components import empty_state, error_state
from dashapp.ui.kpi_changes import refreshed_line


def page_options(name: str, path: str, order: float) -> dict:
    """What `dash.register_page` is told of a page besides its module: its URL, its name in the
    menu, its place there, and a browser tab title that also names the app."""
    return {"path": path, "name": name, "title": f"{name} · Customer Analytics", "order": order}


def for_latest_run(
    render: Callable[[str, queries.RunInfo], Component],
    without_run: Callable[[str], Component] | None = None,
) -> Component:
    """Render a page for the latest published customer-file run; without one, what
    `without_run(url)` renders (the designed empty state unless given), or the error state."""
    url = queries.app_database_url()
    try:
        run = queries.latest_run(url)
        if run is not None:
            return render(url, run)
        return without_run(url) if without_run else empty_state(safe_url(url))
    except SQLAlchemyError as error:
        # The next request reconnects (and migrates, should the database come back empty).
        forget_engine(url)
        return unavailable(url, error)


def unavailable(url: str, error: SQLAlchemyError) -> Component:
    """The designed error state for a database that cannot be read, saying why in words."""
    return error_state(describe_failure(url, error))


def page_header(title: str, run: queries.RunInfo, notes: list[str] = ()) -> html.Div:
    """The page title and which run (file, size, time) everything below comes from."""
    return html.Div(
        [
            html.H1(title, className="h3 mb-1"),
            html.P(
                f"Run {run.id} · {run.input_name} · {run.rows:,} customers · "
                f"published {run.created_at:%d %b %Y %H:%M} UTC",
                className="text-muted mb-3",
                id=ids.RUN_BADGE,
            ),
            *[dbc.Alert(note, color="secondary", className="py-2") for note in notes],
        ]
    )


def for_latest_runs(
    customer_file: Callable[[str, queries.RunInfo], Component],
    order_log: Callable[[str, orders.OrderRunInfo | None], Component],
    title: str,
) -> Component:
    """A page with a part for each kind of run: the latest customer-file run's (or a line
    under the title when only order logs were analysed) above the latest order-log run's
    (`order_log` gets None without one, to say what an order log would add); the designed
    empty or error state as `for_latest_run` draws them."""
    url = queries.app_database_url()
    try:
        run = queries.latest_run(url)
        order_run = orders.latest_order_run(url)
        if run is None and order_run is None:
            return empty_state(safe_url(url))
        first = customer_file(url, run) if run is not None else _no_customer_file(title)
        return html.Div([first, order_log(url, order_run)])
    except SQLAlchemyError as error:
        forget_engine(url)
        return unavailable(url, error)


def _no_customer_file(title: str) -> html.Div:
    return html.Div(
        [
            html.H1(title, className="h3 mb-3"),
            dbc.Alert(
                [
                    "No customer file has been analysed yet, only order logs: their part is "
                    "below. A customer file (",
                    html.Code("python -m analytics run --input FILE"),
                    ") adds the purchase model built from customers' attributes, and its what-if.",
                ],
                color="secondary",
                className="py-2",
            ),
        ]
    )


def order_kpi_changes(url: str, run_id: int, kpis: dict) -> dict[str, kpi_changes.KpiChange]:
    """An order-log run's KPIs (`kpis`, its order_kpis) against the previous order-log run's."""
    previous = orders.previous_order_run(url, run_id)
    before = None if previous is None else orders.order_summary(url, previous.id)["order_kpis"]
    return kpi_changes.kpi_changes(
        kpi_changes.ORDER_LOG_KPIS, kpis, before, None if previous is None else previous.id
    )


def last_refreshed(runs: list, line_id: str) -> html.P:
    """When the newest of `runs` (RunInfo or OrderRunInfo; None for a kind without one) was
    published, in words, with its id and file."""
    newest = max((run for run in runs if run is not None), key=lambda run: run.id)
    kind = "order-log run" if isinstance(newest, orders.OrderRunInfo) else "customer-file run"
    return refreshed_line(
        kpi_changes.time_ago(newest.created_at, datetime.now(UTC)),
        kpi_changes.exact_time(newest.created_at),
        f"{kind} {newest.id}",
        newest.input_name,
        line_id,
    )
