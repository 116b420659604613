"""Order-log databases the browser tests publish for themselves (the bundled order log)."""

from datetime import date
from pathlib import Path

from analytics.runs import customer_file, order_log_run
from tests.conftest import ROOT, SAMPLE_CSV

SAMPLE_ORDERS = ROOT / "data" / "sample_transactions.csv"
# The sample's last quarter: its orders from here on are the backtest's holdout.
HOLDOUT_FROM = date(2024, 10, 2)


def published_order_log(folder: Path, backtest: bool = True, customer_file_too: bool = False):
    """A SQLite database with one published order-log run of the bundled order log (with a
    backtest unless told otherwise), after a customer-file run of the sample if asked."""
    url = f"sqlite:///{folder / 'orders.db'}"
    if customer_file_too:
        customer_file.run(SAMPLE_CSV, url)
    options = order_log_run.OrderRunOptions(holdout_from=HOLDOUT_FROM if backtest else None)
    order_log_run.run(SAMPLE_ORDERS, url, options)
    return url
