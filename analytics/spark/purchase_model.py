"""The purchase model on Spark: Spark MLlib logistic regression, random forest and gradient-boosted
trees, each with a small grid, chosen by pooled out-of-fold ROC-AUC of stratified 5-fold CV on a
stratified sample of at most MODEL_SELECTION_ROWS training rows (analytics.steps.classifier's
metric and Platt rule); the winner is refitted on all training rows, evaluated on the 20 %
holdout and exported to scikit-learn (analytics.spark.export) for the dashboard and `predict`."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyspark.ml.classification import (
    GBTClassifier,
    LogisticRegression,
    RandomForestClassifier,
)
from pyspark.ml.functions import array_to_vector, vector_to_array
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from sklearn.inspection import permutation_importance
from sklearn.model_selection import ParameterGrid, StratifiedKFold

from analytics.config import (
    MODEL_SELECTION_ROWS,
    TEST_SIZE,
    cv_folds,
)
from analytics.spark.export import agreement, distil
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

Progress = Callable[[str], None]
# Holdout rows the metrics are computed on (all of them up to this many; a seeded sample above),
# collected to the driver.
HOLDOUT_METRIC_ROWS = 2_000_000
# Rows of the holdout kept for the stored curves, the export's agreement and the importances.
HOLDOUT_SAMPLE_ROWS = 20_000
IMPORTANCE_ROWS = 5_000
# Training rows the exported model is fitted on.
EXPORT_FIT_ROWS = 50_000
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


def _plain_params(params: dict) -> dict:
    return {
        key: (value.item() if hasattr(value, "item") else value) for key, value in params.items()
    }
