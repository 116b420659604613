"""Read and check an order log for an order-log run (`analytics run --orders`): columns from
--columns or a recognised export layout (analytics.validation.order_layouts), one row per
order or per order line, cancellations and returns marked, customer attributes found.

- Rows without a customer id (guest checkouts; a quarter of UCI Online Retail) are left out
  with a note; more than half of the rows without one is an error.
- Cancelled or returned: a status word (order_layouts.CANCELLED_STATUSES), a negative
  quantity, or in the UCI layouts an invoice starting with "C". Only those may be negative.
- Attributes: --customers FILE joined on the customer id, else the log's other columns whose
  value never changes within a customer (Gender, Age in a shop export).
Problems are one message naming the file, columns and lines (line = row index + 2).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.errors import InputError
from analytics.validation.messages import frame_lines_text, frame_values_text
from analytics.validation.order_layouts import CANCELLED_STATUSES, KnownLayout, resolve_columns
from analytics.validation.order_log import (
    MAX_CUSTOMER_ID_LENGTH,
    csv_read_errors,
    parse_order_dates,
)

MIN_CUSTOMERS = 10
MAX_ATTRIBUTES = 10
_OPTIONS = {"encoding": "utf-8-sig", "skipinitialspace": True}


@dataclass(frozen=True)
class OrderLog:
    lines: pd.DataFrame  # customer_id, order_id, order_date, amount, cancelled[, product_id]
    attributes: pd.DataFrame  # index customer_id; may have no columns
    layout: str | None
    notes: list[str] = field(default_factory=list)


def read_order_log(
    path: str | Path, columns: Mapping[str, str] | None = None, customers: Path | None = None
) -> OrderLog:
    path = Path(path)
    raw = _read_csv(path)
    resolved = resolve_columns(list(raw.columns), columns, path.name)
    fields, layout = resolved.fields, resolved.layout
    notes = [] if layout is None or columns else [f"Columns recognised as: {layout.name}."]
    raw = raw.dropna(how="all")
    if raw.empty:
        raise InputError(f"{path.name}: the file has a header but no data rows.")
    problems: list[str] = []

    if "order_id" in fields:
        raw = _order_fields_on_every_line(raw, fields)
    customer = customer_ids(raw[fields["customer_id"]])
    anonymous = customer.isna() | (customer == "")
    if anonymous.mean() > 0.5:
        problems.append(
            f"column '{fields['customer_id']}' is blank on {anonymous.sum():,} of {len(raw):,} "
            f"rows ({frame_lines_text(raw.index[anonymous])})"
        )
    elif anonymous.any():
        notes.append(f"{anonymous.sum():,} rows without a customer id were left out.")
    too_long = customer.str.len() > MAX_CUSTOMER_ID_LENGTH
    if too_long.any():
        examples = frame_values_text(raw[fields["customer_id"]], too_long.fillna(False))
        problems.append(
            f"column '{fields['customer_id']}' must be at most {MAX_CUSTOMER_ID_LENGTH} "
            f"characters but {examples}"
        )

    date_column = fields["order_date"]
    date_text = raw[date_column].astype("string").str.strip()
    dates = order_dates(date_text, layout)
    no_date = date_text.isna() | (date_text == "")
    if (no_date & ~anonymous).any():
        problems.append(
            f"column '{date_column}' is empty on {frame_lines_text(raw.index[no_date])}"
        )
    unparsable = dates.isna() & ~no_date
    if unparsable.any():
        problems.append(
            f"column '{date_column}' must be a date (ISO 8601, e.g. 2024-03-05) but "
            f"{frame_values_text(raw[date_column], unparsable)}"
        )

    quantity = _numbers(raw, fields.get("quantity"), problems)
    if "amount" in fields:
        amount = _numbers(raw, fields["amount"], problems)
    else:
        amount = quantity * _numbers(raw, fields["unit_price"], problems)
    cancelled = cancelled_lines(raw, fields, layout, quantity)
    amount_column = fields.get("amount", fields.get("unit_price"))
    negative = (amount < 0) & ~cancelled
    if negative.any():
        problems.append(
            f"column '{amount_column}' is negative on orders that are not cancelled or "
            f"returned: {frame_values_text(raw[amount_column], negative)}"
        )
    amount_text = raw[amount_column].astype("string").str.strip()
    # Blank cells only: a cell that is not a number has its own message above.
    no_amount = (amount_text.isna() | (amount_text == "")) & ~anonymous
    if "order_id" in fields:  # order-level totals often sit on an order's first line only
        has_total = amount.notna().groupby(raw[fields["order_id"]]).transform("any")
        no_amount &= ~has_total
    if no_amount.any():
        problems.append(
            f"column '{amount_column}' is empty on {frame_lines_text(raw.index[no_amount])}"
        )
    if problems:
        raise InputError(f"{path.name}: " + "; ".join(problems) + ".")

    keep = ~anonymous
    lines = pd.DataFrame(
        {
            "customer_id": customer[keep].astype(object),
            "order_id": raw.loc[keep, fields["order_id"]].astype("string").astype(object)
            if "order_id" in fields
            else None,
            "order_date": dates[keep],
            "amount": amount[keep].fillna(0.0),
            "cancelled": cancelled[keep].to_numpy(),
        }
    )
    if "product_id" in fields:
        lines["product_id"] = raw.loc[keep, fields["product_id"]].astype("string").astype(object)
    if "quantity" in fields:
        lines["quantity"] = quantity[keep].fillna(0.0)
    count = lines["customer_id"].nunique()
    if count < MIN_CUSTOMERS:
        raise InputError(
            f"{path.name}: column '{fields['customer_id']}' has {count} distinct customer"
            f"{'s' if count != 1 else ''}; at least {MIN_CUSTOMERS} are needed."
        )
    if customers is not None:
        attributes, joined_notes = joined_attributes(customers, lines["customer_id"])
    else:
        others = [c for c in raw.columns if c not in fields.values()]
        attributes, joined_notes = _constant_columns(raw.loc[keep, others], lines["customer_id"])
    return OrderLog(lines, attributes, layout.name if layout else None, notes + joined_notes)


def customer_ids(column: pd.Series) -> pd.Series:
    """Customer ids as text, trimmed; a float-looking id (17850.0) as the integer it was."""
    customer = column.astype("string").str.strip()
    return customer.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)


def order_dates(date_text: pd.Series, layout: KnownLayout | None) -> pd.Series:
    """The layout's date format, else (or where it fails) ISO dates and timestamps; NaT where
    neither reads."""
    dates = parse_order_dates(date_text, layout.date_format if layout else None)
    if layout is not None and layout.date_format:
        dates = dates.fillna(parse_order_dates(date_text.where(dates.isna()), None))
    return dates


def parse_numbers(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(numbers, not a number): a leading currency sign and thousands commas are allowed;
    blank cells are NaN but not bad."""
    text = column.astype("string").str.strip().str.replace(r"^[$€£]", "", regex=True)
    values = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce").astype(float)
    bad = (values.isna() & text.notna() & (text != "")) | np.isinf(values)
    return values.where(~bad), bad


