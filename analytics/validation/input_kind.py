"""Which kind of input a CSV is, told apart by its header alone: a customer file (one row per
customer with `Customer ID` and `Purchased`) or an order log (a known export layout of
analytics.validation.order_layouts, or columns named customer_id, order_date and amount).

The upload page has no --orders or --columns flag, so this is how it chooses the run; the
command line uses it to tell a user who gave an order log to --input what to do instead.
"""

import csv
from collections.abc import Sequence
from pathlib import Path

from analytics.errors import InputError
from analytics.validation.order_layouts import resolve_columns

CUSTOMERS, ORDERS = "customers", "orders"
# What makes a customer file one: the id to join on and the outcome the purchase model learns.
_CUSTOMER_FILE_COLUMNS = frozenset({"customer id", "purchased"})
_HEADER_BYTES = 64 * 1024


def input_kind_of(header: Sequence[str]) -> str | None:
    """ "customers", "orders", or None when the header is neither (a customer file then gets
    the customer file's messages, naming the columns it misses).

    A customer file wins a tie: an order log has no per-customer outcome column, while a
    customer file may well carry a date or an amount among its attributes."""
    names = [str(name).strip() for name in header]
    if {name.casefold() for name in names} >= _CUSTOMER_FILE_COLUMNS:
        return CUSTOMERS
    try:
        resolve_columns(names, None, "header")
    except InputError:
        return None
    return ORDERS


def header_of(path: Path) -> list[str]:
    """The first non-blank line's comma-separated names ([] for an empty or unreadable file):
    enough to classify, while the reader of the chosen kind reports anything wrong."""
    try:
        with path.open("rb") as handle:
            text = handle.read(_HEADER_BYTES).decode("utf-8-sig", errors="replace")
    except OSError:
        return []
    line = next((line for line in text.splitlines() if line.strip()), "")
    return next(csv.reader([line], skipinitialspace=True), [])
