"""CSV exports of customers that are safe to open in a spreadsheet (see analytics.io.spreadsheet);
numbers are written as numbers."""

import csv
import io
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date

import numpy as np
import pandas as pd

from analytics.io.spreadsheet import neutralise
from analytics.validation import quarantine
from analytics.validation.quarantine import BadRow

# Input columns a customer file may lack (only Customer ID and Purchased are required).
OPTIONAL_COLUMNS = ("Gender", "Age", "Salary", "Product ID", "Price")
# Four decimals tell customers apart for ranking and keep the file short; the model is not more
# precise than that.
PROBABILITY_DECIMALS = 4
# The stored 90 % interval of each probability → its column in the explorer's export.
INTERVAL_COLUMNS = {
    "purchase_probability_low": "Probability 90 % low",
    "purchase_probability_high": "Probability 90 % high",
}


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every text cell neutralised (header names included)."""
    safe = frame.rename(columns=neutralise)
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    return safe


def audience_frame(
    customers: pd.DataFrame,
    segment_names: dict[int, str],
    with_interval: bool = False,
    absent: Collection[str] | None = None,
) -> pd.DataFrame:
    """Customers as an audience file: input columns, segment number (as shown) and name, and
    the purchase probability under the run's model (and, `with_interval`, its 90 % interval:
    the explorer's export has it, the API's customer rows do not yet).

    Optional input columns that the run did not have are left out rather than written empty;
    the probability is always there, empty when the run has no model, so that files and API
    pages of every run have it in the same place. `absent` names the optional columns to leave
    out when `customers` is a piece of the run's (the run's own, rather than the piece's).
    """
    audience = customers.drop(
        columns=["segment", "purchase_probability", *INTERVAL_COLUMNS], errors="ignore"
    )
    if absent is None:
        absent = [c for c in OPTIONAL_COLUMNS if c in audience and audience[c].isna().all()]
    audience = audience.drop(columns=[c for c in absent if c in audience])
    audience["Segment"] = customers["segment"].to_numpy() + 1
    audience["Segment name"] = customers["segment"].map(segment_names).to_numpy()
    audience["Purchase probability"] = (
        customers["purchase_probability"].round(PROBABILITY_DECIMALS).to_numpy()
    )
    if with_interval:
        for column, heading in INTERVAL_COLUMNS.items():
            bound = customers[column] if column in customers else pd.Series(np.nan, customers.index)
            audience[heading] = bound.round(PROBABILITY_DECIMALS).to_numpy()
    return audience


# An order-log run's audience: who, their RFM group and scores, behaviour, segment (numbered
# from 1, as shown), and the predictions for the run's horizon with the 90 % interval.
ORDER_AUDIENCE_COLUMNS = (
    "customer_id",
    "rfm_group",
    "r_score",
    "f_score",
    "m_score",
    "fm_score",
    "recency_days",
    "frequency",
    "monetary",
    "segment",
    "segment_name",
    "p_repeat",
    "expected_orders",
    "expected_orders_lo",
    "expected_orders_hi",
    "p_alive",
    "expected_value",
)
# Money to the cent; expected order counts to a thousandth of an order.
_ORDER_DECIMALS = {
    "monetary": 2,
    "expected_value": 2,
    "p_repeat": PROBABILITY_DECIMALS,
    "p_alive": PROBABILITY_DECIMALS,
    "expected_orders": 3,
    "expected_orders_lo": 3,
    "expected_orders_hi": 3,
}


def order_audience_frame(customers: pd.DataFrame, segment_names: dict[int, str]) -> pd.DataFrame:
    """An order-log run's customers (customer_behaviour) as an audience file."""
    audience = customers.assign(
        segment=customers["segment"].to_numpy() + 1,
        segment_name=customers["segment"].map(segment_names).to_numpy(),
    )[list(ORDER_AUDIENCE_COLUMNS)]
    return audience.round(_ORDER_DECIMALS).reset_index(drop=True)


# A file name keeps at most this many characters of an audience's name.
SLUG_LENGTH = 60