def cancelled_lines(
    raw: pd.DataFrame,
    fields: Mapping[str, str],
    layout: KnownLayout | None,
    quantity: pd.Series | None,
) -> pd.Series:
    """Cancelled or returned: a status word, a negative quantity, or the layout's prefix on
    the order id (UCI's "C" invoices)."""
    cancelled = pd.Series(False, index=raw.index)
    if "status" in fields:
        status = raw[fields["status"]].astype("string").str.strip().str.casefold()
        cancelled |= status.isin(CANCELLED_STATUSES).fillna(False)
    if quantity is not None:
        cancelled |= (quantity < 0).fillna(False)
    if layout is not None and layout.cancel_prefix and "order_id" in fields:
        order_text = raw[fields["order_id"]].astype("string").str.strip()
        cancelled |= order_text.str.startswith(layout.cancel_prefix).fillna(False)
    return cancelled


def _order_fields_on_every_line(raw: pd.DataFrame, fields: Mapping[str, str]) -> pd.DataFrame:
    """Line-item exports (Shopify) fill the customer, date and status only on an order's first
    line: the other lines of the same order take them from it."""
    order = raw[fields["order_id"]]
    columns = [fields[f] for f in ("customer_id", "order_date", "status") if f in fields]
    blank = raw[columns].apply(lambda c: c.isna() | c.str.strip().eq("").fillna(True))
    if not (blank.any().any() and order.duplicated().any()):
        return raw
    filled = raw[columns].mask(blank).groupby(order).transform("first")
    return raw.assign(**{c: raw[c].mask(blank[c], filled[c]) for c in columns})


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    if path.stat().st_size == 0:
        raise InputError(f"{path.name}: the file is empty; expected a header row and orders.")
    with csv_read_errors(path):
        return pd.read_csv(path, dtype=str, skip_blank_lines=False, low_memory=False, **_OPTIONS)


