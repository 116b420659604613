"""Which field of a customer file holds which reference column: the header checked against the
schema and the `--columns` mapping."""

import csv
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from analytics.errors import InputError
from analytics.validation.messages import names_text
from analytics.validation.schema import CANONICAL_COLUMNS, REQUIRED_COLUMNS


def parse_column_mapping(text: str) -> dict[str, str]:
    """`customer_id="User ID",salary=EstimatedSalary` → {"customer_id": "User ID", ...}."""
    return parse_name_mapping(text, CANONICAL_COLUMNS)


def parse_name_mapping(text: str, known: Collection[str]) -> dict[str, str]:
    """A `name=column,...` option (columns may be quoted) → {name: column}; a ValueError for an
    item without a column or a name outside `known`."""
    mapping = {}
    for item in next(csv.reader([text], skipinitialspace=True), []):
        name, separator, source = item.partition("=")
        name, source = name.strip(), source.strip().strip('"')
        if not separator or not source:
            raise ValueError(f"expected name=column, got {item!r}")
        if name not in known:
            raise ValueError(f"unknown name {name!r}; use one of {', '.join(known)}")
        mapping[name] = source
    return mapping


@dataclass(frozen=True)
class Layout:
    width: int  # fields in the header
    positions: dict[str, int]  # reference column → its field in each record
    names: list[str]  # a distinct name for every field, for the raw cells of set-aside rows
    ignored: list[str]  # named columns the analysis does not use


def column_layout(line: int, header: list[str], columns: Mapping[str, str], source: str) -> Layout:
    names = [name.strip() for name in header]
    absent = [f"{name}={column!r}" for name, column in columns.items() if column not in names]
    if absent:
        raise InputError(
            f"{source}: the column mapping names columns the file does not have "
            f"({', '.join(absent)}); the columns found were {names_text(names)}."
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
            f"{', '.join(repr(c) for c in missing)}; the columns found were {names_text(names)} "
            f"(map other names with --columns, e.g. --columns salary=EstimatedSalary)."
        )
    seen: set[str] = set()
    distinct = []
    for index, name in enumerate(names):
        distinct.append(name if name and name not in seen else f"(column {index + 1})")
        seen.add(name)
    return Layout(
        width=len(names),
        positions={r: index for index, r in enumerate(role) if r},
        names=distinct,
        ignored=[name for name, r in zip(names, role, strict=True) if name and not r],
    )


def column_notes(layout: Layout) -> list[str]:
    if not layout.ignored:
        return []
    return [f"Columns not used by the analysis were ignored: {names_text(layout.ignored)}."]
