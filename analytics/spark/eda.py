"""The aggregates of analytics.steps.eda, computed in Spark and shaped as that module shapes them
(exact percentiles, as pandas' linear quantiles), for the overview of a Spark run."""

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from analytics.steps import eda


def aggregates(customers: DataFrame, columns: list[str], gender_counts: pd.Series) -> dict:
    """The aggregates analytics.runs.customer_file.analyse stores, with the same keys and shapes."""
    has_price = "Price" in columns
    ranges = [c for c in ("Age", "Salary", "Price") if c in columns]
    numeric = [c for c in eda.NUMERIC_COLUMNS if c in columns]
    genders = sorted(gender_counts.index)
    indicators = genders[1:] if len(genders) == 2 else genders
    correlated = {c: F.col(c).cast("double") for c in numeric} | {
        f"Gender={g}": (F.col("Gender") == g).cast("double") for g in indicators
    }
    names = list(correlated)
    bought = F.col("Purchased") == 1
    expressions = [
        F.count(F.lit(1)).alias("customers"),
        F.sum(bought.cast("long")).alias("buyers"),
        F.min("Age").alias("age_min"),
        F.max("Age").alias("age_max"),
    ]
    if has_price:
        expressions += [
            F.sum(F.when(bought, F.col("Price"))).alias("revenue"),
            F.avg("Price").alias("average_price"),
        ]
    for column in ranges:
        expressions += [
            F.min(column).alias(f"{column}_min"),
            F.percentile(column, 0.5).alias(f"{column}_median"),
            F.max(column).alias(f"{column}_max"),
        ]
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            expressions.append(F.corr(correlated[a], correlated[b]).alias(f"corr:{a}:{b}"))
    totals = customers.agg(*expressions).first().asDict()

    rows = int(totals["customers"])
    buyers = int(totals["buyers"] or 0)
    kpis = {
        "customers": rows,
        "buyers": buyers,
        "purchase_rate": buyers / rows,
        "revenue": float(totals["revenue"] or 0.0) if has_price else None,
        "average_price": float(totals["average_price"]) if has_price else None,
    }
    correlation = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            value = totals[f"corr:{a}:{b}"]
            correlation.loc[a, b] = correlation.loc[b, a] = np.nan if value is None else value
    feature_ranges = {
        c: {
            "min": float(totals[f"{c}_min"]),
            "median": float(totals[f"{c}_median"]),
            "max": float(totals[f"{c}_max"]),
        }
        for c in ranges
    }
    feature_ranges["genders"] = gender_counts.index.tolist()
    return {
        "kpis": kpis,
        "age_distribution": _age_distribution(customers).to_dict("records"),
        "salary_by_purchase": _salary_by_purchase(customers).to_dict("records"),
        "correlation": correlation.fillna(0.0).to_dict("split"),
        "feature_ranges": feature_ranges,
    }


def _age_distribution(customers: DataFrame) -> pd.DataFrame:
    width = eda.AGE_BIN_WIDTH
    band = (F.floor(F.col("Age") / width) * width).cast("int").alias("age_from")
    counts = (
        customers.groupBy(band)
        .agg(
            F.sum((F.col("Purchased") == 0).cast("long")).alias("not_purchased"),
            F.sum((F.col("Purchased") == 1).cast("long")).alias("purchased"),
        )
        .orderBy("age_from")
        .toPandas()
    )
    counts.insert(1, "age_to", counts["age_from"] + width)
    return counts.astype(int)


def _salary_by_purchase(customers: DataFrame) -> pd.DataFrame:
    stats = (
        customers.groupBy("Purchased")
        .agg(
            F.count(F.lit(1)).alias("count"),
            F.avg("Salary").alias("mean"),
            F.percentile("Salary", [0.25, 0.5, 0.75]).alias("quartiles"),
        )
        .orderBy("Purchased")
        .collect()
    )
    rows = []
    for row in stats:
        q1, median, q3 = row["quartiles"]
        iqr = q3 - q1
        fences = (
            customers.filter(F.col("Purchased") == row["Purchased"])
            .agg(
                F.min(F.when(F.col("Salary") >= q1 - 1.5 * iqr, F.col("Salary"))).alias("low"),
                F.max(F.when(F.col("Salary") <= q3 + 1.5 * iqr, F.col("Salary"))).alias("high"),
            )
            .first()
        )
        rows.append(
            {
                "purchased": int(row["Purchased"]),
                "count": int(row["count"]),
                "mean": float(row["mean"]),
                "q1": float(q1),
                "median": float(median),
                "q3": float(q3),
                "lower_fence": float(fences["low"]),
                "upper_fence": float(fences["high"]),
            }
        )
    return pd.DataFrame(rows)
