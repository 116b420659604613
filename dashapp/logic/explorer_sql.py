"""The segment explorer's filters as SQL over a run's customers, so that the database does the
customer-level work (DuckDB over the run's Parquet copy: dashapp.data.customer_store). The rules
are explorer.masks's, row for row: a range spanning its slider, every gender or every segment
does not filter, a missing value never matches a range, and the top N by probability are taken
among the customers the controls match (a tie to the earlier customer) before the scatter
selection. The customers' columns go by the dashboard's names ("Age", "segment"); `row_number`
is a customer's place in the file and `sample_rank` their place in the scatter's random order.

Values the client sent are written as SQL literals: numbers through float (finite only), text
quoted; column names come from the run's Choices, never from the client.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from math import isfinite

import numpy as np
import pandas as pd

from dashapp.logic.explorer import PROFILE_COLUMNS, Choices, Filters, active_ranges


@dataclass(frozen=True)
class Conditions:
    """SQL conditions (boolean expressions) for each part of the filters."""

    others: str
    segments: str
    selection: str
    top_n: int | None = None
    probability_column: str = "purchase_probability"


def name(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def number(value: object) -> str:
    """A finite number as an exact DOUBLE literal; ValueError for anything else."""
    parsed = float(value)
    if not isfinite(parsed):
        raise ValueError(f"not a finite number: {value!r}")
    return f"'{parsed!r}'::DOUBLE"


def text(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _among(column: str, values, literal=text) -> str:
    values = list(values)
    return f"{name(column)} IN ({', '.join(map(literal, values))})" if values else "FALSE"


def conditions(filters: Filters, choices: Choices) -> Conditions:
    others = []
    if set(filters.genders) != set(choices.genders):
        others.append(_among("Gender", filters.genders))
    for column, (low, high) in active_ranges(filters, choices).items():
        others.append(f"{name(column)} BETWEEN {number(low)} AND {number(high)}")
    if choices.has_purchase_status and filters.purchased != "all":
        others.append(f"{name('Purchased')} = {int(filters.purchased == 'buyers')}")
    if choices.has_probability and filters.min_probability > 0:
        others.append(f"{name(choices.probability_column)} >= {number(filters.min_probability)}")
    for column, values in choices.picks.items():
        chosen = filters.picks.get(column)
        if chosen is not None and set(chosen) != set(values):
            literal = number if all(isinstance(v, int | float) for v in values) else text
            others.append(_among(column, [v for v in values if v in chosen], literal))
    segments = "TRUE"
    if set(filters.segments) != set(choices.segments):
        segments = _among("segment", [int(s) for s in filters.segments], str)
    top_n = int(filters.top_n) if choices.has_probability and filters.top_n else None
    return Conditions(
        " AND ".join(others) or "TRUE",
        segments,
        selection_condition(filters.selection, choices),
        top_n,
        choices.probability_column,
    )


def selection_condition(selection: Mapping | None, choices: Choices) -> str:
    """The scatter selection (explorer.inside_selection) as SQL; missing values never match."""
    if not selection:
        return "TRUE"
    if selection["x"] not in choices.axes or selection["y"] not in choices.axes:
        return "FALSE"
    x, y = name(selection["x"]), name(selection["y"])
    xs, ys = [float(v) for v in selection["xs"]], [float(v) for v in selection["ys"]]
    bounds = (
        f"{x} BETWEEN {number(min(xs))} AND {number(max(xs))} "
        f"AND {y} BETWEEN {number(min(ys))} AND {number(max(ys))}"
    )
    if selection["kind"] == "box":
        return f"({bounds})"
    # The even-odd rule of explorer_selection, one term per edge, in the same arithmetic.
    crossings = []
    for current in range(len(xs)):
        previous = current - 1 if current else len(xs) - 1
        x1, y1, x2, y2 = xs[current], ys[current], xs[previous], ys[previous]
        if y1 == y2:  # a level edge never straddles a point's height
            continue
        crossing_x = (
            f"({number(x2 - x1)} * ({y} - {number(y1)}) / {number(y2 - y1)} + {number(x1)})"
        )
        straddles = f"(({number(y1)} > {y}) <> ({number(y2)} > {y}))"
        crossings.append(f"CASE WHEN {straddles} AND {x} < {crossing_x} THEN 1 ELSE 0 END")
    if not crossings:
        return "FALSE"
    return f"({bounds} AND ({' + '.join(crossings)}) % 2 = 1)"


def top_cut(where: Conditions, source: str, *, segments: bool = True) -> str | None:
    """With a top N: a query of the N-th customer's probability and row_number ("p", "r") among
    those matching the filter controls (or all but the segment choice), no row when fewer match;
    None without a top N. Its answer is given to `matching` as `cut`."""
    if where.top_n is None:
        return None
    parts = [where.others, where.segments] if segments else [where.others]
    p = name(where.probability_column)
    # The same text for the same customers (every segment chosen), so that answers can be shared.
    condition = " AND ".join(part for part in parts if part != "TRUE") or "TRUE"
    return (
        f"SELECT {p} AS p, row_number AS r FROM {source} WHERE {condition} "
        f"ORDER BY {p} DESC NULLS LAST, row_number LIMIT 1 OFFSET {where.top_n - 1}"
    )


def matching(
    where: Conditions,
    source: str,
    *,
    segments: bool = True,
    selection: bool = True,
    columns: str = "*",
    cut: tuple | None = None,
) -> str:
    """A query of the customers of `source` matching the conditions, in file order: all of them,
    or leaving out the segment choice (what the segment views compare) or the scatter selection
    (what the scatter plots). With a top N, `cut` is the `top_cut` answer for the same choice
    of `segments` (None when fewer than N match): the customers at or before it are the top N,
    so the matching ones are read as a filter, in file order, without holding them."""
    parts = [where.others, where.segments] if segments else [where.others]
    parts.append(_in_top(where, cut))
    if selection:
        parts.append(where.selection)
    return f"SELECT {columns} FROM {source} WHERE {' AND '.join(parts)}"


def _in_top(where: Conditions, cut: tuple | None) -> str:
    """Whether a customer is at or before the `top_cut` answer `cut` (TRUE without one)."""
    if where.top_n is None or cut is None:
        return "TRUE"
    p, (cut_p, cut_r) = name(where.probability_column), cut
    if cut_p is None or cut_p != cut_p:  # the N-th has no probability: those after it go
        return f"({p} IS NOT NULL OR row_number <= {int(cut_r)})"
    return f"({p} > {number(cut_p)} OR ({p} = {number(cut_p)} AND row_number <= {int(cut_r)}))"


def summary_sums(
    where: Conditions, source: str, cut_any: tuple | None, cut_chosen: tuple | None
) -> str:
    """One pass for the explorer's summary: `profile_sums` of the matching customers, with
    `size`, the customers matching all but the segment choice, per segment (`cut_any` and
    `cut_chosen`: the `top_cut` answers without and with the segment choice)."""
    in_any = _in_top(where, cut_any)
    chosen = f"{where.segments} AND {_in_top(where, cut_chosen)}"
    rows = (
        f"SELECT * FROM {source} WHERE {where.others} AND {where.selection} "
        f"AND (({in_any}) OR ({chosen}))"
    )
    return profile_sums(rows, chosen=chosen, counted=in_any)


def segment_counts(sizes: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """explorer.segment_counts from rows of segment and size (of `summary_sums`): every segment,
    name, size and share."""
    counted = dict(zip(sizes["segment"], sizes["size"], strict=True))
    size = np.array([int(counted.get(s, 0)) for s in segments["segment"]], dtype=np.int64)
    total = size.sum()
    return pd.DataFrame(
        {
            "segment": segments["segment"].to_numpy(),
            "name": segments["name"].to_numpy(),
            "size": size,
            "share": size / total if total else np.zeros(len(size)),
        }
    )


def profile_sums(query: str, chosen: str = "TRUE", counted: str = "TRUE") -> str:
    """Per segment of a `matching` query, in one pass: what explorer.segment_profiles needs (the
    most common gender: on a tie the first in alphabetical order, as pandas picks it), of the
    rows that are `chosen`, and the `size` of those `counted`."""
    c = "" if chosen == "TRUE" else f"FILTER (WHERE {chosen})"
    size = "count(*)" if counted == "TRUE" else f"count(*) FILTER (WHERE {counted})"
    return f"""
        WITH by_gender AS (
            SELECT segment, "Gender", {size} AS size,
                count(*) {c} AS n,
                sum("Age") {c} AS age_sum, count("Age") {c} AS age_n,
                sum("Salary") {c} AS salary_sum, count("Salary") {c} AS salary_n,
                sum("Price") {c} AS price_sum, count("Price") {c} AS price_n,
                sum("Purchased") {c} AS bought, sum("Price" * "Purchased") {c} AS revenue
            FROM ({query}) GROUP BY segment, "Gender"
        )
        SELECT segment, sum(size) AS size, sum(n) AS customers,
            sum(age_sum) / nullif(sum(age_n), 0) AS age_mean,
            sum(salary_sum) / nullif(sum(salary_n), 0) AS salary_mean,
            sum(price_sum) / nullif(sum(price_n), 0) AS price_mean,
            sum(bought) / nullif(sum(n), 0) AS purchase_rate, sum(revenue) AS revenue,
            sum(price_n) AS priced,
            first(CASE WHEN n > 0 THEN "Gender" END
                  ORDER BY n = 0, "Gender" IS NULL, n DESC, "Gender") AS top_gender,
            max(n) FILTER (WHERE "Gender" IS NOT NULL AND n > 0) AS top_gender_count
        FROM by_gender GROUP BY segment ORDER BY segment
    """


def profiles(sums: pd.DataFrame) -> pd.DataFrame:
    """explorer.segment_profiles from the `profile_sums` rows."""
    sums = sums[sums["customers"] > 0]
    if sums.empty:
        return pd.DataFrame(columns=PROFILE_COLUMNS)
    frame = sums.astype({"customers": "int64"}).reset_index(drop=True)
    for column in (
        "age_mean",
        "salary_mean",
        "price_mean",
        "purchase_rate",
        "revenue",
        "top_gender_count",
    ):
        frame[column] = frame[column].astype(float)
    # Revenue counts when any matching customer has a price, a segment without any then 0.
    frame["revenue"] = frame["revenue"].fillna(0.0) if frame["priced"].sum() else np.nan
    frame["revenue_per_customer"] = frame["revenue"] / frame["customers"]
    frame["share"] = frame["customers"] / frame["customers"].sum()
    frame["top_gender_share"] = frame["top_gender_count"] / frame["customers"]
    # A segment whose customers have no gender has no most common one: NaN, as in pandas.
    frame["top_gender"] = frame["top_gender"].astype(object).where(frame["top_gender"].notna())
    return frame[PROFILE_COLUMNS].reset_index(drop=True)
