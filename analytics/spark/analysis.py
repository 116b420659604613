"""EDA aggregates, segments and the purchase model on Spark, by the pandas engine's rules.

- EDA: the aggregates of analytics.steps.eda, computed in Spark and shaped as that module shapes
  them (exact percentiles, as pandas' linear quantiles).
- Segments: k is chosen by analytics.steps.segmentation's rule on the same seeded sample size
  (K_SELECTION_ROWS) the pandas engine uses; the final K-Means runs in Spark MLlib on all rows,
  on features standardised as the pandas Pipeline does. Segments are renumbered by size and
  named by analytics.steps.segmentation.segment_names.
- Model: Spark MLlib logistic regression, random forest and gradient-boosted trees, each with a
  small grid, chosen by pooled out-of-fold ROC-AUC of stratified 5-fold CV on a stratified
  sample of at most MODEL_SELECTION_ROWS training rows (analytics.steps.classifier's metric and
  Platt rule); the winner is refitted on all training rows and evaluated on the 20 % holdout.
"""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyspark.ml import Pipeline
from pyspark.ml.classification import (
    GBTClassifier,
    LogisticRegression,
    RandomForestClassifier,
)
from pyspark.ml.clustering import KMeans
from pyspark.ml.feature import OneHotEncoder, StandardScaler, StringIndexer, VectorAssembler
from pyspark.ml.functions import array_to_vector, vector_to_array
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from sklearn.inspection import permutation_importance
from sklearn.model_selection import ParameterGrid, StratifiedKFold

from analytics.config import (
    K_SELECTION_ROWS,
    MODEL_SELECTION_ROWS,
    TEST_SIZE,
    cv_folds,
)
from analytics.spark.export import agreement, distil
from analytics.steps import eda
from analytics.steps.classifier import (
    CATEGORICAL_FEATURES,
    NUMERIC_FEATURES,
    THRESHOLD,
    ModelSelection,
    evaluation_curves,
    reference_customer,
)
from analytics.steps.classifier.calibration import choose_calibration
from analytics.steps.classifier.evaluation import classification_metrics
from analytics.steps.segmentation import (
    FEATURE_COLUMNS,
    NUMERIC_COLUMNS,
    Segmentation,
    choose_k,
    score_k_range,
    segment_names,
)

Progress = Callable[[str], None]
# Holdout rows the metrics are computed on (all of them up to this many; a seeded sample above),
# collected to the driver.
HOLDOUT_METRIC_ROWS = 2_000_000
# Rows of the holdout kept for the stored curves, the export's agreement and the importances.
HOLDOUT_SAMPLE_ROWS = 20_000
IMPORTANCE_ROWS = 5_000
# Training rows the exported model is fitted on.
EXPORT_FIT_ROWS = 50_000
_KMEANS_MAX_ITER = 50
_CONCURRENT_FITS = 4


def _candidates(seed: int) -> dict[str, tuple[Callable[[], object], dict]]:
    """Spark MLlib candidates and their grids: kept small, since each setting costs five Spark
    fits (the pandas engine's grids are larger; its fits are cheaper)."""
    return {
        # Standardisation happens inside (standardization=True), fitted on each training fold.
        "Logistic Regression": (
            lambda: LogisticRegression(maxIter=50),
            {"regParam": [0.0, 0.01]},
        ),
        "Random Forest": (
            lambda: RandomForestClassifier(numTrees=50, seed=seed),
            {"maxDepth": [8]},
        ),
        "Gradient-Boosted Trees": (
            lambda: GBTClassifier(maxIter=20, stepSize=0.2, seed=seed),
            {"maxDepth": [3]},
        ),
    }


# ---------------------------------------------------------------- EDA


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


# ---------------------------------------------------------------- segments


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


# ---------------------------------------------------------------- model


@dataclass(frozen=True)
class SparkModel:
    selection: ModelSelection  # `model` is the exported scikit-learn model
    export: dict  # how the export was made and its agreement with the Spark model
    # Customers (with the input columns) → the same rows with the Spark model's
    # purchase_probability, calibrated as the selection is; lazy, so it runs where they are.
    with_probability: Callable[[DataFrame], DataFrame]