def audience_filename(
    run_id: int,
    day: date,
    *,
    audience: str | None = None,
    segments: Sequence[int] = (),
    narrowed: bool = False,
    order_log: bool = False,
) -> str:
    """What an explorer export is called: `audience-<what it holds>-run-<id>-<date>.csv`. What it
    holds is the saved audience's name (`audience`) when the filters are that audience's; else
    for an order-log run "orders"; else the segments chosen (as shown, from 1; empty: all),
    "filtered" when other filters narrow them (`narrowed`), or "all-customers"."""
    if audience is not None:
        subject = slug(audience) or "saved"
    elif order_log:
        subject = "orders"
    else:
        parts = ["segments", *map(str, sorted(segments))] if segments else []
        parts += ["filtered"] if narrowed else []
        subject = "-".join(parts) or "all-customers"
    return f"audience-{subject}-run-{run_id}-{day.isoformat()}.csv"


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits in hyphenated words, for a file name ('' for a name
    with none: "Été 2024 — VIP!" is "ete-2024-vip")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", plain.lower()))[:SLUG_LENGTH].strip("-")


def audience_csv(
    pieces: Iterable[pd.DataFrame],
    segment_names: dict[int, str],
    absent: Collection[str],
    whole: Collection[str],
) -> Iterator[str]:
    """A run's customers, given in pieces, as the explorer's audience CSV: the header line, then
    the text of each piece. The run decides, as for a file written at once, which optional
    columns are `absent` and which numeric columns are `whole` (written as integers)."""
    header_written = False
    for piece in pieces:
        audience = audience_frame(piece, segment_names, with_interval=True, absent=absent)
        header, rows = csv_lines(audience, whole)
        if not header_written:
            header_written = True
            yield header
        if len(rows):
            yield "".join(rows)


def csv_lines(frame: pd.DataFrame, whole: Collection[str] | None = None) -> tuple[str, np.ndarray]:
    """The header line and one CSV line per row, formula cells neutralised; numeric columns
    whose values are all whole are written as integers (only those named `whole`, when given).

    Lines are kept apart so that a subset of rows can be written by picking lines (a boolean
    mask over the array) instead of formatting the rows again.
    """
    safe = neutralise_frame(frame)
    lines = _LineCollector()
    writer = csv.writer(lines, lineterminator="\r\n")
    writer.writerow(safe.columns)
    cells = [
        _cells(safe[column], None if whole is None else column in whole) for column in safe.columns
    ]
    writer.writerows(zip(*cells, strict=True))
    header, *rows = lines
    return header, np.array(rows, dtype=object)


def to_csv(frame: pd.DataFrame) -> str:
    """The whole frame as CSV text, formula cells neutralised."""
    header, rows = csv_lines(frame)
    return header + "".join(rows)


class _LineCollector(list):
    """A file-like list: csv.writer writes each row with one call, so each row is one item."""

    write = list.append


def _cells(column: pd.Series, whole: bool | None = None) -> list:
    """Python values for csv.writer: whole floats as integers (42, not 42.0), missing as ''.
    `whole` says whether the column is written as integers; None: if all its values are whole."""
    missing = column.isna().to_numpy()
    values = column.to_numpy()
    if pd.api.types.is_float_dtype(column):
        known = values[~missing]
        # Beyond 2**53 a float no longer holds every whole number, so it is written as it is.
        if whole is None:
            whole = np.array_equal(known, np.round(known)) and np.all(np.abs(known) < 2**53)
        as_integers = np.where(missing, 0, values).astype(np.int64) if whole else values
        cells = as_integers.tolist()
    else:
        cells = column.astype(object).tolist()
    for position in np.flatnonzero(missing):
        cells[position] = None
    return cells


def set_aside_csv(rows: Iterable[BadRow]) -> str:
    """The rows a run set aside as CSV text: line, reasons, the file's cells, all neutralised."""
    header, records = quarantine.export_table(rows)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(records)
    return text.getvalue()
