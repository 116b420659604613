"""Read and validate customer files on Spark with the pandas engine's rules and messages.

Each CSV file is inspected (encoding, delimiter, header, limits) by analytics.io.csvfile exactly as
the pandas engine does; its records are then parsed by Spark, and every partition is typed and
checked by analytics.validation.checks.check_rows. Counts, first examples, the set-aside
share, case variants of Gender and repeated Customer IDs are computed over all rows with Spark,
and the message is written by the pandas engine's own functions: the same file gets the same error.

Differences from the pandas engine, both documented in docs/scale-out.md:
- a line number is the header's line plus the record's position, which is the file's line
  unless blank lines or quoted line breaks come before it;
- a file larger than one Spark partition is split, so a quoted field must not span lines.
"""

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from analytics.config import QUARANTINE_MAX_SHARE, InputLimits
from analytics.errors import InputError
from analytics.spark.inputs import (
    CORRUPT_RECORD,
    PARQUET_SUFFIXES,
    SourceFile,
    csv_header,
    csv_records,
    describe_inputs,
    numbered,
    parquet_header,
    parquet_records,
    with_position,
)
from analytics.validation.checks import DUPLICATE_ID, check_rows, gender_merges
from analytics.validation.columns import Layout, column_layout, column_notes
from analytics.validation.customer_file import field_count, set_aside_rows
from analytics.validation.messages import SHOWN_PER_PROBLEM
from analytics.validation.quarantine import BadRow
from analytics.validation.report import Tally, format_notes, quarantine_notes, value_notes
from analytics.validation.schema import NUMERIC_BOUNDS


@dataclass(frozen=True)
class SparkCustomers:
    """Validated customers as a Spark frame (reference column names, plus `row_number` in input
    order), and the notes and set-aside rows the pandas engine would report."""

    customers: DataFrame
    rows: int
    columns: list[str]
    notes: list[str]
    bad_rows: list[BadRow]
    gender_counts: pd.Series  # after merging case variants, most common first


# Optional for the pandas engine since issue 19; the Spark engine still reads them all.
SPARK_COLUMNS = ("Gender", "Age", "Salary")


def read_customers(
    spark: SparkSession,
    files: list[Path],
    columns: Mapping[str, str] | None = None,
    limits: InputLimits | None = None,
) -> SparkCustomers:
    """Validate `files` (all CSV or all Parquet, one layout) into typed customers."""
    # Size and row limits protect one process's memory; Spark spills instead. The column limit
    # still guards against a file that is not customer data at all.
    limits = InputLimits(
        max_bytes=2**62, max_rows=2**62, max_columns=(limits or InputLimits()).max_columns
    )
    parquet = files[0].suffix.lower() in PARQUET_SUFFIXES
    sources, layout, frames, header_lines = [], None, [], []
    for index, path in enumerate(files):
        if parquet:
            source, header_line, header = parquet_header(spark, path)
        else:
            source, header_line, header = csv_header(path, limits)
        file_layout = column_layout(header_line, header, columns or {}, path.name)
        lacking = [c for c in SPARK_COLUMNS if c not in file_layout.positions]
        if lacking:
            raise InputError(
                f"{path.name}: the Spark engine needs the columns {', '.join(SPARK_COLUMNS)}, "
                f"and the file has no {', '.join(repr(c) for c in lacking)}; run it with the "
                "pandas engine (the default), which leaves out the columns a file lacks."
            )
        if layout is not None and file_layout.positions != layout.positions:
            raise InputError(
                f"{path.name}: its columns differ from those of {files[0].name}; "
                "give files of one layout per run."
            )
        layout = file_layout
        sources.append(source)
        header_lines.append(header_line)
        frames.append(
            (
                parquet_records(spark, path, header)
                if parquet
                else csv_records(spark, source, len(header))
            ).withColumn("file", F.lit(index))
        )
    raw = frames[0]
    for frame in frames[1:]:
        raw = raw.unionByName(frame)
    raw = numbered(raw, header_lines)

    delimiter = "," if parquet else sources[0].csv_format.delimiter
    checked = raw.mapInPandas(_checker(layout, delimiter), _checked_schema(layout)).persist()
    try:
        return _tally(checked, sources, layout, describe_inputs(files), limits)
    finally:
        checked.unpersist()


def _checked_schema(layout: Layout) -> T.StructType:
    typed = []
    for column in layout.positions:
        kind = T.DoubleType() if column in (*NUMERIC_BOUNDS, "Purchased") else T.StringType()
        typed.append(T.StructField(column, kind))
    return T.StructType(
        [
            T.StructField("file", T.IntegerType()),
            T.StructField("line", T.LongType()),
            *typed,
            T.StructField("reasons", T.ArrayType(T.StringType())),
            T.StructField("shown", T.ArrayType(T.StringType())),
            T.StructField("purchased_words", T.LongType()),
        ]
    )


