"""Reading an order log on Spark for `run --orders FILE --engine spark`: every line typed and
checked with analytics.validation.order_file's own functions on each partition (customer ids,
dates, numbers, cancellations), problems worded as the pandas engine words them, from counts and
first lines numbered as in analytics.spark.reading; and the customers' attributes.

Differences from the pandas engine: a line number is the header's line plus the record's
position (as for customer files on Spark, docs/scale-out.md); lines without an order id are
orders of their own (pandas leaves such lines of a log that has order ids out of its orders).
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from analytics.config import InputLimits
from analytics.errors import InputError
from analytics.spark.inputs import CORRUPT_RECORD, csv_header, csv_records, numbered
from analytics.validation.messages import lines_text, show_value, values_text
from analytics.validation.order_file import (
    MAX_ATTRIBUTES,
    MIN_CUSTOMERS,
    cancelled_lines,
    customer_ids,
    joined_attributes,
    order_dates,
    parse_numbers,
    typed_attributes,
)
from analytics.validation.order_layouts import KnownLayout, resolve_columns
from analytics.validation.order_log import MAX_CUSTOMER_ID_LENGTH

EPOCH = pd.Timestamp("1970-01-01")
# The typed line: what every later step reads, and per problem whether the line has it (after
# the line's cells, f0, f1, …, kept for messages and attributes).
_TYPED_FIELDS = T.StructType(
    [
        T.StructField("customer_id", T.StringType()),
        T.StructField("order_id", T.StringType()),
        T.StructField("day", T.IntegerType()),  # days since 1970-01-01
        T.StructField("amount", T.DoubleType()),
        T.StructField("quantity", T.DoubleType()),
        T.StructField("cancelled", T.BooleanType()),
        T.StructField("product_id", T.StringType()),
        T.StructField("date_blank", T.BooleanType()),
        T.StructField("date_bad", T.BooleanType()),
        T.StructField("quantity_bad", T.BooleanType()),
        T.StructField("amount_bad", T.BooleanType()),
        T.StructField("amount_blank", T.BooleanType()),
    ]
)


@dataclass(frozen=True)
class LogColumns:
    """The file's column for each field (by name, for messages) and its Spark column."""

    names: dict[str, str]  # field → header name
    positions: dict[str, str]  # field → f{i}, the record's field
    layout: KnownLayout | None

    def amount_name(self) -> str:
        return self.names.get("amount", self.names.get("unit_price"))

    def amount_position(self) -> str:
        return self.positions.get("amount", self.positions.get("unit_price"))


def read_lines(spark: SparkSession, path: Path, mapping: Mapping[str, str] | None):
    """The log's kept lines (a customer id present), typed and checked, persisted (the caller
    unpersists them), with the columns, notes and header; an InputError with every problem,
    worded as the pandas engine words it."""
    limits = InputLimits(max_bytes=2**62, max_rows=2**62)  # Spark spills; no memory limit
    source, header_line, header = csv_header(path, limits)
    resolved = resolve_columns(header, mapping, path.name)
    index = {str(name).strip(): i for i, name in enumerate(header)}
    columns = LogColumns(
        names=resolved.fields,
        positions={field: f"f{index[name]}" for field, name in resolved.fields.items()},
        layout=resolved.layout,
    )
    notes = (
        []
        if resolved.layout is None or mapping
        else [f"Columns recognised as: {resolved.layout.name}."]
    )
    raw = numbered(
        csv_records(spark, source, len(header)).withColumn("file", F.lit(0)), [header_line]
    )
    cells = [F.col(f"f{i}") for i in range(len(header))]
    raw = raw.where(F.coalesce(*[F.when(F.trim(c) != "", F.lit(True)) for c in cells]))
    raw = _order_fields_on_every_line(raw, columns).drop(CORRUPT_RECORD, "file").persist()
    if raw.isEmpty():
        raw.unpersist()
        raise InputError(f"{path.name}: the file has a header but no data rows.")
    schema = T.StructType([*raw.schema.fields, *_TYPED_FIELDS.fields])
    checked = raw.mapInPandas(_typer(columns), schema).persist()
    try:
        problems, anonymous = _problems(checked, columns)
    except Exception:
        checked.unpersist()
        raise
    finally:
        raw.unpersist()
    if problems:
        checked.unpersist()
        raise InputError(f"{path.name}: " + "; ".join(problems) + ".")
    if anonymous:
        notes.append(f"{anonymous:,} rows without a customer id were left out.")
    # As the pandas engine: an order's total may sit on its first line only.
    lines = (
        checked.where(F.col("customer_id").isNotNull())
        .withColumns(
            {
                name: F.coalesce(F.nanvl(name, F.lit(None).cast("double")), F.lit(0.0))
                for name in ("amount", "quantity")
            }
        )
        .persist()
    )
    count = lines.select("customer_id").distinct().count()
    checked.unpersist()
    if count < MIN_CUSTOMERS:
        lines.unpersist()
        raise InputError(
            f"{path.name}: column '{columns.names['customer_id']}' has {count} distinct customer"
            f"{'s' if count != 1 else ''}; at least {MIN_CUSTOMERS} are needed."
        )
    return lines, columns, notes, header