def select_model(
    spark: SparkSession,
    customers: DataFrame,
    features: list[str],
    genders: list[str],
    seed: int,
    progress: Progress,
) -> SparkModel:
    """`genders`: the Gender values of the data, most common first."""
    data = _with_features(
        customers.select(*features, F.col("Purchased").cast("double").alias("label")),
        features,
        genders,
    )
    # A stratified 80/20 split: each class is split by the same seeded uniform draw.
    draw = F.rand(seed)
    data = data.withColumn("holdout", draw < TEST_SIZE).persist()
    train, test = data.filter(~F.col("holdout")), data.filter(F.col("holdout"))
    train_counts = dict(train.groupBy("label").count().collect())
    train_rows = int(sum(train_counts.values()))

    selection = (
        _stratified(train, train_counts, MODEL_SELECTION_ROWS, seed)
        .select(*features, "label")
        .toPandas()
    )
    selection["label"] = selection["label"].astype(int)
    folds = StratifiedKFold(cv_folds(len(selection)), shuffle=True, random_state=seed)
    selection["fold"] = 0
    for fold, (_, valid) in enumerate(folds.split(selection[features], selection["label"])):
        selection.loc[selection.index[valid], "fold"] = fold
    selection["row"] = np.arange(len(selection))
    selection_frame = _with_features(spark.createDataFrame(selection), features, genders).persist()

    progress("cross-validating " + ", ".join(_candidates(seed)) + " (Spark MLlib)")
    settings = [
        (name, make, params)
        for name, (make, grid) in _candidates(seed).items()
        for params in ParameterGrid(grid)
    ]
    scored = _out_of_fold(selection_frame, len(selection), settings, folds.n_splits)
    comparison, out_of_fold = [], {}
    for name in _candidates(seed):
        params, scores = max(
            ((params, scores) for setting, params, scores in scored if setting == name),
            key=lambda pair: classification_metrics(selection["label"], pair[1])["roc_auc"],
        )
        out_of_fold[name] = scores
        comparison.append(
            {
                "name": name,
                "params": params,
                "rows": len(selection),
                **classification_metrics(selection["label"], scores),
            }
        )
    selection_frame.unpersist()
    comparison = pd.DataFrame(comparison).sort_values(
        ["roc_auc", "brier"], ascending=[False, True], ignore_index=True
    )
    winner = comparison.iloc[0]
    name, params = winner["name"], winner["params"]
    platt = choose_calibration(selection["label"].to_numpy(), out_of_fold[name], winner, seed)
    slope, intercept, calibrate = platt.slope, platt.intercept, platt.calibrate

    progress(f"refitting {name} on {train_rows:,} training rows in Spark")
    make, _ = _candidates(seed)[name]
    fitted = _classifier(make, params).fit(train)

    def probability(frame: DataFrame) -> DataFrame:
        scored = fitted.transform(frame).withColumn("p", vector_to_array(F.col("probability"))[1])
        if calibrate:
            clipped = F.least(F.greatest(F.col("p"), F.lit(1e-6)), F.lit(1 - 1e-6))
            log_odds = F.log(clipped / (1 - clipped))
            scored = scored.withColumn("p", 1 / (1 + F.exp(-(slope * log_odds + intercept))))
        return scored

    def with_probability(frame: DataFrame) -> DataFrame:
        scored = probability(_with_features(frame, features, genders))
        return scored.select(*frame.columns, F.col("p").alias("purchase_probability"))

    progress("evaluating on the holdout and exporting the model for the dashboard")
    test_rows = data.count() - train_rows
    scored = (
        test
        if test_rows <= HOLDOUT_METRIC_ROWS
        else test.sample(HOLDOUT_METRIC_ROWS / test_rows, seed)
    )
    holdout = probability(scored).select(*features, "label", "p").toPandas()
    y_test, test_scores = holdout["label"].astype(int).to_numpy(), holdout["p"].to_numpy()
    shown = holdout.sample(min(len(holdout), HOLDOUT_SAMPLE_ROWS), random_state=seed)

    export_rows = _stratified(train, train_counts, EXPORT_FIT_ROWS, seed + 1)
    export_fit = probability(export_rows).select(*features, "p").toPandas()
    exported = distil(
        export_fit[features],
        export_fit["p"].to_numpy(),
        features,
        linear=name == "Logistic Regression" and not calibrate,
        seed=seed,
    )
    export = {
        "method": (
            "linear regression of the Spark model's log-odds"
            if name == "Logistic Regression" and not calibrate
            else "gradient-boosted regression trees fitted to the Spark model's log-odds"
        ),
        "fit_rows": len(export_fit),
        "agreement_on_holdout": agreement(
            exported, shown[features], shown["label"].astype(int).to_numpy(), shown["p"].to_numpy()
        ),
    }
    explained = shown.iloc[:IMPORTANCE_ROWS]
    importance = permutation_importance(
        exported,
        explained[features],
        explained["label"].astype(int),
        scoring="roc_auc",
        n_repeats=5,
        random_state=seed,
    )
    data.unpersist()
    return SparkModel(
        ModelSelection(
            name=name,
            model=exported,
            params=_plain_params(params),
            features=features,
            calibrated=calibrate,
            threshold=THRESHOLD,
            comparison=comparison.assign(params=comparison["params"].map(_plain_params)),
            cv_metrics=platt.cv_metrics,
            holdout_metrics=classification_metrics(y_test, test_scores),
            curves=evaluation_curves(
                shown["label"].astype(int).to_numpy(), shown["p"].to_numpy(), THRESHOLD
            ),
            importance=pd.DataFrame(
                {
                    "feature": features,
                    "mean": importance.importances_mean,
                    "std": importance.importances_std,
                }
            ).sort_values("mean", ascending=False, ignore_index=True),
            reference=reference_customer(export_fit[features]),
            train_rows=train_rows,
            test_rows=test_rows,
            selection_rows=len(selection),
            cv_folds=cv_folds(len(selection)),
        ),
        export,
        with_probability,
    )


