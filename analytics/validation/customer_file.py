"""Read a customer CSV and check it: typed columns, notes on what was normalised, and the rows set
aside; a file that cannot be analysed becomes one readable paragraph naming file, columns, lines.

Policy (docs/reliability.md): a row with a gap (a blank cell, a wrong number of fields, or a
Customer ID repeated with different data) is set aside when such rows are at most
QUARANTINE_MAX_SHARE of the data rows; otherwise the whole file is rejected. A wrong value (text
in a number column, a number out of range, a Purchased that is not 0/1) always rejects the
file: it points at a broken export or shifted columns, which dropping rows would hide.
"""

import csv
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.config import QUARANTINE_MAX_SHARE, InputLimits
from analytics.errors import InputError
from analytics.io import csvfile
from analytics.validation.quarantine import BadRow

# The names `--columns` accepts, and the reference column each stands for.
CANONICAL_COLUMNS = {
    "customer_id": "Customer ID",
    "gender": "Gender",
    "age": "Age",
    "salary": "Salary",
    "product_id": "Product ID",
    "price": "Price",
    "purchased": "Purchased",
}
REQUIRED_COLUMNS = ["Customer ID", "Gender", "Age", "Salary", "Purchased"]
OPTIONAL_COLUMNS = ["Product ID", "Price"]
# Plausible bounds, inclusive; a value outside them is almost always a unit or typing mistake.
NUMERIC_BOUNDS = {"Age": (0, 120), "Salary": (0, 1e9), "Price": (0, 1e9)}
# Spellings of Purchased that exports of yes/no or boolean columns produce (compared in lower case).
PURCHASED_WORDS = {"yes": 1, "y": 1, "true": 1, "no": 0, "n": 0, "false": 0}
# What exports and spreadsheets write for a missing value (compared in upper case); such a cell
# is treated as blank, as pandas and Excel users expect.
MISSING_MARKERS = frozenset({"NA", "N/A", "#N/A", "NULL", "NONE", "NAN"})
# Every spelling whose upper case is a marker, so that a million cells are looked up rather than
# upper-cased. Only ASCII letters upper-case to the markers' characters (a unit test checks all
# of Unicode), so these are all such spellings.
_MISSING_SPELLINGS = frozenset(
    "".join(spelling)
    for marker in MISSING_MARKERS
    for spelling in itertools.product(*({c, c.lower()} for c in marker))
)
_SHOWN_PER_PROBLEM = 3
_SHOWN_NAMES = 8
_SHOWN_CHARACTERS = 40
# Columns read as numbers (Purchased too: 0/1 is the common spelling, words the exception).
_NUMBER_COLUMNS = [*NUMERIC_BOUNDS, "Purchased"]
_BATCH_ROWS = 10_000
_SCAN_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    """One kind of row problem; `reason` is also what a set-aside row is stored with."""

    reason: str
    shows_values: bool = False  # "… but line 3 has 'abc'" rather than "… on line 3"
    may_set_aside: bool = True  # False: one such row rejects the whole file


@dataclass(frozen=True)
class CustomerInput:
    customers: pd.DataFrame  # typed, in the reference column names
    notes: list[str]  # what was normalised, ignored or set aside, for the user
    bad_rows: list[BadRow]  # set aside (quarantined), to be stored with the run


def parse_column_mapping(text: str) -> dict[str, str]:
    """`customer_id="User ID",salary=EstimatedSalary` → {"customer_id": "User ID", ...}."""
    mapping = {}
    for item in next(csv.reader([text], skipinitialspace=True), []):
        name, separator, source = item.partition("=")
        name, source = name.strip(), source.strip().strip('"')
        if not separator or not source:
            raise ValueError(f"expected name=column, got {item!r}")
        if name not in CANONICAL_COLUMNS:
            raise ValueError(f"unknown name {name!r}; use one of {', '.join(CANONICAL_COLUMNS)}")
        mapping[name] = source
    return mapping


