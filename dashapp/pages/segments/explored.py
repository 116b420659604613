"""Which run the segment explorer shows, and what it reads of it.

Without `?run=` the explorer shows the latest customer-file run, or the latest order-log run
when there is no customer-file run; `?run=<id>` opens a published order-log run. Run ids come
from the client (the link, the page's store), so every one is checked against the database:
an id that is not a published order-log run's falls back to the default on the page, and is
answered as no run by the callbacks.
"""

import re
from dataclasses import dataclass

import pandas as pd

from analytics.db.models import CUSTOMER_FILE, ORDER_LOG
from analytics.db.session import DatabaseMissing
from dashapp.data import customer_reads, derived, orders, queries
from dashapp.logic import explorer


@dataclass(frozen=True)
class Explored:
    """A run as the explorer uses it: its kind, what its customers can be filtered on, and its
    segments (with names). An order-log run's customers are a frame in memory (one row each, in
    the order its audience lines share); a customer-file run's stay in the database, queried
    through dashapp.data.customer_reads (`customers` is None)."""

    run_id: int
    kind: str
    customers: pd.DataFrame | None
    choices: explorer.Choices
    segments: pd.DataFrame

    @property
    def is_order_log(self) -> bool:
        return self.kind == ORDER_LOG


def shown_run(url: str, requested: object) -> tuple[queries.RunInfo, str] | None:
    """The run a page load shows (its header's facts and its kind), or None without any."""
    order_run = None
    if (run_id := _run_id(requested)) is not None:
        try:
            if orders.published_order_run_id(run_id):
                order_run = orders.order_run(url, run_id)
        except DatabaseMissing:
            pass  # latest_run below tells a new installation (empty state) from a lost file
    if order_run is None:
        run = queries.latest_run(url)
        if run is not None:
            return run, CUSTOMER_FILE
        order_run = orders.latest_order_run(url)
    if order_run is None:
        return None
    info = queries.RunInfo(
        order_run.id, order_run.created_at, order_run.input_name, order_run.customers, order_run.k
    )
    return info, ORDER_LOG


def other_kinds_run(url: str, kind: str) -> int | None:
    """The latest published run of the other input kind, which the page offers to switch to."""
    run = queries.latest_run(url) if kind == ORDER_LOG else orders.latest_order_run(url)
    return None if run is None else run.id


def _run_id(requested: object) -> int | None:
    """A run id from the link's `run` parameter (digits only), else None."""
    if isinstance(requested, str) and re.fullmatch(r"[0-9]{1,18}", requested):
        return int(requested)
    return None


def load(run_id: object) -> Explored | None:
    """The run a callback was given (from the page's store), or None when it is not the id of
    a published run."""
    url = queries.app_database_url()
    if orders.published_order_run_id(run_id) is not None:
        return Explored(
            run_id,
            ORDER_LOG,
            orders.behaviour_customers(url, run_id),
            derived.order_explorer_choices(url, run_id),
            segments_of(url, run_id, ORDER_LOG),
        )
    if queries.published_run_id(run_id) is not None:
        return Explored(
            run_id,
            CUSTOMER_FILE,
            None,
            customer_reads.explorer_choices(url, run_id),
            segments_of(url, run_id, CUSTOMER_FILE),
        )
    return None


def segments_of(url: str, run_id: int, kind: str) -> pd.DataFrame:
    """The run's segments: segment, name, size and the profile stored with them."""
    if kind == ORDER_LOG:
        return orders.order_summary(url, run_id).segments
    return queries.overview(url, run_id).segments


def notes(url: str, run_id: int, kind: str) -> list[str]:
    if kind == ORDER_LOG:
        return orders.order_summary(url, run_id).notes
    return queries.overview(url, run_id).notes
