"""The lines and values an error message names, shortened the same way everywhere."""

from collections.abc import Sequence

import pandas as pd

SHOWN_PER_PROBLEM = 3
_SHOWN_NAMES = 8
_SHOWN_CHARACTERS = 40


def lines_text(lines: Sequence[int], total: int | None = None) -> str:
    """Lines for a message (`line 3`, `lines 3, 5, 9 and 4 more`), from the first lines and the
    total count."""
    total = len(lines) if total is None else total
    shown = ", ".join(str(line) for line in lines[:SHOWN_PER_PROBLEM])
    more = total - min(len(lines), SHOWN_PER_PROBLEM)
    return f"line{'s' if total > 1 else ''} {shown}" + (f" and {more} more" if more > 0 else "")


def values_text(examples: Sequence[tuple[int, str]], total: int | None = None) -> str:
    """Offending values for a message (`line 3 has 'abc', line 7 has 250 (and 4 more rows)`),
    from (line, shown value) pairs and the total count."""
    total = len(examples) if total is None else total
    text = ", ".join(f"line {line} has {value}" for line, value in examples[:SHOWN_PER_PROBLEM])
    more = total - min(len(examples), SHOWN_PER_PROBLEM)
    return text + (f" (and {more} more row{'s' if more > 1 else ''})" if more > 0 else "")


def show_value(value: object) -> str:
    """A cell for a message: text quoted (and cut short), numbers as they read."""
    if isinstance(value, str):
        return repr(value if len(value) <= _SHOWN_CHARACTERS else value[:_SHOWN_CHARACTERS] + "…")
    return f"{value:g}"


def names_text(names: list[str]) -> str:
    shown = ", ".join(repr(name) for name in names[:_SHOWN_NAMES])
    more = len(names) - _SHOWN_NAMES
    return shown + (f" and {more} more" if more > 0 else "")


def frame_lines_text(index: pd.Index) -> str:
    """`lines_text` for rows of a frame read with a header: the file's line is index + 2."""
    return lines_text(list(index + 2))


def frame_values_text(column: pd.Series, mask: pd.Series) -> str:
    """`values_text` for the cells of a frame column (read with a header) where mask holds."""
    bad = column[mask]
    return values_text([(i + 2, show_value(v)) for i, v in bad.head(3).items()], len(bad))
