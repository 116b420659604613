"""Read and check a transaction log (one row per order) for an RFM run: the three columns named,
ids as text, dates parsed (ISO 8601 or a given format), amounts as non-negative numbers, and
enough customers to score; a problem becomes one message naming columns, lines and values."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import is_numeric_dtype

from analytics.errors import InputError
from analytics.steps.rfm import MIN_CUSTOMERS
from analytics.validation.messages import frame_lines_text, frame_values_text

MAX_CUSTOMER_ID_LENGTH = 64
ISO_DATE = "%Y-%m-%d"
_UTC_OFFSET = r"(\d\d:\d\d(?::\d\d(?:\.\d+)?)?)\s*(?:Z|[+-]\d\d(?::?\d\d)?)$"


def read_transactions(
    path: str | Path,
    customer_col: str,
    date_col: str,
    amount_col: str,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Read and validate a transaction log; returns customer_id, order_date, amount."""
    path = Path(path)
    wanted = [customer_col, date_col, amount_col]
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    if path.stat().st_size == 0:
        raise InputError(
            f"{path.name}: the file is empty; expected a header row with the columns "
            f"{', '.join(repr(c) for c in wanted)} and at least one row per order."
        )
    options = {"encoding": "utf-8-sig", "skipinitialspace": True}
    with csv_read_errors(path):
        header = pd.read_csv(path, nrows=0, **options)
        found = {str(name).strip(): name for name in header.columns}
        _check_columns(list(found), wanted, path.name)
        # Every column is read so that only truly blank lines are dropped below, not orders
        # that lack all three values; blank lines are kept until then so that index + 2 stays
        # the file's line number. Ids and dates are read as text (ids keep leading zeros); one
        # pass over the whole file (low_memory=False) never warns about mixed types elsewhere.
        raw = pd.read_csv(
            path,
            dtype={found[customer_col]: str, found[date_col]: str},
            skip_blank_lines=False,
            low_memory=False,
            **options,
        )
    rows = raw.dropna(how="all")[[found[c] for c in wanted]]
    return validate_transactions(rows, path.name, customer_col, date_col, amount_col, date_format)


def validate_transactions(
    raw: pd.DataFrame,
    source: str,
    customer_col: str,
    date_col: str,
    amount_col: str,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Check an order log read from `source`; raise InputError naming every problem found."""
    raw = raw.rename(columns=lambda name: str(name).strip())
    _check_columns(list(raw.columns), [customer_col, date_col, amount_col], source)
    if raw.empty:
        raise InputError(f"{source}: the file has a header but no data rows.")

    problems = []
    customer = raw[customer_col].astype("string").str.strip()
    blank = customer.isna() | (customer == "")
    if blank.any():
        problems.append(f"column '{customer_col}' is blank on {frame_lines_text(raw.index[blank])}")
    too_long = customer.str.len() > MAX_CUSTOMER_ID_LENGTH
    if too_long.any():
        problems.append(
            f"column '{customer_col}' must be at most {MAX_CUSTOMER_ID_LENGTH} characters but "
            f"{frame_values_text(raw[customer_col], too_long.fillna(False))}"
        )

    date_text = raw[date_col].astype("string").str.strip()
    no_date = date_text.isna() | (date_text == "")
    dates = parse_order_dates(date_text.mask(no_date), date_format)
    unparsable = dates.isna() & ~no_date
    if no_date.any():
        problems.append(f"column '{date_col}' is empty on {frame_lines_text(raw.index[no_date])}")
    if unparsable.any():
        expected = date_format or "YYYY-MM-DD or another ISO 8601 form"
        problems.append(
            f"column '{date_col}' must be a date ({expected}) but "
            f"{frame_values_text(raw[date_col], unparsable)}"
        )

    amount = (
        raw[amount_col]
        if is_numeric_dtype(raw[amount_col])
        else pd.to_numeric(raw[amount_col].astype("string").str.strip(), errors="coerce")
    ).astype(float)
    no_amount = raw[amount_col].isna()
    not_numbers = (amount.isna() & ~no_amount) | np.isinf(amount)
    negative = (amount < 0) & ~not_numbers
    if no_amount.any():
        problems.append(
            f"column '{amount_col}' is empty on {frame_lines_text(raw.index[no_amount])}"
        )
    if not_numbers.any():
        problems.append(
            f"column '{amount_col}' must be a number but "
            f"{frame_values_text(raw[amount_col], not_numbers)}"
        )
    if negative.any():
        problems.append(
            f"column '{amount_col}' must not be negative but "
            f"{frame_values_text(raw[amount_col], negative)}"
        )
    if problems:
        raise InputError(f"{source}: " + "; ".join(problems) + ".")

    orders = pd.DataFrame(
        {"customer_id": customer.astype(object), "order_date": dates, "amount": amount}
    )
    customers = orders["customer_id"].nunique()
    if customers < MIN_CUSTOMERS:
        raise InputError(
            f"{source}: column '{customer_col}' has {customers} distinct customer"
            f"{'s' if customers != 1 else ''}; RFM scores are fifths of the customers, so at "
            f"least {MIN_CUSTOMERS} are needed."
        )
    # The original index stays, so later checks can still name lines (index + 2).
    return orders


def _check_columns(found: list[str], wanted: list[str], source: str) -> None:
    missing = [column for column in dict.fromkeys(wanted) if column not in found]
    if missing:
        raise InputError(
            f"{source}: missing required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(c) for c in missing)}; the columns found were "
            f"{', '.join(repr(c) for c in found)}."
        )


def parse_order_dates(text: pd.Series, date_format: str | None) -> pd.Series:
    if date_format:
        return pd.to_datetime(text, format=date_format, errors="coerce")
    # Plain ISO dates are the common case and by far the fastest to parse with a fixed format.
    dates = pd.to_datetime(text, format=ISO_DATE, errors="coerce")
    if (dates.isna() & text.notna()).any():
        # Timestamps. An order's day is the day on the shop's clock, so a UTC offset is dropped
        # rather than applied (23:30 -05:00 stays on its day); exports also write " -0500".
        local = text.str.replace(_UTC_OFFSET, r"\1", regex=True)
        dates = pd.to_datetime(local, format="ISO8601", errors="coerce")
    return dates


@contextmanager
def csv_read_errors(path: Path) -> Iterator[None]:
    """Reading `path` as CSV: undecodable bytes or a broken CSV become an InputError naming it."""
    try:
        yield
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path.name}: not UTF-8 text (byte {error.start}); save the file as UTF-8 CSV."
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(f"{path.name}: not a readable CSV file ({error}).") from None
