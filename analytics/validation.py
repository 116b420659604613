"""Read a customer CSV and check it, turning every problem into one readable paragraph."""

import csv
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from pandas.api.types import is_numeric_dtype

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
_SHOWN_PER_PROBLEM = 3


class InputError(Exception):
    """The input cannot be analysed; the message says why, for the person who supplied it."""


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


def read_customers(path: str | Path, columns: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Read and validate a customer CSV, returning typed columns in the reference schema.

    `columns` maps canonical names (see CANONICAL_COLUMNS) to the file's own column names.
    Optional columns that are absent are absent from the result too.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    if path.stat().st_size == 0:
        raise InputError(
            f"{path.name}: the file is empty; expected a header row with the columns "
            f"{', '.join(REQUIRED_COLUMNS)} and at least one data row."
        )
    try:
        # Blank lines are kept (then dropped below) so that index + 2 stays the file's line number.
        raw = pd.read_csv(path, encoding="utf-8-sig", skipinitialspace=True, skip_blank_lines=False)
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path.name}: not UTF-8 text (byte {error.start}); save the file as UTF-8 CSV."
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(f"{path.name}: not a readable CSV file ({error}).") from None
    raw = raw.rename(columns=lambda name: str(name).strip())
    return validate_customers(
        _apply_mapping(raw, columns or {}, path.name).dropna(how="all"), source=path.name
    )


def _apply_mapping(raw: pd.DataFrame, columns: Mapping[str, str], source: str) -> pd.DataFrame:
    absent = [f"{name}={column!r}" for name, column in columns.items() if column not in raw.columns]
    if absent:
        raise InputError(
            f"{source}: the column mapping names columns the file does not have "
            f"({', '.join(absent)}); the columns found were "
            f"{', '.join(repr(c) for c in raw.columns)}."
        )
    renamed = {column: CANONICAL_COLUMNS[name] for name, column in columns.items()}
    # A mapped column replaces any same-named column the file also has.
    kept = [c for c in raw.columns if c in renamed or c not in renamed.values()]
    return raw[kept].rename(columns=renamed)


def validate_customers(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    """Check a frame read from `source`; raise InputError naming every problem found."""
    missing = [column for column in REQUIRED_COLUMNS if column not in raw.columns]
    if missing:
        raise InputError(
            f"{source}: missing required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(c) for c in missing)}; the columns found were "
            f"{', '.join(repr(c) for c in raw.columns)} (map other names with --columns, "
            f"e.g. --columns salary=EstimatedSalary)."
        )
    if raw.empty:
        raise InputError(f"{source}: the file has a header but no data rows.")

    problems = []
    typed = pd.DataFrame(index=raw.index)
    for column in ("Customer ID", "Gender"):
        text = raw[column].astype("string").str.strip()
        blank = text.isna() | (text == "")
        if blank.any():
            problems.append(f"column '{column}' is blank on {_lines(raw.index[blank])}")
        typed[column] = text.astype(object)

    numeric = [c for c in ("Age", "Salary", "Price", "Purchased") if c in raw.columns]
    for column in numeric:
        values = (
            raw[column]
            if is_numeric_dtype(raw[column])
            else pd.to_numeric(raw[column].astype("string").str.strip(), errors="coerce")
        )
        missing_values = raw[column].isna()
        not_numbers = values.isna() & ~missing_values
        if missing_values.any():
            problems.append(f"column '{column}' is empty on {_lines(raw.index[missing_values])}")
        if not_numbers.any():
            problems.append(
                f"column '{column}' must be a number but "
                f"{_lines_with_values(raw[column], not_numbers)}"
            )
        if column in NUMERIC_BOUNDS:
            low, high = NUMERIC_BOUNDS[column]
            outside = values.notna() & ~values.between(low, high)
            if outside.any():
                problems.append(
                    f"column '{column}' must be between {low:g} and {high:g} but "
                    f"{_lines_with_values(raw[column], outside)}"
                )
        typed[column] = values

    not_binary = typed["Purchased"].notna() & ~typed["Purchased"].isin([0, 1])
    if not_binary.any():
        problems.append(
            f"column 'Purchased' must be 0 or 1 but "
            f"{_lines_with_values(raw['Purchased'], not_binary)}"
        )
    if problems:
        raise InputError(f"{source}: " + "; ".join(problems) + ".")

    typed["Purchased"] = typed["Purchased"].astype(int)
    if "Product ID" in raw.columns:
        typed["Product ID"] = raw["Product ID"].astype("string").str.strip().astype(object)
    ordered = [c for c in CANONICAL_COLUMNS.values() if c in typed.columns]
    return typed[ordered].reset_index(drop=True)


def _lines(index: pd.Index) -> str:
    lines = [str(i + 2) for i in index[:_SHOWN_PER_PROBLEM]]
    more = f" and {len(index) - _SHOWN_PER_PROBLEM} more" if len(index) > _SHOWN_PER_PROBLEM else ""
    return f"line{'s' if len(index) > 1 else ''} {', '.join(lines)}{more}"


def _lines_with_values(column: pd.Series, mask: pd.Series) -> str:
    bad = column[mask]
    shown = ", ".join(
        f"line {i + 2} has {_show(v)}" for i, v in bad.head(_SHOWN_PER_PROBLEM).items()
    )
    more = len(bad) - _SHOWN_PER_PROBLEM
    return shown + (f" (and {more} more rows)" if more > 0 else "")


def _show(value: object) -> str:
    return repr(value) if isinstance(value, str) else f"{value:g}"