def read_customers(
    path: str | Path,
    columns: Mapping[str, str] | None = None,
    limits: InputLimits | None = None,
) -> CustomerInput:
    """Read and check a customer CSV, in batches of rows so that memory stays bounded.

    `columns` maps canonical names (see CANONICAL_COLUMNS) to the file's own column names.
    Optional columns that are absent are absent from the result too.
    """
    path, limits = Path(path), limits or InputLimits()
    csv_format = csvfile.inspect(path, limits)
    batches = csvfile.read_batches(path, csv_format, limits, _BATCH_ROWS)
    header = next(batches, None)
    if header is None:
        raise InputError(f"{path.name}: the file has only blank lines; expected a header row.")
    layout = _layout(header[0][0], header[1][0], columns or {}, path.name)
    tally = _Tally()
    whole_file = _whole_file_frame(path, csv_format, limits, layout)
    if whole_file is not None:
        raw_frames = iter([whole_file])
    else:
        raw_frames = (_frame(lines, records, layout) for lines, records in batches)
    for raw in raw_frames:
        tally.add(check_rows(raw, layout.width, decimal_comma=csv_format.delimiter == ";"))
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
    bad_rows = _bad_rows(path, csv_format, limits, layout, tally.reasons_by_line())
    notes = [
        *_format_notes(csv_format),
        *_column_notes(layout),
        *_value_notes(tally.purchased_words, gender_merges, int(exact.sum())),
        *_quarantine_notes(bad_rows, tally.data_rows),
    ]
    ordered = [c for c in CANONICAL_COLUMNS.values() if c in customers.columns]
    return CustomerInput(customers[ordered].reset_index(drop=True), notes, bad_rows)


@dataclass(frozen=True)
class _Layout:
    width: int  # fields in the header
    positions: dict[str, int]  # reference column → its field in each record
    names: list[str]  # a distinct name for every field, for the raw cells of set-aside rows
    ignored: list[str]  # named columns the analysis does not use


def _layout(line: int, header: list[str], columns: Mapping[str, str], source: str) -> _Layout:
    names = [name.strip() for name in header]
    absent = [f"{name}={column!r}" for name, column in columns.items() if column not in names]
    if absent:
        raise InputError(
            f"{source}: the column mapping names columns the file does not have "
            f"({', '.join(absent)}); the columns found were {_names(names)}."
        )
    renamed = {column: CANONICAL_COLUMNS[name] for name, column in columns.items()}
    reference = set(CANONICAL_COLUMNS.values())
    # A mapped column replaces any same-named column the file also has.
    role = [
        renamed.get(name) or (name if name in reference - set(renamed.values()) else None)
        for name in names
    ]
    repeated = sorted({r for r in role if r and role.count(r) > 1})
    if repeated:
        raise InputError(
            f"{source}: the header (line {line}) has "
            + "; ".join(
                f"column '{r}' more than once (columns "
                f"{', '.join(str(i + 1) for i, x in enumerate(role) if x == r)})"
                for r in repeated
            )
            + "; keep one of each."
        )
    missing = [column for column in REQUIRED_COLUMNS if column not in role]
    if missing:
        raise InputError(
            f"{source}: missing required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(c) for c in missing)}; the columns found were {_names(names)} "
            f"(map other names with --columns, e.g. --columns salary=EstimatedSalary)."
        )
    seen: set[str] = set()
    distinct = []
    for index, name in enumerate(names):
        distinct.append(name if name and name not in seen else f"(column {index + 1})")
        seen.add(name)
    return _Layout(
        width=len(names),
        positions={r: index for index, r in enumerate(role) if r},
        names=distinct,
        ignored=[name for name, r in zip(names, role, strict=True) if name and not r],
    )


def _frame(lines: list[int], records: list[list[str]], layout: _Layout) -> pd.DataFrame:
    """The analysed columns' text and each record's field count, indexed by line."""
    width = layout.width
    counts = [width if len(r) == width else _field_count(r, width) for r in records]
    # A short record reads as blank in the fields it lacks (it is reported for its count).
    padded = [r if len(r) >= width else r + [""] * (width - len(r)) for r in records]
    # Transposed in C; object dtype, because inferring pandas' string dtype costs more.
    columns = list(zip(*padded, strict=False))
    data = {c: pd.Series(columns[i], dtype=object) for c, i in layout.positions.items()}
    return pd.DataFrame(data | {"fields": counts}).set_axis(pd.Index(lines, name="line"))