def _with_features(frame: DataFrame, features: list[str], genders: list[str]) -> DataFrame:
    """`frame` with a `features` vector: the numeric inputs and an indicator per Gender value
    but the most common. Nothing here is fitted, so a fold's vector depends on its rows alone."""
    inputs = [F.col(f).cast("double") for f in features if f in NUMERIC_FEATURES]
    if any(f in CATEGORICAL_FEATURES for f in features):
        inputs += [(F.col("Gender") == g).cast("double") for g in genders[1:]]
    named = frame.withColumn("inputs", F.array(*inputs))
    return named.withColumn("features", array_to_vector(F.col("inputs"))).drop("inputs")


def _classifier(make, params: dict):
    return make().setParams(**params).setFeaturesCol("features").setLabelCol("label")


def _out_of_fold(frame: DataFrame, rows: int, settings: list, folds: int) -> list:
    """(name, params, pooled out-of-fold probabilities in the sample's row order) of every
    (name, make, params) setting; fits run a few at a time, since small Spark jobs wait on
    scheduling more than on cores."""

    def fold_scores(task) -> pd.DataFrame:
        (_, make, params), fold = task
        fitted = _classifier(make, params).fit(frame.filter(F.col("fold") != fold))
        return (
            fitted.transform(frame.filter(F.col("fold") == fold))
            .select("row", vector_to_array(F.col("probability"))[1].alias("p"))
            .toPandas()
        )

    tasks = [(setting, fold) for setting in settings for fold in range(folds)]
    scores = [np.empty(rows) for _ in settings]
    with ThreadPoolExecutor(max_workers=_CONCURRENT_FITS) as pool:
        for (setting, _), predicted in zip(tasks, pool.map(fold_scores, tasks), strict=True):
            filled = scores[settings.index(setting)]
            filled[predicted["row"].to_numpy()] = predicted["p"].to_numpy()
    return [
        (name, params, filled) for (name, _, params), filled in zip(settings, scores, strict=True)
    ]


def _stratified(frame: DataFrame, counts: dict, rows: int, seed: int) -> DataFrame:
    """A seeded sample of about `rows` rows with each class in its share of `frame`."""
    total = sum(counts.values())
    if total <= rows:
        return frame
    return frame.sampleBy("label", {label: rows / total for label in counts}, seed)


def _sample(frame: DataFrame, rows: int, size: int, seed: int) -> pd.DataFrame:
    """About `size` rows (a little more, so that the callee's own sampling has enough)."""
    if rows <= size:
        return frame.toPandas()
    return frame.sample(fraction=min(1.0, 1.2 * size / rows), seed=seed).toPandas()


def _plain_params(params: dict) -> dict:
    return {
        key: (value.item() if hasattr(value, "item") else value) for key, value in params.items()
    }