def _numbers(raw: pd.DataFrame, column: str | None, problems: list[str]) -> pd.Series | None:
    if column is None:
        return None
    values, bad = parse_numbers(raw[column])
    if bad.any():
        problems.append(
            f"column '{column}' must be a number but {frame_values_text(raw[column], bad)}"
        )
    return values


def _constant_columns(others: pd.DataFrame, customer_id: pd.Series):
    """The log's columns whose value never changes within a customer, one row per customer."""
    if others.empty or not len(others.columns):
        return pd.DataFrame(index=pd.Index([], name="customer_id")), []
    frame = others.assign(customer_id=customer_id.to_numpy())
    grouped = frame.groupby("customer_id", sort=True)
    varying = grouped.nunique(dropna=True).max()
    constant = [c for c in others.columns if varying.get(c, 2) <= 1][:MAX_ATTRIBUTES]
    if not constant:
        return pd.DataFrame(index=grouped.size().index), []
    attributes = typed_attributes(grouped[constant].last())
    return attributes, [
        f"Customer attributes taken from the log: {', '.join(constant)} (one value per customer)."
    ]


def joined_attributes(path: Path, customer_id: pd.Series):
    table = _read_csv(path).dropna(how="all")
    table.columns = [str(c).strip() for c in table.columns]
    key = next(
        (
            c
            for c in table.columns
            if c.casefold() in {"customer id", "customer_id", "customerid", "id"}
        ),
        None,
    )
    if key is None:
        raise InputError(
            f"{path.name}: no customer id column (Customer ID, customer_id or id) to join on; "
            f"the columns found were {', '.join(repr(c) for c in table.columns)}."
        )
    table[key] = table[key].str.strip()
    table = table.drop_duplicates(key, keep="last").set_index(key).rename_axis("customer_id")
    known = pd.Index(customer_id.unique())
    notes = [f"Customer attributes joined from {path.name}: {', '.join(table.columns)}."]
    only_file = len(table.index.difference(known))
    only_log = len(known.difference(table.index))
    if only_file or only_log:
        notes.append(
            f"{only_log:,} customers of the log are not in {path.name} and {only_file:,} of its "
            "customers placed no order."
        )
    return typed_attributes(
        table.reindex(known.sort_values())[list(table.columns)[:MAX_ATTRIBUTES]]
    ), notes


def typed_attributes(frame: pd.DataFrame) -> pd.DataFrame:
    """Numeric-looking text columns become numbers; the rest stays text."""
    for column in frame.columns:
        numbers = pd.to_numeric(frame[column], errors="coerce")
        if numbers.notna().sum() == frame[column].notna().sum():
            frame[column] = numbers.astype(float)
    return frame