def _whole_file_frame(
    path: Path, csv_format: csvfile.CsvFormat, limits: InputLimits, layout: _Layout
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
    numeric = [layout.positions[c] for c in _NUMBER_COLUMNS if c in layout.positions]
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
    if len(cells) != data_rows or (not typing and (_stripped(cells[0]) == "").any()):
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


def _field_count(fields: list[str], width: int) -> int:
    """Fields in the record, not counting empty ones past the header's width (spreadsheets pad
    rows with them)."""
    count = len(fields)
    while count > width and not fields[count - 1].strip():
        count -= 1
    return count


@dataclass(frozen=True)
class CheckedRows:
    typed: pd.DataFrame  # every row, typed (NaN where a value is missing or invalid)
    problems: dict[Problem, pd.Series]  # per problem, what to show for each offending line
    purchased_words: int  # rows whose Purchased was a word such as yes or false


DUPLICATE_ID = Problem("column 'Customer ID' repeats later in the file with different data")


def check_rows(raw: pd.DataFrame, width: int, decimal_comma: bool = False) -> CheckedRows:
    """Type and check rows of text (indexed by line, with a `fields` count); pure.

    A number column may come typed already (float: its reader parsed every cell as a number).
    Every kind of problem is a key of `problems`, in a fixed order, even when no row has it.
    A row with the wrong number of fields is reported for that alone: its cells are shifted.
    """
    ragged = raw["fields"] != width
    problems = {
        Problem(f"rows must have as many fields as the header ({width})", True): raw["fields"][
            ragged
        ].astype(str)
    }

    def flag(problem: Problem, mask: pd.Series, shown: pd.Series | None = None) -> None:
        lines = raw.index[mask & ~ragged]
        # Only the offending cells are formatted: they are few, the rows may be a million.
        problems[problem] = (
            pd.Series("", index=lines) if shown is None else shown[lines].map(show_value)
        )

    typed = pd.DataFrame(index=raw.index)
    for column in ("Customer ID", "Gender"):
        text = _stripped(raw[column]) if column == "Customer ID" else _strip_repeated(raw[column])
        flag(Problem(f"column '{column}' is blank"), _missing(text))
        typed[column] = text.astype(object)
    if "Product ID" in raw.columns:
        text = _strip_repeated(raw["Product ID"])
        typed["Product ID"] = text.where(~_missing(text)).astype(object)

    for column in [c for c in NUMERIC_BOUNDS if c in raw.columns]:
        values = _numbers(raw[column], decimal_comma)
        empty = _blank(raw[column], values.isna())
        low, high = NUMERIC_BOUNDS[column]
        flag(Problem(f"column '{column}' is empty"), empty)
        flag(
            Problem(f"column '{column}' must be a number", True, may_set_aside=False),
            values.isna() & ~empty,
            raw[column],
        )
        flag(
            Problem(
                f"column '{column}' must be between {low:g} and {high:g}", True, may_set_aside=False
            ),
            values.notna() & ~values.between(low, high),
            values,
        )
        typed[column] = values

    text = raw["Purchased"]
    values = _numbers(text, decimal_comma)
    failed = values.isna()
    words = text[failed].astype(object).str.strip().str.lower().map(PURCHASED_WORDS)
    values[failed] = words
    empty = _blank(text, failed)
    flag(Problem("column 'Purchased' is empty"), empty)
    flag(
        Problem("column 'Purchased' must be 0 or 1", True, may_set_aside=False),
        ~empty & ~values.isin([0, 1]),
        text.astype(object).where(values.isna(), values),
    )
    typed["Purchased"] = values
    return CheckedRows(typed, problems, int((words.notna() & ~ragged[failed]).sum()))


def _numbers(text: pd.Series, decimal_comma: bool) -> pd.Series:
    """Floats (NaN where the text is not a number); with a decimal comma, 1.234,5 is 1234.5."""
    if text.dtype == np.float64:
        return text.copy()  # a copy: check_rows writes the Purchased words into it
    if decimal_comma:
        comma = text.str.contains(",", regex=False)
        text = text.where(~comma, text.str.replace(".", "").str.replace(",", "."))
    try:
        # Vectorised, and a clean column (the usual case) parses whole.
        return text.astype(float)
    except ValueError:
        # The same conversion cell by cell, so that a cell's fate never depends on the others.
        return text.map(_number).astype(float)


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def _blank(text: pd.Series, candidates: pd.Series) -> pd.Series:
    """Which of the candidate cells are blank (stripping only those: they are few)."""
    blank = pd.Series(False, index=text.index)
    if candidates.any():
        blank[candidates] = _missing(text[candidates].str.strip())
    return blank


def _missing(stripped: pd.Series) -> pd.Series:
    return (stripped == "") | stripped.isin(_MISSING_SPELLINGS)


def _stripped(text: pd.Series) -> pd.Series:
    """text.str.strip() of a column of str cells, a few times faster: without the accessor's
    per-cell handling of missing values, which raw text does not have."""
    return pd.Series([cell.strip() for cell in text.to_numpy()], index=text.index, dtype=object)


def _strip_repeated(text: pd.Series) -> pd.Series:
    """text.str.strip() for a column of few distinct values (Gender, Product ID): each value is
    stripped once."""
    codes, values = pd.factorize(text, use_na_sentinel=False)
    stripped = pd.Series(values, dtype=object).str.strip().to_numpy()
    return pd.Series(stripped[codes], index=text.index, dtype=object)


def find_duplicates(customers: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Masks of the rows to drop for a Customer ID that a later row repeats: exactly (nothing is
    lost) or with different data (set aside; the last row is the one kept)."""
    ids = customers["Customer ID"]
    exact = pd.Series(False, index=customers.index)
    conflicting = exact.copy()
    repeated = ids.duplicated(keep=False)
    if repeated.any():
        group = customers[repeated]
        row_hash = pd.util.hash_pandas_object(group, index=False)
        kept_hash = row_hash.groupby(group["Customer ID"].to_numpy()).transform("last")
        earlier = group["Customer ID"].duplicated(keep="last")
        exact[group.index] = earlier & (row_hash == kept_hash)
        conflicting[group.index] = earlier & (row_hash != kept_hash)
    return exact, conflicting


def merge_case_variants(customers: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Gender values that differ only in case become the commonest spelling (ties: the first
    in sorted order); returns the frame and {variant: spelling used}."""
    merges = gender_merges(customers["Gender"].value_counts())
    if not merges:
        return customers, merges
    return customers.assign(Gender=customers["Gender"].replace(merges)), merges


def gender_merges(counts: pd.Series) -> dict[str, str]:
    """{variant: spelling used} from the count of each Gender value (see merge_case_variants)."""
    preferred: dict[str, str] = {}
    for value, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        preferred.setdefault(value.casefold(), value)
    return {v: preferred[v.casefold()] for v in counts.index if preferred[v.casefold()] != v}


class _Tally:
    """What the batches of one file add up to: good rows, problem counts, first examples."""

    def __init__(self) -> None:
        self.data_rows = 0
        self.purchased_words = 0
        self.good: list[pd.DataFrame] = []
        self.counts: dict[Problem, int] = {}
        self.examples: dict[Problem, list[tuple[int, str]]] = {}
        self.bad_flags: list[pd.DataFrame] = []

    def add(self, checked: CheckedRows) -> None:
        self.data_rows += len(checked.typed)
        self.purchased_words += checked.purchased_words
        index = checked.typed.index
        flags = pd.DataFrame(
            {p.reason: index.isin(shown.index) for p, shown in checked.problems.items()},
            index=index,
        )
        bad = flags.any(axis=1)
        self.good.append(checked.typed[~bad])
        self.bad_flags.append(flags[bad])
        for problem, shown in checked.problems.items():
            self._count(problem, shown)

    def flag_lines(self, problem: Problem, lines: pd.Index) -> None:
        """Rows found bad after they were counted as good (by a check across the whole file)."""
        self.bad_flags.append(pd.DataFrame({problem.reason: True}, index=lines))
        self._count(problem, pd.Series("", index=lines))

    def _count(self, problem: Problem, shown: pd.Series) -> None:
        self.counts[problem] = self.counts.get(problem, 0) + len(shown)
        examples = self.examples.setdefault(problem, [])
        examples.extend(shown.iloc[: _SHOWN_PER_PROBLEM - len(examples)].items())

    @property
    def has_wrong_values(self) -> bool:
        return any(count and not problem.may_set_aside for problem, count in self.counts.items())

    @property
    def bad_lines(self) -> pd.Index:
        return pd.concat(self.bad_flags).index if self.bad_flags else pd.Index([])

    def reasons_by_line(self) -> dict[int, tuple[str, ...]]:
        """Every bad row's reasons, in line order."""
        flags = pd.concat(self.bad_flags).eq(True).sort_index()
        reasons = flags.columns.to_numpy()
        rows = zip(flags.index, flags.to_numpy(), strict=True)
        return {int(line): tuple(reasons[row]) for line, row in rows}

    def describe(self) -> list[str]:
        """One clause per problem found, naming its column and first lines."""
        clauses = []
        for problem, count in self.counts.items():
            examples = self.examples[problem]
            if problem.shows_values and count:
                clauses.append(f"{problem.reason} but {values_text(examples, count)}")
            elif count:
                lines = [line for line, _ in examples]
                clauses.append(f"{problem.reason} on {lines_text(lines, count)}")
        return clauses


def _bad_rows(
    path: Path,
    csv_format: csvfile.CsvFormat,
    limits: InputLimits,
    layout: _Layout,
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


def _format_notes(csv_format: csvfile.CsvFormat) -> list[str]:
    notes = []
    if csv_format.encoding == csvfile.FALLBACK_ENCODING:
        notes.append(
            "The file is not UTF-8, so it was read as Windows-1252 (Latin-1); check that "
            "accented letters look right."
        )
    if csv_format.delimiter == ";":
        notes.append(
            "The file separates columns with ';', so a comma in a number was read as a decimal "
            "comma (2,5 is 2.5)."
        )
    elif csv_format.delimiter == "\t":
        notes.append("The file separates columns with tabs.")
    return notes


def _column_notes(layout: _Layout) -> list[str]:
    if not layout.ignored:
        return []
    return [f"Columns not used by the analysis were ignored: {_names(layout.ignored)}."]


def _value_notes(purchased_words: int, gender_merges: dict[str, str], exact: int) -> list[str]:
    notes = []
    if purchased_words:
        notes.append(
            f"'Purchased' was written as a word (yes/no, y/n or true/false) on "
            f"{purchased_words:,} row{'s' if purchased_words != 1 else ''}; read as 1 and 0."
        )
    if gender_merges:
        merged = ", ".join(f"{v!r} as {s!r}" for v, s in list(gender_merges.items())[:5])
        notes.append(f"'Gender' values that differ only in case were merged: {merged}.")
    if exact:
        notes.append(
            f"{exact:,} row{' was' if exact == 1 else 's were'} dropped for repeating a later "
            "row exactly (same Customer ID and values)."
        )
    return notes


def _quarantine_notes(bad_rows: list[BadRow], data_rows: int) -> list[str]:
    if not bad_rows:
        return []
    counts: dict[str, int] = {}
    for row in bad_rows:
        for reason in row.reasons:
            counts[reason] = counts.get(reason, 0) + 1
    reasons = "; ".join(f"{reason} ({count:,})" for reason, count in counts.items())
    return [
        f"{len(bad_rows):,} of {data_rows:,} data rows {'was' if len(bad_rows) == 1 else 'were'} "
        f"set aside (quarantined) and left out of this run: {reasons}. They are kept with the "
        "run, to download and fix."
    ]


def lines_text(lines: Sequence[int], total: int | None = None) -> str:
    """Lines for a message (`line 3`, `lines 3, 5, 9 and 4 more`), from the first lines and the
    total count."""
    total = len(lines) if total is None else total
    shown = ", ".join(str(line) for line in lines[:_SHOWN_PER_PROBLEM])
    more = total - min(len(lines), _SHOWN_PER_PROBLEM)
    return f"line{'s' if total > 1 else ''} {shown}" + (f" and {more} more" if more > 0 else "")


def values_text(examples: Sequence[tuple[int, str]], total: int | None = None) -> str:
    """Offending values for a message (`line 3 has 'abc', line 7 has 250 (and 4 more rows)`),
    from (line, shown value) pairs and the total count."""
    total = len(examples) if total is None else total
    text = ", ".join(f"line {line} has {value}" for line, value in examples[:_SHOWN_PER_PROBLEM])
    more = total - min(len(examples), _SHOWN_PER_PROBLEM)
    return text + (f" (and {more} more row{'s' if more > 1 else ''})" if more > 0 else "")


def show_value(value: object) -> str:
    """A cell for a message: text quoted (and cut short), numbers as they read."""
    if isinstance(value, str):
        return repr(value if len(value) <= _SHOWN_CHARACTERS else value[:_SHOWN_CHARACTERS] + "…")
    return f"{value:g}"


def _names(names: list[str]) -> str:
    shown = ", ".join(repr(name) for name in names[:_SHOWN_NAMES])
    more = len(names) - _SHOWN_NAMES
    return shown + (f" and {more} more" if more > 0 else "")