def _order_fields_on_every_line(raw: DataFrame, columns: LogColumns) -> DataFrame:
    """Line-item exports (Shopify) fill the customer, date and status only on an order's first
    line: the other lines of the same order take them from it."""
    if "order_id" not in columns.positions:
        return raw
    order_id = columns.positions["order_id"]
    order = Window.partitionBy(order_id)
    for field in ("customer_id", "order_date", "status"):
        if field in columns.positions:
            cell = F.col(columns.positions[field])
            present = F.when(F.trim(cell) != "", cell)
            same_order = F.when(
                F.col(order_id).isNotNull(), F.first(present, ignorenulls=True).over(order)
            )
            raw = raw.withColumn(columns.positions[field], F.coalesce(present, same_order, cell))
    return raw


def _typer(columns: LogColumns):
    """Each partition's lines typed by analytics.validation.order_file's functions."""
    at, layout = columns.positions, columns.layout

    def type_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for raw in batches:
            customer = customer_ids(raw[at["customer_id"]])
            date_text = raw[at["order_date"]].astype("string").str.strip()
            dates = order_dates(date_text, layout)
            date_blank = (date_text.isna() | (date_text == "")).astype(bool)
            quantity, quantity_bad = (
                parse_numbers(raw[at["quantity"]]) if "quantity" in at else (None, None)
            )
            if "amount" in at:
                amount, amount_bad = parse_numbers(raw[at["amount"]])
            else:
                unit_price, amount_bad = parse_numbers(raw[at["unit_price"]])
                amount = quantity * unit_price
            amount_text = raw[columns.amount_position()].astype("string").str.strip()
            typed = pd.DataFrame(
                {
                    "customer_id": customer.where(customer != "").astype(object),
                    "order_id": raw[at["order_id"]] if "order_id" in at else None,
                    "day": ((dates.dt.normalize() - EPOCH).dt.days).astype("Int32"),
                    "amount": amount,
                    "quantity": np.nan if quantity is None else quantity,
                    "cancelled": cancelled_lines(raw, at, layout, quantity).astype(bool),
                    "product_id": raw[at["product_id"]] if "product_id" in at else None,
                    "date_blank": date_blank,
                    "date_bad": (dates.isna() & ~date_blank).astype(bool),
                    "quantity_bad": False if quantity_bad is None else quantity_bad.astype(bool),
                    "amount_bad": amount_bad.astype(bool),
                    "amount_blank": (amount_text.isna() | (amount_text == "")).astype(bool),
                }
            )
            yield pd.concat([raw, typed], axis=1)

    return type_batches


