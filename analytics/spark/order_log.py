"""The order-log run on Spark (`run --orders FILE --engine spark`): Spark reads the log, types
and checks every line, merges lines into orders and orders into order days, and aggregates each
customer's behaviour as of the cutoff; the per-customer steps (RFM, segments, repeat model,
BG/NBD, backtest) then run on the driver with the pandas engine's own code
(analytics.runs.order_log_run.analyse_tables), and the run is published through the same path
into the same tables.

Reading and checking: analytics.spark.order_reading. What the driver receives is small: a
row per customer, and the order days (a row per customer and day) that the repeat model's
time splits and BG/NBD need; the time splits' features are computed on the driver from them.
"""

from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pandas as pd
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from analytics.config import Settings
from analytics.runs.order_log_run import (
    OrderRunOptions,
    OrderRunSummary,
    OrderTables,
    analyse_tables,
    named_errors,
    publish_analysis,
    window,
)
from analytics.spark.order_reading import EPOCH, LogColumns, customer_attributes, read_lines
from analytics.spark.session import spark_session
from analytics.steps.behaviour import BEHAVIOUR_COLUMNS

Progress = Callable[[str], None]


def run(
    input_path: str | Path,
    database_url: str,
    options: OrderRunOptions | None = None,
    progress: Progress = lambda _: None,
    master: str | None = None,
    settings: Settings | None = None,
) -> OrderRunSummary:
    """analytics.runs.order_log_run.run with the per-order work on Spark."""
    options = options or OrderRunOptions()
    input_path = Path(input_path)
    spark = spark_session(master, settings)
    progress(f"reading and validating {input_path.name} on Spark ({spark.sparkContext.master})")
    lines, columns, notes, header = read_lines(spark, input_path, options.columns)
    try:
        attributes, attribute_notes = customer_attributes(lines, columns, header, options.customers)
        progress("orders, order days and behaviour per customer on Spark")
        tables = order_tables(lines, columns, options)
        with named_errors(input_path):
            analysis = analyse_tables(
                tables, attributes, [*notes, *attribute_notes], options, progress
            )
    finally:
        lines.unpersist()
    return publish_analysis(
        input_path,
        database_url,
        options,
        analysis,
        progress,
        engine_params={"engine": "spark", "spark_master": spark.sparkContext.master},
        engine_versions={"pyspark": version("pyspark")},
    )


def order_tables(lines: DataFrame, columns: LogColumns, options: OrderRunOptions) -> OrderTables:
    """analytics.runs.order_log_run.order_tables on Spark: lines → orders → order days, and
    each customer's behaviour (steps.behaviour's definitions) as of the cutoff."""
    # Lines without an order id are orders of their own.
    order_key = F.coalesce(F.col("order_id"), F.concat(F.lit("line "), F.col("line")))
    aggregations = [
        F.min("day").alias("day"),
        F.sum("amount").alias("amount"),
        F.max(F.col("cancelled").cast("int")).alias("cancelled"),
    ]
    if "quantity" in columns.positions:
        aggregations.append(F.sum("quantity").alias("quantity"))
    orders = lines.groupBy("customer_id", order_key.alias("order_key")).agg(*aggregations)
    if "quantity" in columns.positions:
        orders = orders.withColumn(
            "cancelled", F.greatest("cancelled", (F.col("quantity") < 0).cast("int"))
        )
    orders = orders.withColumn("cancelled", F.col("cancelled") == 1).persist()
    try:
        span_days = orders.agg(F.min("day"), F.max("day")).first()
        span = window(*(EPOCH + pd.Timedelta(days=int(d)) for d in span_days), options)
        cutoff = (span.cutoff - EPOCH).days
        days = (
            orders.where(~F.col("cancelled"))
            .groupBy("customer_id", "day")
            .agg(F.sum("amount").alias("amount"))
        )
        fitted = orders.where(F.col("day") <= cutoff)
        counts = fitted.agg(
            F.count(F.lit(1)).alias("orders"), F.countDistinct("customer_id").alias("customers")
        ).first()
        behaviour = _behaviour(fitted, days, lines, columns, cutoff)
        day_table = days.toPandas()
    finally:
        orders.unpersist()
    day_table["day"] = _as_dates(day_table["day"])
    day_table = day_table.sort_values(["customer_id", "day"], ignore_index=True)
    return OrderTables(
        window=span,
        days=day_table.astype({"customer_id": "str"}),
        behaviour=behaviour,
        orders=int(counts["orders"]),
        ordering_customers=int(counts["customers"]),
    )


def _behaviour(
    fitted: DataFrame, days: DataFrame, lines: DataFrame, columns: LogColumns, cutoff: int
) -> pd.DataFrame:
    """Per customer with a kept order by the cutoff: steps.behaviour.behaviour_features."""
    kept: Column = ~F.col("cancelled")
    by_day = (
        days.where(F.col("day") <= cutoff)
        .groupBy("customer_id")
        .agg(
            F.min("day").alias("first"), F.max("day").alias("last"), F.count(F.lit(1)).alias("days")
        )
    )
    refund = F.when(F.col("cancelled") & (F.col("amount") < 0), F.col("amount")).otherwise(0.0)
    net = F.when(kept, F.col("amount")).otherwise(0.0) + refund
    per_order = fitted.groupBy("customer_id").agg(
        F.sum(kept.cast("long")).alias("frequency"),
        F.sum(net).alias("monetary"),
        F.avg(F.col("cancelled").cast("double")).alias("return_rate"),
    )
    customers = by_day.join(per_order, "customer_id", "left")
    if "product_id" in columns.positions:
        bought = lines.where((F.col("day") <= cutoff) & ~F.col("cancelled"))
        products = bought.groupBy("customer_id").agg(
            F.countDistinct("product_id").alias("distinct_products")
        )
        customers = customers.join(products, "customer_id", "left")
    else:
        customers = customers.withColumn("distinct_products", F.lit(None).cast("double"))
    frame = customers.toPandas().set_index("customer_id").sort_index()
    frame.index = frame.index.astype("str")
    features = pd.DataFrame(index=frame.index)
    features["first_order"] = _as_dates(frame["first"])
    features["last_order"] = _as_dates(frame["last"])
    features["recency_days"] = (cutoff - frame["last"]).astype("int64")
    features["tenure_days"] = (cutoff - frame["first"]).astype("int64")
    features["frequency"] = frame["frequency"].astype("int64")
    features["repeat_orders"] = (frame["days"] - 1).astype("int64")
    features["monetary"] = frame["monetary"].astype(float).clip(lower=0.0)
    features["aov"] = features["monetary"] / features["frequency"]
    span = (frame["last"] - frame["first"]).astype(float)
    repeats = features["repeat_orders"]
    features["mean_days_between"] = (span / repeats).where(repeats > 0)
    features["distinct_products"] = frame["distinct_products"].astype(float)
    features["return_rate"] = frame["return_rate"].astype(float)
    return features[BEHAVIOUR_COLUMNS].rename_axis("customer_id")


def _as_dates(day_numbers: pd.Series) -> pd.Series:
    """Days since 1970-01-01 as the pandas engine's day timestamps."""
    return (EPOCH + pd.to_timedelta(day_numbers.astype("int64"), unit="D")).astype("datetime64[us]")
