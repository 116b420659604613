"""Rows a run set aside instead of analysing: their reasons, and an export that is safe to open in
a spreadsheet."""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analytics.io.spreadsheet import neutralise


@dataclass(frozen=True)
class BadRow:
    line: int  # where the row starts in the input file
    reasons: tuple[str, ...]
    raw: dict[str, str]  # the row as read: {column name in the file: cell text}


def summary(rows: Sequence[BadRow]) -> dict:
    """{"count": rows, "reasons": {reason: rows with it}}, the commonest reason first."""
    counts = Counter(reason for row in rows for reason in row.reasons)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return {"count": len(rows), "reasons": dict(ordered)}


def export_table(rows: Iterable[BadRow]) -> tuple[list[str], list[list[str]]]:
    """Header and records for a CSV of set-aside rows: line, reasons, then the file's own columns
    in the order they first appear; every cell neutralised."""
    rows = list(rows)
    columns = list(dict.fromkeys(name for row in rows for name in row.raw))
    records = [
        [str(row.line), "; ".join(row.reasons), *(row.raw.get(name, "") for name in columns)]
        for row in rows
    ]
    header = ["line", "reasons", *columns]
    return [neutralise(name) for name in header], [
        [neutralise(cell) for cell in record] for record in records
    ]
