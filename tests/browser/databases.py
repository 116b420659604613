"""Databases the browser tests publish for themselves."""

from datetime import date
from pathlib import Path

from analytics.runs import customer_file, order_log_run
from tests.conftest import SAMPLE_CSV


def published_first_rows(folder: Path, rows: int) -> str:
    """A SQLite database with one published run of the sample's first `rows` customers."""
    head = folder / f"first-{rows}.csv"
    head.write_text("".join(SAMPLE_CSV.read_text().splitlines(keepends=True)[: rows + 1]))
    url = f"sqlite:///{folder / f'first-{rows}.db'}"
    customer_file.run(head, url)
    return url


SAMPLE_ORDERS = SAMPLE_CSV.parent / "sample_transactions.csv"


def published_order_log(url: str, holdout_from: date | None = None) -> int:
    """Publish an order-log run of the bundled sample order log into `url`; its run id."""
    options = order_log_run.OrderRunOptions(holdout_from=holdout_from, k=2)
    return order_log_run.run(SAMPLE_ORDERS, url, options).run_id
