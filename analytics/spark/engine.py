"""The customer-file run on Spark: validate and analyse on Spark, then publish through the same
path and into the same tables as the pandas engine (analytics.runs.customer_file.publish_results,
hence analytics.runs.publish), so the dashboard, `predict` and the API read a Spark run as they
read any other."""

import hashlib
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from sqlalchemy import insert, select

from analytics.config import Settings
from analytics.db import repository, results
from analytics.db.models import Customer, Model, Run
from analytics.db.session import session_factory
from analytics.errors import InputError
from analytics.runs.customer_checks import column_notes, model_gate
from analytics.runs.customer_file import (
    Analysis,
    RunOptions,
    RunSummary,
    check_readable,
    finished,
    publish_results,
)
from analytics.runs.provenance import library_versions, sha256_of
from analytics.spark import eda, purchase_model, segmentation
from analytics.spark.inputs import describe_inputs, input_files, with_position
from analytics.spark.reading import read_customers
from analytics.spark.session import spark_session
from analytics.steps.segmentation import FEATURE_COLUMNS

Progress = Callable[[str], None]
_INSERT_CHUNK = 50_000
_CUSTOMER_COLUMNS = {
    **repository.CUSTOMER_COLUMNS,
    **{column: column for column in (*repository.RUN_COLUMNS, "row_number")},
}


def run(
    inputs: list[str | Path],
    database_url: str,
    options: RunOptions | None = None,
    progress: Progress = lambda _: None,
    master: str | None = None,
    settings: Settings | None = None,
) -> RunSummary:
    """analytics.runs.customer_file.run on Spark: `inputs` are CSV or Parquet files, globs or
    directories. `settings` configure the Spark session (analytics.spark.session)."""
    options = options or RunOptions()
    seed = options.seed
    files = input_files(inputs)
    name = describe_inputs(files)
    if options.extra_features:
        raise InputError(
            f"{name}: the Spark engine segments and models on {', '.join(FEATURE_COLUMNS)} "
            f"only, not on other columns ({', '.join(options.extra_features)}); run the file "
            "with the pandas engine (the default) to use them."
        )
    spark = spark_session(master, settings)
    progress(f"reading and validating {name} on Spark ({spark.sparkContext.master})")
    loaded = read_customers(spark, files, options.columns, options.limits)
    rows = loaded.rows
    check_readable(name, loaded.columns, rows, options)
    notes, usable = column_notes(loaded.columns, options.segment_features)
    customers = loaded.customers

    progress("exploring the data")
    aggregates = eda.aggregates(customers, loaded.columns, loaded.gender_counts)
    buyers = aggregates["kpis"]["buyers"]
    # What model_gate, model_card and RunSummary read of the customers: how many, how many bought.
    outcomes = pd.DataFrame(
        {"Purchased": np.repeat(np.array([0, 1], dtype=np.int8), [rows - buyers, buyers])}
    )
    segmented = segmentation.segment(customers, rows, options.k, usable, seed, progress)
    progress(segmented.segmentation.reason)

    skip_reason = model_gate(outcomes)
    model = None
    if skip_reason:
        notes.append(f"No purchase model was published: {skip_reason}")
    else:
        features_present = [c for c in ("Age", "Salary", "Price", "Gender") if c in loaded.columns]
        model = purchase_model.select_model(
            spark, customers, features_present, loaded.gender_counts.index.tolist(), seed, progress
        )
    result = Analysis(
        customers=outcomes,
        aggregates=aggregates,
        segmentation=segmented.segmentation,
        notes=[*loaded.notes, *notes],
        evaluation=finished(None if model is None else model.selection),
    )

    progress(f"saving {rows:,} customers and results")
    sessions = session_factory(database_url)
    run_fields = {
        "input_name": name[:255],
        "input_sha256": _sha256(files),
        "rows": rows,
        "k": result.segmentation.k,
        "k_reason": result.segmentation.reason,
        "segment_features": result.segmentation.features,
        "notes": result.notes,
        "params": {
            **options.params(),
            "engine": "spark",
            "spark_master": spark.sparkContext.master,
            "inputs": [str(path) for path in files],
        },
        "versions": {**library_versions(), "pyspark": version("pyspark")},
    }

    def store(session, run_record: Run) -> None:
        scored = (
            segmented.customers if model is None else model.with_probability(segmented.customers)
        )
        _insert_customers(session, run_record.id, scored, seed)
        results.insert_summaries(session, run_record, result.segmentation, result.aggregates)
        if model is not None:
            results.insert_models(session, run_record, model.selection, outcomes)
            stored = session.scalars(
                select(Model).where(Model.run_id == run_record.id, Model.is_selected)
            ).one()
            stored.card = results.json_safe(_spark_card(stored.card, model.export, spark))

    try:
        return publish_results(sessions, run_fields, store, result, loaded.bad_rows, progress)
    finally:
        customers.unpersist()


def _insert_customers(session, run_id: int, customers: DataFrame, seed: int) -> None:
    """Customer rows with their segment, purchase probability (when the run has a model) and a
    seeded random sample rank, streamed from Spark one partition at a time and inserted in chunks
    inside the run's transaction."""
    ranked = with_position(customers.orderBy(F.rand(seed)), "sample_rank")
    stored = [c for c in _CUSTOMER_COLUMNS if c in ranked.columns]
    chunk = []
    for row in ranked.select(*[F.col(f"`{c}`") for c in stored]).toLocalIterator(True):
        record = {_CUSTOMER_COLUMNS[c]: value for c, value in zip(stored, row, strict=True)}
        record["run_id"] = run_id
        chunk.append(record)
        if len(chunk) == _INSERT_CHUNK:
            session.execute(insert(Customer), chunk)
            chunk = []
    if chunk:
        session.execute(insert(Customer), chunk)
    ranked.unpersist()


def _spark_card(card: dict, export: dict, spark) -> dict:
    """The pandas engine's model card, with what differs on Spark."""
    evaluation = {
        **card["evaluation"],
        "split": "80/20 holdout, each class split by the same seeded uniform draw",
        "cv_sample": "stratified sample of the training part, stratified 5-fold CV",
    }
    return {
        **card,
        "evaluation": evaluation,
        "engine": {
            "name": "spark",
            "master": spark.sparkContext.master,
            "spark_version": spark.version,
            "trained_with": "Spark MLlib",
            "served_by": "scikit-learn export (analytics.spark.export.DistilledClassifier)",
            "export": export,
        },
    }


def _sha256(files: list[Path]) -> str:
    """The file's SHA-256, or for several files the SHA-256 of their digests in order."""
    if len(files) == 1:
        return sha256_of(files[0])
    digest = hashlib.sha256()
    for path in files:
        digest.update(sha256_of(path).encode())
    return digest.hexdigest()
