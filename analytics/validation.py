"""Read a customer CSV and check it, turning every problem into one readable paragraph."""

from pathlib import Path

import pandas as pd
from pandas.api.types import is_numeric_dtype

REQUIRED_COLUMNS = ["Customer ID", "Gender", "Age", "Salary", "Price", "Purchased"]
OPTIONAL_COLUMNS = ["Product ID"]
# Plausible bounds, inclusive; a value outside them is almost always a unit or typing mistake.
NUMERIC_BOUNDS = {"Age": (0, 120), "Salary": (0, 1e9), "Price": (0, 1e9)}
_SHOWN_PER_PROBLEM = 3


class InputError(Exception):
    """The input cannot be analysed; the message says why, for the person who supplied it."""


def read_customers(path: str | Path) -> pd.DataFrame:
    """Read and validate a customer CSV, returning typed columns in the reference schema."""
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
    return validate_customers(raw.dropna(how="all"), source=path.name)


def validate_customers(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    """Check a frame read from `source`; raise InputError naming every problem found."""
    raw = raw.rename(columns=lambda name: str(name).strip())
    missing = [column for column in REQUIRED_COLUMNS if column not in raw.columns]
    if missing:
        raise InputError(
            f"{source}: missing required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(c) for c in missing)}; the columns found were "
            f"{', '.join(repr(c) for c in raw.columns)}."
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

    for column in ("Age", "Salary", "Price", "Purchased"):
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
    else:
        typed["Product ID"] = None
    ordered = ["Customer ID", "Gender", "Age", "Salary", "Product ID", "Price", "Purchased"]
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
