"""Per-column checks of rows of text: typing, blanks, bounds, Purchased words, feature columns
beyond the reference ones (numbers or categories), and the checks across the whole file
(repeated Customer IDs, Gender values differing only in case). Pure."""

import math
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.validation.messages import show_value
from analytics.validation.schema import (
    CANONICAL_COLUMNS,
    FEATURE_TYPING_ROWS,
    MISSING_SPELLINGS,
    NUMERIC_BOUNDS,
    NUMERIC_FEATURE_SHARE,
    PURCHASED_WORDS,
)


@dataclass(frozen=True)
class Problem:
    """One kind of row problem; `reason` is also what a set-aside row is stored with."""

    reason: str
    shows_values: bool = False  # "… but line 3 has 'abc'" rather than "… on line 3"
    may_set_aside: bool = True  # False: one such row rejects the whole file


@dataclass(frozen=True)
class CheckedRows:
    typed: pd.DataFrame  # every row, typed (NaN where a value is missing or invalid)
    problems: dict[Problem, pd.Series]  # per problem, what to show for each offending line
    purchased_words: int  # rows whose Purchased was a word such as yes or false


DUPLICATE_ID = Problem("column 'Customer ID' repeats later in the file with different data")


def check_rows(
    raw: pd.DataFrame,
    width: int,
    decimal_comma: bool = False,
    numeric_features: Collection[str] = (),
) -> CheckedRows:
    """Type and check rows of text (indexed by line, with a `fields` count); pure.

    A number column may come typed already (float: its reader parsed every cell as a number).
    Columns beyond the reference ones are features (--features): those in `numeric_features`
    are checked as numbers (any finite number), the others kept as categories.
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
    for column in [c for c in ("Customer ID", "Gender") if c in raw.columns]:
        text = stripped(raw[column]) if column == "Customer ID" else _strip_repeated(raw[column])
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

    for column in feature_columns(raw):
        if column in numeric_features:
            values = _numbers(raw[column], decimal_comma)
            empty = _blank(raw[column], values.isna())
            flag(Problem(f"column '{column}' is empty"), empty)
            flag(
                Problem(f"column '{column}' must be a number", True, may_set_aside=False),
                ~empty & ~np.isfinite(values),
                raw[column],
            )
            typed[column] = values
        else:
            text = _strip_repeated(raw[column])
            blank = _missing(text)
            flag(Problem(f"column '{column}' is blank"), blank)
            typed[column] = text.where(~blank).astype(object)
    return CheckedRows(typed, problems, int((words.notna() & ~ragged[failed]).sum()))


def feature_columns(raw: pd.DataFrame) -> list[str]:
    """The columns of a raw frame that --features named beyond the reference ones."""
    reference = set(CANONICAL_COLUMNS.values())
    return [c for c in raw.columns if c not in reference and c != "fields"]


def numeric_features(raw: pd.DataFrame, decimal_comma: bool = False) -> list[str]:
    """The feature columns (see feature_columns) to read as numbers: those with at least
    NUMERIC_FEATURE_SHARE of their non-blank cells numbers in the first FEATURE_TYPING_ROWS
    rows, so that a file's columns are typed alike however it is read (whole or in batches).
    A column of nothing but blanks there counts as numbers: its blanks are reported either way."""
    first = raw.iloc[:FEATURE_TYPING_ROWS]
    numeric = []
    for column in feature_columns(first):
        values = _numbers(first[column], decimal_comma)
        given = ~_blank(first[column], values.isna())
        if values[given].notna().sum() >= NUMERIC_FEATURE_SHARE * given.sum():
            numeric.append(column)
    return numeric


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
    return (stripped == "") | stripped.isin(MISSING_SPELLINGS)


def stripped(text: pd.Series) -> pd.Series:
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
    if "Gender" not in customers.columns:
        return customers, {}
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