def _problems(checked: DataFrame, columns: LogColumns) -> tuple[list[str], int]:
    """The pandas engine's messages, in its order, from counts and the first lines; and how
    many lines have no customer id (left out)."""
    names, at = columns.names, columns.positions
    anonymous = F.col("customer_id").isNull()
    has_total = F.lit(False)
    if "order_id" in at:
        present = F.col("amount").isNotNull() & ~F.isnan("amount")
        has_total = F.max(present).over(Window.partitionBy(at["order_id"]))
    cancelled = F.col("cancelled")
    flags = {
        "anonymous": anonymous,
        "too_long": F.length("customer_id") > MAX_CUSTOMER_ID_LENGTH,
        "date_blank": F.col("date_blank") & ~anonymous,
        "date_bad": F.col("date_bad"),
        "quantity_bad": F.col("quantity_bad"),
        "amount_bad": F.col("amount_bad"),
        "negative": (F.col("amount") < 0) & ~cancelled,
        "amount_blank": F.col("amount_blank") & ~anonymous & ~has_total,
    }
    flagged = checked.select(
        "line", *[F.col(c) for c in at.values()], *[f.alias(n) for n, f in flags.items()]
    ).persist()
    try:
        counts = flagged.agg(
            F.count(F.lit(1)).alias("rows"),
            *[F.sum(F.col(n).cast("long")).alias(n) for n in flags],
        ).first()
        total = int(counts["rows"])

        def first(name: str, column: str | None = None) -> list:
            rows = flagged.where(F.col(name)).orderBy("line").limit(3)
            return rows.select("line", *([column] if column else [])).collect()

        def values(name: str, field: str) -> str:
            examples = [(r["line"], show_value(r[1])) for r in first(name, at[field])]
            return values_text(examples, int(counts[name]))

        def lines(name: str) -> str:
            return lines_text([r["line"] for r in first(name)], int(counts[name]))

        problems = []
        if counts["anonymous"] and counts["anonymous"] / total > 0.5:
            problems.append(
                f"column '{names['customer_id']}' is blank on {counts['anonymous']:,} of "
                f"{total:,} rows ({lines('anonymous')})"
            )
        if counts["too_long"]:
            problems.append(
                f"column '{names['customer_id']}' must be at most {MAX_CUSTOMER_ID_LENGTH} "
                f"characters but {values('too_long', 'customer_id')}"
            )
        if counts["date_blank"]:
            problems.append(f"column '{names['order_date']}' is empty on {lines('date_blank')}")
        if counts["date_bad"]:
            problems.append(
                f"column '{names['order_date']}' must be a date (ISO 8601, e.g. 2024-03-05) "
                f"but {values('date_bad', 'order_date')}"
            )
        for name, field in (("quantity_bad", "quantity"), ("amount_bad", _amount_field(at))):
            if counts[name]:
                problems.append(
                    f"column '{names[field]}' must be a number but {values(name, field)}"
                )
        amount_field = _amount_field(at)
        if counts["negative"]:
            problems.append(
                f"column '{columns.amount_name()}' is negative on orders that are not "
                f"cancelled or returned: {values('negative', amount_field)}"
            )
        if counts["amount_blank"]:
            problems.append(f"column '{columns.amount_name()}' is empty on {lines('amount_blank')}")
        anonymous_rows = 0 if problems else int(counts["anonymous"])
        return problems, anonymous_rows
    finally:
        flagged.unpersist()


def _amount_field(at: Mapping[str, str]) -> str:
    return "amount" if "amount" in at else "unit_price"


def customer_attributes(
    lines: DataFrame, columns: LogColumns, header: list[str], customers: Path | None
):
    """Customer attributes: --customers FILE joined on the id (on the driver: a row per
    customer), else the log's columns whose value never changes within a customer."""
    if customers is not None:
        ids = lines.select("customer_id").distinct().toPandas()["customer_id"]
        return joined_attributes(customers, ids)
    used = set(columns.positions.values())
    others = {f"f{i}": str(name).strip() for i, name in enumerate(header) if f"f{i}" not in used}
    by_customer = lines.groupBy("customer_id")
    if not others:
        return pd.DataFrame(index=pd.Index([], name="customer_id")), []
    varying = (
        by_customer.agg(*[F.countDistinct(position).alias(position) for position in others])
        .agg(*[F.max(position).alias(position) for position in others])
        .first()
    )
    constant = [p for p in others if (varying[p] or 0) <= 1][:MAX_ATTRIBUTES]
    if not constant:
        return pd.DataFrame(index=pd.Index([], name="customer_id")), []
    values = by_customer.agg(
        *[F.last(position, ignorenulls=True).alias(others[position]) for position in constant]
    ).toPandas()
    attributes = values.set_index("customer_id").sort_index()
    names = ", ".join(others[p] for p in constant)
    return typed_attributes(attributes), [
        f"Customer attributes taken from the log: {names} (one value per customer)."
    ]
