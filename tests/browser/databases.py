"""Databases the browser tests publish for themselves."""

from pathlib import Path

from analytics.runs import customer_file
from tests.conftest import SAMPLE_CSV


def published_first_rows(folder: Path, rows: int) -> str:
    """A SQLite database with one published run of the sample's first `rows` customers."""
    head = folder / f"first-{rows}.csv"
    head.write_text("".join(SAMPLE_CSV.read_text().splitlines(keepends=True)[: rows + 1]))
    url = f"sqlite:///{folder / f'first-{rows}.db'}"
    customer_file.run(head, url)
    return url
