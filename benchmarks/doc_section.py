"""Writing a benchmark's table into docs/benchmarks.md between its two marker comments, so that a
new measurement replaces the last one and the prose around it stays."""

from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def replace_section(start: str, end: str, table: str, doc: Path = DOC) -> None:
    """Put `table` between the lines `start` and `end` of `doc` (appended, with them, if absent)."""
    text = doc.read_text()
    section = f"{start}\n{table}\n{end}"
    if start in text:
        before, rest = text.split(start, 1)
        text = before + section + rest.split(end, 1)[1]
    else:
        text += "\n" + section + "\n"
    doc.write_text(text)
