"""The order-log run: read and validate a transaction log (one row per order), score its
customers by RFM and publish them and their groups through analytics.runs.publish."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from analytics.db import rfm_repository
from analytics.db.models import RfmRun
from analytics.db.session import session_factory
from analytics.errors import InputError
from analytics.runs import publish
from analytics.runs.provenance import library_versions, sha256_of
from analytics.steps.rfm import RfmResult, compute_rfm
from analytics.validation.order_log import read_transactions

Progress = Callable[[str], None]


@dataclass(frozen=True)
class RfmSummary:
    rfm_run_id: int
    orders: int
    customers: int
    as_of: date
    groups: dict[str, int]

    def as_dict(self) -> dict:
        return {
            "rfm_run_id": self.rfm_run_id,
            "orders": self.orders,
            "customers": self.customers,
            "as_of": self.as_of.isoformat(),
            "groups": self.groups,
        }


def run_rfm(
    input_path: str | Path,
    database_url: str,
    customer_col: str,
    date_col: str,
    amount_col: str,
    as_of: date | None = None,
    date_format: str | None = None,
    progress: Progress = lambda _: None,
) -> RfmSummary:
    """Validate, score and store one RFM run; it becomes visible only once fully written."""
    input_path = Path(input_path)
    progress(f"reading and validating {input_path.name}")
    orders = read_transactions(input_path, customer_col, date_col, amount_col, date_format)
    progress(f"scoring {len(orders):,} orders")
    try:
        result = compute_rfm(orders, as_of)
    except ValueError as error:
        # The only ValueError here is an as-of date before the last order: the user's input.
        raise InputError(f"{input_path.name}: {error}.") from None

    customers = len(result.customers)
    progress(f"saving {customers:,} customers and {len(result.groups)} groups")
    sessions = session_factory(database_url)
    run_fields = {
        "input_name": input_path.name,
        "input_sha256": sha256_of(input_path),
        "orders": result.orders,
        "customers": customers,
        "as_of": result.as_of.isoformat(),
        "params": {
            "customer_col": customer_col,
            "date_col": date_col,
            "amount_col": amount_col,
            "as_of": None if as_of is None else as_of.isoformat(),
            "date_format": date_format,
        },
        "versions": library_versions(),
    }
    record = publish.publish_run(
        sessions,
        RfmRun,
        run_fields,
        lambda session, run_record: _store_results(session, run_record.id, result),
    )

    return RfmSummary(
        rfm_run_id=record.id,
        orders=result.orders,
        customers=customers,
        as_of=result.as_of,
        groups=dict(zip(result.groups["name"], result.groups["customers"].tolist(), strict=True)),
    )


def _store_results(session, rfm_run_id: int, result: RfmResult) -> None:
    rfm_repository.insert_rfm_customers(session, rfm_run_id, result.customers)
    rfm_repository.insert_rfm_groups(session, rfm_run_id, result.groups)