def _checker(layout: Layout, delimiter: str):
    """The function each partition's record batches go through: the checks of
    analytics.validation.customer_file."""
    width, positions = layout.width, layout.positions
    decimal_comma = delimiter == ";"

    def check(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for raw in batches:
            cells = [raw[f"f{i}"].fillna("") for i in range(width)]
            blank = pd.concat([c.str.strip() == "" for c in cells], axis=1).all(axis=1)
            raw = raw[~blank | raw[CORRUPT_RECORD].notna()]
            if raw.empty:
                continue
            counts = [
                field_count(next(csv.reader([corrupt], delimiter=delimiter), []), width)
                if isinstance(corrupt, str)
                else width
                for corrupt in raw[CORRUPT_RECORD].to_numpy(dtype=object)
            ]
            text = pd.DataFrame(
                {c: raw[f"f{i}"].fillna("").to_numpy(dtype=object) for c, i in positions.items()}
                | {"fields": counts}
            ).set_axis(pd.Index(raw["line"].to_numpy(), name="line"))
            checked = check_rows(text, width, decimal_comma)
            reasons = [[] for _ in range(len(text))]
            shown = [[] for _ in range(len(text))]
            where = pd.Series(range(len(text)), index=text.index)
            for problem, values in checked.problems.items():
                for line, value in values.items():
                    reasons[where[line]].append(problem.reason)
                    shown[where[line]].append(value)
            out = checked.typed.reset_index(drop=True)
            out.insert(0, "line", raw["line"].to_numpy())
            out.insert(0, "file", raw["file"].to_numpy())
            for column in out.columns[2:]:
                if column in (*NUMERIC_BOUNDS, "Purchased"):
                    out[column] = out[column].astype(float)
                else:
                    out[column] = out[column].astype(object).where(out[column].notna(), None)
            out["reasons"] = reasons
            out["shown"] = shown
            out["purchased_words"] = [checked.purchased_words] + [0] * (len(out) - 1)
            yield out

    return check


def _tally(
    checked: DataFrame,
    sources: list[SourceFile],
    layout: Layout,
    name: str,
    limits: InputLimits,
) -> SparkCustomers:
    totals = checked.agg(
        F.count(F.lit(1)).alias("rows"), F.sum("purchased_words").alias("words")
    ).first()
    data_rows, purchased_words = int(totals["rows"]), int(totals["words"] or 0)
    if data_rows == 0:
        raise InputError(f"{name}: the file has a header but no data rows.")

    good = checked.filter(F.size("reasons") == 0).drop("reasons", "shown", "purchased_words")
    gender_counts = _value_counts(good, "Gender")
    merges = gender_merges(gender_counts)
    if merges:
        mapping = F.create_map(*[F.lit(x) for pair in merges.items() for x in pair])
        good = good.withColumn("Gender", F.coalesce(mapping[F.col("Gender")], F.col("Gender")))
        gender_counts = _value_counts(good, "Gender")
    exact, conflicting = _duplicates(good, layout)

    tally = Tally()
    tally.data_rows = data_rows
    for problem in _problem_order(layout):
        tally.counts[problem] = 0
        tally.examples[problem] = []
    by_reason = {problem.reason: problem for problem in tally.counts}
    problems = checked.select(
        "file", "line", F.explode(F.arrays_zip("reasons", "shown")).alias("problem")
    ).select("file", "line", "problem.reasons", "problem.shown")
    problems = problems.unionByName(
        conflicting.select(
            "file", "line", F.lit(DUPLICATE_ID.reason).alias("reasons"), F.lit("").alias("shown")
        )
    ).persist()
    try:
        first = Window.partitionBy("reasons").orderBy("file", "line")
        for row in problems.groupBy("reasons").count().collect():
            tally.counts[by_reason[row["reasons"]]] = int(row["count"])
        examples = (
            problems.withColumn("rank", F.row_number().over(first))
            .filter(F.col("rank") <= SHOWN_PER_PROBLEM)
            .orderBy("reasons", "file", "line")
            .collect()
        )
        for row in examples:
            tally.examples[by_reason[row["reasons"]]].append((int(row["line"]), row["shown"]))
        if tally.has_wrong_values:
            raise InputError(f"{name}: " + "; ".join(tally.describe()) + ".")
        bad_lines = problems.select("file", "line").distinct()
        bad_count = bad_lines.count()
        if bad_count > QUARANTINE_MAX_SHARE * data_rows:
            raise InputError(
                f"{name}: problems in {bad_count:,} of {data_rows:,} data rows, "
                f"more than the {QUARANTINE_MAX_SHARE:.0%} that may be set aside: "
                + "; ".join(tally.describe())
                + "."
            )
        reasons = _reasons_by_line(problems, list(by_reason))
    finally:
        problems.unpersist()

    dropped = exact.select("file", "line").unionByName(conflicting.select("file", "line"))
    customers = good.join(F.broadcast(dropped), ["file", "line"], "left_anti")
    customers = customers.withColumn("Purchased", F.col("Purchased").cast("int"))
    ordered = sorted(layout.positions, key=_REFERENCE_ORDER.index)
    customers = with_position(
        customers.select("file", "line", *ordered).orderBy("file", "line"), "row_number"
    )
    bad_rows = _set_aside(sources, layout, limits, reasons, checked)
    notes = [
        *(format_notes(sources[0].csv_format) if sources[0].csv_format else []),
        *column_notes(layout),
        *value_notes(purchased_words, merges, exact.count()),
        *quarantine_notes(bad_rows, data_rows),
    ]
    rows = customers.count()
    return SparkCustomers(customers, rows, ordered, notes, bad_rows, gender_counts)


_REFERENCE_ORDER = ["Customer ID", "Gender", "Age", "Salary", "Product ID", "Price", "Purchased"]


def _problem_order(layout: Layout) -> list:
    """Every kind of problem, in the order the pandas engine reports them."""
    empty = pd.DataFrame(
        {c: pd.Series([], dtype=object) for c in layout.positions} | {"fields": []}
    )
    return [*check_rows(empty, layout.width).problems, DUPLICATE_ID]


def _value_counts(frame: DataFrame, column: str) -> pd.Series:
    rows = frame.groupBy(column).count().collect()
    counts = pd.Series({row[column]: int(row["count"]) for row in rows}, dtype=int)
    return counts.sort_values(ascending=False, kind="stable")


def _duplicates(good: DataFrame, layout: Layout) -> tuple[DataFrame, DataFrame]:
    """Rows to drop for a Customer ID that a later row repeats: exactly, or with other data
    (the rule of analytics.validation.customer_file.find_duplicates)."""
    values = [c for c in layout.positions if c not in ("file", "line")]
    repeated = good.groupBy("Customer ID").count().filter(F.col("count") > 1).select("Customer ID")
    group = good.join(F.broadcast(repeated), "Customer ID").withColumn(
        "row_hash",
        F.xxhash64(*[F.coalesce(F.col(f"`{c}`").cast("string"), F.lit("\0")) for c in values]),
    )
    by_id = Window.partitionBy("Customer ID")
    last = F.max(F.struct("file", "line")).over(by_id)
    group = group.withColumn("last", last).withColumn(
        "kept_hash",
        F.max(F.when(F.struct("file", "line") == F.col("last"), F.col("row_hash"))).over(by_id),
    )
    earlier = group.filter(F.struct("file", "line") != F.col("last")).persist()
    exact = earlier.filter(F.col("row_hash") == F.col("kept_hash")).select("file", "line")
    conflicting = earlier.filter(F.col("row_hash") != F.col("kept_hash")).select("file", "line")
    return exact, conflicting


def _reasons_by_line(problems: DataFrame, order: list[str]) -> dict[tuple[int, int], tuple]:
    """Every bad row's reasons (in the pandas engine's order), keyed by (file, line)."""
    rank = {reason: index for index, reason in enumerate(order)}
    reasons: dict[tuple[int, int], list[str]] = {}
    for row in problems.select("file", "line", "reasons").toLocalIterator():
        reasons.setdefault((int(row["file"]), int(row["line"])), []).append(row["reasons"])
    return {
        key: tuple(sorted(set(found), key=rank.__getitem__))
        for key, found in sorted(reasons.items())
    }


def _set_aside(
    sources: list[SourceFile],
    layout: Layout,
    limits: InputLimits,
    reasons: dict[tuple[int, int], tuple],
    checked: DataFrame,
) -> list[BadRow]:
    """The set-aside rows with their raw cells: read again from a CSV file, or the Parquet
    values as text."""
    bad_rows = []
    for index, source in enumerate(sources):
        in_file = {line: found for (file, line), found in reasons.items() if file == index}
        if not in_file:
            continue
        if source.csv_format is not None:
            bad_rows.extend(set_aside_rows(source.path, source.csv_format, limits, layout, in_file))
            continue
        rows = checked.filter((F.col("file") == index) & F.col("line").isin(list(in_file)))
        for row in rows.orderBy("line").collect():
            raw = {c: "" if row[c] is None else str(row[c]) for c in layout.positions}
            bad_rows.append(BadRow(int(row["line"]), in_file[int(row["line"])], raw))
    return bad_rows
