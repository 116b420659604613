"""Write named tables into a folder as CSV (formula-safe, for spreadsheets) or Parquet (typed,
for a data lake or a BI tool), one file per table: what `python -m analytics export` writes."""

from pathlib import Path

import pandas as pd

from analytics.errors import InputError
from analytics.io.spreadsheet import neutralise

FORMATS = ("csv", "parquet")


def write_tables(tables: dict[str, pd.DataFrame], folder: Path, file_format: str) -> list[Path]:
    """Write each table to `folder`/<name>.<format> (the folder is created if need be) and
    return the paths; an InputError if the folder cannot be written to or the format's
    library is missing."""
    if file_format not in FORMATS:
        raise InputError(f"unknown format {file_format!r}; use one of {', '.join(FORMATS)}.")
    if file_format == "parquet":
        _require_pyarrow()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, table in tables.items():
            path = folder / f"{name}.{file_format}"
            if file_format == "csv":
                formula_safe(table).to_csv(path, index=False, lineterminator="\n")
            else:
                table.to_parquet(path, index=False, engine="pyarrow")
            paths.append(path)
    except OSError as error:
        raise InputError(
            f"{folder}: cannot write there ({error.strerror or error}); choose another --out."
        ) from None
    return paths


def formula_safe(table: pd.DataFrame) -> pd.DataFrame:
    """The table with every text cell a spreadsheet would run as a formula neutralised."""
    text_columns = [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])]
    return table.assign(**{c: table[c].map(neutralise) for c in text_columns})


def _require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401  (pandas writes Parquet through it)
    except ImportError:
        raise InputError(
            "writing Parquet needs pyarrow: pip install pyarrow, or use --format csv."
        ) from None
