"""Which field of a customer file holds which reference column: the header checked against the
schema and the `--columns` mapping, and the columns `--features` names beyond the reference ones."""

import csv
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from analytics.errors import InputError
from analytics.validation.messages import names_text
from analytics.validation.schema import CANONICAL_COLUMNS, REQUIRED_COLUMNS, RUN_COLUMN_NAMES


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
    # Columns named by --features beyond the reference ones: feature name → the file's column,
    # which is also the column's name in the typed frame and in `positions`.
    extras: dict[str, str] = field(default_factory=dict)


def column_layout(
    line: int,
    header: list[str],
    columns: Mapping[str, str],
    source: str,
    extra_features: Sequence[str] = (),
) -> Layout:
    """The layout of a header; `extra_features` are feature names (as --features has them)
    that are no reference column, each to be found among the file's other columns."""
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
            "(map other names with --columns, e.g. --columns "
            'customer_id="User ID",purchased=Bought).'
        )
    extras = _find_features(extra_features, names, role, source)
    role = [
        r or (name if name in extras.values() else None)
        for name, r in zip(names, role, strict=True)
    ]
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
        extras=extras,
    )


def feature_key(name: str) -> str:
    """How a feature name is compared with column names: case, spaces, hyphens and underscores
    do not matter (tenure_months finds 'Tenure Months')."""
    return "".join(name.casefold().replace("-", " ").replace("_", " ").split())


def _find_features(
    features: Sequence[str], names: list[str], role: list[str | None], source: str
) -> dict[str, str]:
    """{feature name: the file's column} for features beyond the reference columns: a column of
    exactly that name, else the one whose name matches but for case, spaces and underscores."""
    candidates = [n for n, r in zip(names, role, strict=True) if n and not r]
    # A frame column of the run's own, a reference name (a column --columns replaced) or a
    # repeated name could not be told apart from the column it would stand beside.
    reserved = RUN_COLUMN_NAMES | set(CANONICAL_COLUMNS.values())
    usable = [n for n in candidates if n not in reserved and names.count(n) == 1]
    found: dict[str, str] = {}
    for feature in features:
        matches = [n for n in usable if n == feature] or [
            n for n in usable if feature_key(n) == feature_key(feature)
        ]
        if len(matches) != 1:
            problem = "matches more than one column" if matches else "is not a column of the file"
            others = names_text(usable) if usable else "none"
            raise InputError(
                f"{source}: --features names {feature!r}, which {problem}; the columns that "
                f"could be features are {others} (besides age, salary, price and gender)."
            )
        if matches[0] in found.values():
            raise InputError(f"{source}: --features names the column {matches[0]!r} twice.")
        found[feature] = matches[0]
    return found


def column_notes(layout: Layout) -> list[str]:
    if not layout.ignored:
        return []
    return [f"Columns not used by the analysis were ignored: {names_text(layout.ignored)}."]
