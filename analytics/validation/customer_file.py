"""Read a customer CSV and check it: typed columns, notes on what was normalised, and the rows set
aside; a file that cannot be analysed becomes one readable paragraph naming file, columns, lines.

Policy (docs/reliability.md): a row with a gap (a blank cell, a wrong number of fields, or a
Customer ID repeated with different data) is set aside when such rows are at most
QUARANTINE_MAX_SHARE of the data rows; otherwise the whole file is rejected. A wrong value (text
in a number column, a number out of range, a Purchased that is not 0/1) always rejects the
file: it points at a broken export or shifted columns, which dropping rows would hide.
The checks themselves are in analytics.validation.checks, the columns in .columns and .schema.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.config import QUARANTINE_MAX_SHARE, InputLimits
from analytics.errors import InputError
from analytics.io import csvfile
from analytics.validation.checks import (
    DUPLICATE_ID,
    check_rows,
    find_duplicates,
    merge_case_variants,
    numeric_features,
    stripped,
)
from analytics.validation.columns import Layout, column_layout, column_notes
from analytics.validation.messages import names_text
from analytics.validation.quarantine import BadRow
from analytics.validation.report import Tally, format_notes, quarantine_notes, value_notes
from analytics.validation.schema import CANONICAL_COLUMNS, MAX_CATEGORIES, NUMBER_COLUMNS

_BATCH_ROWS = 10_000
_SCAN_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class CustomerInput:
    customers: pd.DataFrame  # typed, in the reference column names, then the extra features
    notes: list[str]  # what was normalised, ignored or set aside, for the user
    bad_rows: list[BadRow]  # set aside (quarantined), to be stored with the run
    # The features named beyond the reference ones: feature name → its column in `customers`.
    extras: dict[str, str] = field(default_factory=dict)


def read_customers(
    path: str | Path,
    columns: Mapping[str, str] | None = None,
    limits: InputLimits | None = None,
    extra_features: Sequence[str] = (),
) -> CustomerInput:
    """Read and check a customer CSV, in batches of rows so that memory stays bounded.

    `columns` maps canonical names (see CANONICAL_COLUMNS) to the file's own column names.
    Optional columns that are absent are absent from the result too. `extra_features` are
    --features names beyond the reference columns: each is found among the file's columns
    (analytics.validation.columns) and read as numbers or as categories (checks).
    """
    path, limits = Path(path), limits or InputLimits()
    csv_format = csvfile.inspect(path, limits)
    batches = csvfile.read_batches(path, csv_format, limits, _BATCH_ROWS)
    header = next(batches, None)
    if header is None:
        raise InputError(f"{path.name}: the file has only blank lines; expected a header row.")
    layout = column_layout(header[0][0], header[1][0], columns or {}, path.name, extra_features)
    tally = Tally()
    whole_file = _whole_file_frame(path, csv_format, limits, layout)
    if whole_file is not None:
        raw_frames = iter([whole_file])
    else:
        raw_frames = (_frame(lines, records, layout) for lines, records in batches)
    decimal_comma = csv_format.delimiter == ";"
    numeric: list[str] | None = None
    for raw in raw_frames:
        if numeric is None:  # typed by the first rows, the same for every batch
            numeric = numeric_features(raw, decimal_comma)
        tally.add(check_rows(raw, layout.width, decimal_comma, numeric))
    if tally.data_rows == 0:
        raise InputError(f"{path.name}: the file has a header but no data rows.")

    customers, gender_merges = merge_case_variants(pd.concat(tally.good))
    exact, conflicting = find_duplicates(customers)
    tally.flag_lines(DUPLICATE_ID, customers.index[conflicting])
    if tally.has_wrong_values:
        raise InputError(f"{path.name}: " + "; ".join(tally.describe()) + ".")
    if len(tally.bad_lines) > QUARANTINE_MAX_SHARE * tally.data_rows:
        raise InputError(
            f"{path.name}: problems in {len(tally.bad_lines):,} of {tally.data_rows:,} data rows, "
            f"more than the {QUARANTINE_MAX_SHARE:.0%} that may be set aside: "
            + "; ".join(tally.describe())
            + "."
        )

    customers = customers[~(exact | conflicting)].astype({"Purchased": int})
    categorical = [c for c in layout.extras.values() if c not in (numeric or [])]
    _check_categories(path.name, customers, categorical)
    bad_rows = set_aside_rows(path, csv_format, limits, layout, tally.reasons_by_line())
    notes = [
        *format_notes(csv_format),
        *column_notes(layout),
        *value_notes(tally.purchased_words, gender_merges, int(exact.sum())),
        *quarantine_notes(bad_rows, tally.data_rows),
    ]
    ordered = [c for c in CANONICAL_COLUMNS.values() if c in customers.columns]
    ordered += list(layout.extras.values())
    return CustomerInput(customers[ordered].reset_index(drop=True), notes, bad_rows, layout.extras)


def _check_categories(name: str, customers: pd.DataFrame, categorical: list[str]) -> None:
    """An InputError for a categorical feature with more than MAX_CATEGORIES values."""
    for column in categorical:
        values = customers[column].value_counts()
        if len(values) > MAX_CATEGORIES:
            raise InputError(
                f"{name}: column {column!r} was named as a feature and is read as categories "
                "(fewer than 90 % of its cells are numbers), but it has "
                f"{len(values):,} different values, e.g. {names_text(values.index.tolist()[:3])}; "
                f"a category feature may have at most {MAX_CATEGORIES}. Leave it out of "
                "--features, or fix its non-numeric cells if it holds numbers."
            )


def _frame(lines: list[int], records: list[list[str]], layout: Layout) -> pd.DataFrame:
    """The analysed columns' text and each record's field count, indexed by line."""
    width = layout.width
    counts = [width if len(r) == width else field_count(r, width) for r in records]
    # A short record reads as blank in the fields it lacks (it is reported for its count).
    padded = [r if len(r) >= width else r + [""] * (width - len(r)) for r in records]
    # Transposed in C; object dtype, because inferring pandas' string dtype costs more.
    columns = list(zip(*padded, strict=False))
    data = {c: pd.Series(columns[i], dtype=object) for c, i in layout.positions.items()}
    return pd.DataFrame(data | {"fields": counts}).set_axis(pd.Index(lines, name="line"))


def _whole_file_frame(
    path: Path, csv_format: csvfile.CsvFormat, limits: InputLimits, layout: Layout
) -> pd.DataFrame | None:
    """The frame `_frame` would build batch by batch, parsed at once by pandas, or None when
    the file is not plain enough for the two parsers to agree on every record and line number.

    Plain means: no quote characters, \\n or \\r\\n line ends, no blank lines, the header on line 1,
    exactly the header's number of fields on every line, no record whose fields are all blank
    (the csv path skips those: a number column read as numbers has no blank cell, and a file read
    as text needs a non-blank first field on every line), and at most the row limit.
    Such a file is one record per line, so line numbers are row positions plus 2, and every
    check then sees exactly the cells the row-by-row path gives it; anything else (including
    every file whose structure the error messages must explain) takes the row-by-row path.
    """
    data_rows = _plain_data_rows(path, csv_format.delimiter, layout.width, limits.max_rows)
    if data_rows is None:
        return None
    used = sorted({0, *layout.positions.values()})
    # The C reader parses numbers many times faster than float() on its text, and a column it
    # reads whole as numbers is one float() also reads cell by cell to the same values (a unit
    # test holds it to that). If a number column has a cell it cannot read, the file is read
    # again all as text; a file with decimal commas is read as text from the start.
    numeric = [layout.positions[c] for c in NUMBER_COLUMNS if c in layout.positions]
    typings = [] if csv_format.delimiter == ";" else [dict.fromkeys(numeric, np.float64)]
    for typing in [*typings, {}]:
        try:
            # Columns named by position, which is what `dtype` keys must be (pandas 3 reads
            # a positional `object` as its string dtype).
            cells = pd.read_csv(
                path,
                sep=csv_format.delimiter,
                encoding=csv_format.encoding,
                header=None,
                skiprows=1,
                usecols=used,
                dtype={position: typing.get(position, object) for position in used},
                na_filter=False,
                skip_blank_lines=False,
                engine="c",
            )
            break
        except (ValueError, pd.errors.ParserError):
            continue
    else:
        return None
    if len(cells) != data_rows or (not typing and (stripped(cells[0]) == "").any()):
        return None
    data_columns = {column: cells[position] for column, position in layout.positions.items()}
    return pd.DataFrame(data_columns | {"fields": layout.width}).set_axis(
        pd.RangeIndex(2, data_rows + 2, name="line")
    )


def _plain_data_rows(path: Path, delimiter: str, width: int, max_rows: int) -> int | None:
    """The data rows of a plain file (see `_whole_file_frame`), else None; read in blocks, so
    that a file past the row limit is given up on after max_rows lines."""
    lines = 0
    carried = b""
    with path.open("rb") as handle:
        while block := handle.read(_SCAN_BYTES):
            block = carried + block
            complete = block.rfind(b"\n") + 1
            carried = block[complete:]
            counts = _plain_line_count(block[:complete], delimiter, width)
            if counts is None:
                return None
            lines += counts
            if lines - 1 > max_rows:
                return None
    if carried:
        counts = _plain_line_count(carried + b"\n", delimiter, width)
        if counts is None:
            return None
        lines += counts
    data_rows = lines - 1
    return data_rows if 0 < data_rows <= max_rows else None


def _plain_line_count(text: bytes, delimiter: str, width: int) -> int | None:
    """Lines in `text` (whole lines, each ending in \\n) if each has `width` fields and no quote
    character and no carriage return except one right before its \\n, else None."""
    if not text:
        return 0
    if b'"' in text or text.count(b"\r") != text.count(b"\r\n"):
        return None
    buffer = np.frombuffer(text, np.uint8)
    line_ends = np.flatnonzero(buffer == ord("\n"))
    line_starts = np.concatenate([[0], line_ends[:-1] + 1])
    delimiters = (buffer == ord(delimiter)).view(np.uint8)
    fields = np.add.reduceat(delimiters, line_starts, dtype=np.int64) + 1
    return len(line_ends) if (fields == width).all() else None


def field_count(fields: list[str], width: int) -> int:
    """Fields in the record, not counting empty ones past the header's width (spreadsheets pad
    rows with them)."""
    count = len(fields)
    while count > width and not fields[count - 1].strip():
        count -= 1
    return count


def set_aside_rows(
    path: Path,
    csv_format: csvfile.CsvFormat,
    limits: InputLimits,
    layout: Layout,
    reasons: dict[int, tuple[str, ...]],
) -> list[BadRow]:
    """The set-aside rows with their raw cells, read again (only these rows are kept)."""
    if not reasons:
        return []
    rows = []
    for lines, records in csvfile.read_batches(path, csv_format, limits, _BATCH_ROWS):
        for line, fields in zip(lines, records, strict=True):
            if line in reasons:
                extra = [f"(column {i + 1})" for i in range(layout.width, len(fields))]
                raw = dict(zip(layout.names + extra, fields, strict=False))
                rows.append(BadRow(line, reasons[line], raw))
        if len(rows) == len(reasons):
            break
    return rows
