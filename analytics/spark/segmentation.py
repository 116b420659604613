"""Segments on Spark by the pandas engine's rules: k is chosen by analytics.steps.segmentation's
rule on the same seeded sample size (K_SELECTION_ROWS) the pandas engine uses; the final K-Means
runs in Spark MLlib on all rows, on features standardised as the pandas Pipeline does. Segments
are renumbered by size and named by analytics.steps.segmentation.segment_names."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyspark.ml import Pipeline
from pyspark.ml.clustering import KMeans
from pyspark.ml.feature import OneHotEncoder, StandardScaler, StringIndexer, VectorAssembler
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from analytics.config import (
    K_SELECTION_ROWS,
)
from analytics.steps.segmentation import (
    FEATURE_COLUMNS,
    NUMERIC_COLUMNS,
    Segmentation,
    choose_k,
    score_k_range,
    segment_names,
)

Progress = Callable[[str], None]
_KMEANS_MAX_ITER = 50


@dataclass(frozen=True)
class SparkSegmentation:
    segmentation: Segmentation  # k, features, k_scores, reason, profiles (labels: not collected)
    customers: DataFrame  # the input with a `segment` column


def segment(
    customers: DataFrame,
    rows: int,
    k: int | str,
    features: list[str],
    seed: int,
    progress: Progress,
) -> SparkSegmentation:
    columns = [FEATURE_COLUMNS[name] for name in features]
    progress("segmenting customers: scoring k = 2..10 on a sample with silhouette and stability")
    sample = _sample(customers.select(*columns), rows, K_SELECTION_ROWS, seed)
    k_scores = score_k_range(sample, seed)
    if k == "auto":
        chosen_k, reason = choose_k(k_scores)
    else:
        chosen_k = int(k)
        if not 1 <= chosen_k <= rows:
            raise ValueError(f"k must be between 1 and the number of rows, got {chosen_k}")
        reason = f"k={chosen_k} was set by the user (--k {chosen_k})."
    progress(f"fitting K-Means (k={chosen_k}) on all {rows:,} customers in Spark")

    numeric = [c for c in columns if c in NUMERIC_COLUMNS]
    stages, inputs = _preprocess(numeric, [c for c in columns if c not in NUMERIC_COLUMNS])
    kmeans = KMeans(k=chosen_k, seed=seed, maxIter=_KMEANS_MAX_ITER, featuresCol="features")
    model = Pipeline(
        stages=[*stages, VectorAssembler(inputCols=inputs, outputCol="features"), kmeans]
    )
    fitted = model.fit(customers)
    labelled = fitted.transform(customers).withColumnRenamed("prediction", "raw_segment")
    sizes = dict(labelled.groupBy("raw_segment").count().collect())
    # Renumber by size (largest first, ties by raw label), as the pandas engine does.
    order = sorted(range(chosen_k), key=lambda label: (-sizes.get(label, 0), label))
    renumber = F.create_map(*[F.lit(x) for new, old in enumerate(order) for x in (old, new)])
    labelled = labelled.withColumn("segment", renumber[F.col("raw_segment")]).select(
        *customers.columns, "segment"
    )
    profiles = _profiles(labelled, rows, "gender" in features)
    return SparkSegmentation(
        Segmentation(
            labels=np.empty(0, dtype=int),
            k=chosen_k,
            features=list(features),
            k_scores=k_scores,
            reason=reason,
            profiles=profiles,
        ),
        labelled,
    )


def _preprocess(numeric: list[str], categorical: list[str]) -> tuple[list, list[str]]:
    """Stages that standardise numeric columns and one-hot encode categorical ones (as the
    pandas Pipelines' StandardScaler and OneHotEncoder), and the columns they output."""
    stages, outputs = [], []
    if numeric:
        stages += [
            VectorAssembler(inputCols=numeric, outputCol="numeric_raw"),
            StandardScaler(
                inputCol="numeric_raw", outputCol="numeric_scaled", withMean=True, withStd=True
            ),
        ]
        outputs.append("numeric_scaled")
    for column in categorical:
        stages += [
            StringIndexer(inputCol=column, outputCol=f"{column}_index", handleInvalid="keep"),
            OneHotEncoder(inputCol=f"{column}_index", outputCol=f"{column}_onehot", dropLast=False),
        ]
        outputs.append(f"{column}_onehot")
    return stages, outputs


def _profiles(labelled: DataFrame, rows: int, gender_in_features: bool) -> pd.DataFrame:
    """analytics.steps.segmentation.profile_segments, computed in Spark."""
    numeric = [c for c in NUMERIC_COLUMNS if c in labelled.columns]
    aggregations = [
        F.count(F.lit(1)).alias("size"),
        F.avg("Purchased").alias("purchase_rate"),
    ]
    for column in numeric:
        aggregations += [
            F.avg(column).alias(f"{column.lower()}_mean"),
            F.percentile(column, 0.5).alias(f"{column.lower()}_median"),
        ]
    if "Price" in numeric:
        aggregations.append(F.sum(F.col("Price") * F.col("Purchased")).alias("revenue"))
    profiles = (
        labelled.groupBy("segment").agg(*aggregations).orderBy("segment").toPandas()
    ).set_index("segment")
    profiles["size"] = profiles["size"].astype(int)
    profiles["share"] = profiles["size"] / rows
    genders = labelled.groupBy("segment", "Gender").count().toPandas()
    # The mode, ties to the first in sorted order (pandas' Series.mode().iat[0]).
    top = genders.sort_values(["segment", "count", "Gender"], ascending=[True, False, True])
    top = top.drop_duplicates("segment").set_index("segment")
    profiles["top_gender"] = top["Gender"]
    profiles["top_gender_share"] = top["count"] / profiles["size"]
    overall = labelled.agg(
        *[F.avg(c).alias(f"{c}_mean") for c in numeric],
        *[F.stddev_samp(c).alias(f"{c}_std") for c in numeric],
    ).first()
    profiles["name"] = segment_names(
        profiles,
        centre={c: overall[f"{c}_mean"] for c in numeric},
        spread={c: overall[f"{c}_std"] for c in numeric},
        gender_in_features=gender_in_features,
    )
    return profiles.reset_index()


def _sample(frame: DataFrame, rows: int, size: int, seed: int) -> pd.DataFrame:
    """About `size` rows (a little more, so that the callee's own sampling has enough)."""
    if rows <= size:
        return frame.toPandas()
    return frame.sample(fraction=min(1.0, 1.2 * size / rows), seed=seed).toPandas()
