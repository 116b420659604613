"""The customer-file run: read and validate one customer file, analyse it (EDA, segments,
purchase model) and publish it through analytics.runs.publish.

I/O lives at the edges: analytics.io and analytics.validation read files, analytics.db and
analytics.runs.publish write the database, analytics.cli and the dashboard take the user's input;
analytics.steps only computes. `analyse` here is pure as well; `run` wires the rest together.
"""

from collections.abc import Callable, Collection, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from analytics.config import (
    DEFAULT_SEGMENT_FEATURES,
    MIN_ROWS,
    RANDOM_STATE,
    WARM_WORKERS_BYTES,
    InputLimits,
)
from analytics.db import quarantine_repository, repository, results
from analytics.db.models import CUSTOMER_FILE, Run
from analytics.db.session import session_factory
from analytics.errors import InputError
from analytics.runs import publish
from analytics.runs.customer_checks import column_notes, model_gate
from analytics.runs.provenance import library_versions, sha256_of
from analytics.steps import eda
from analytics.steps.classifier import (
    ModelSelection,
    choose_model,
    cv_workers,
    evaluate_choice,
    evaluate_in_worker,
    probabilities_with_intervals,
    start_workers,
)
from analytics.steps.segmentation import (
    FEATURE_COLUMNS,
    Segmentation,
    segment_customers,
)
from analytics.validation import quarantine
from analytics.validation.customer_file import read_customers
from analytics.validation.quarantine import BadRow

Progress = Callable[[str], None]


@dataclass(frozen=True)
class RunOptions:
    """What a customer-file run is asked for; the same for either engine.

    `features` None means the default segment features (those of age, salary and price the
    file has), and then the file must have a Price column: a default run of a file without one
    is more likely a wrong export than a shop without prices. Naming the features (or mapping
    columns) makes Price optional. A feature name beyond FEATURE_COLUMNS names a column of the
    file (numbers or categories), which then feeds the segments and the purchase model.
    """

    k: int | str = "auto"
    features: tuple[str, ...] | list[str] | None = None
    columns: Mapping[str, str] | None = None
    seed: int = RANDOM_STATE
    limits: InputLimits = field(default_factory=InputLimits)

    @property
    def segment_features(self) -> list[str]:
        return list(self.features or DEFAULT_SEGMENT_FEATURES)

    @property
    def extra_features(self) -> list[str]:
        """The named features that are columns of the file beyond the reference ones."""
        return [name for name in self.segment_features if name not in FEATURE_COLUMNS]

    def params(self) -> dict:
        """The options as the run record keeps them."""
        return {
            "k": self.k,
            "features": self.segment_features,
            "columns": dict(self.columns or {}),
            "seed": self.seed,
        }


@dataclass(frozen=True)
class Analysis:
    """Everything a run computes from validated customers, before anything is stored."""

    customers: pd.DataFrame
    aggregates: dict
    segmentation: Segmentation
    notes: list[str]
    # The purchase model, None if none is published. A large run evaluates it on the holdout in
    # a worker process while this one stores the customers; `model` waits for that.
    evaluation: Future

    @property
    def model(self) -> ModelSelection | None:
        return self.evaluation.result()


def finished(value) -> Future:
    """A future that is already done, with `value`."""
    future = Future()
    future.set_result(value)
    return future


def analyse(
    customers: pd.DataFrame,
    k: int | str = "auto",
    features: tuple[str, ...] | list[str] = DEFAULT_SEGMENT_FEATURES,
    seed: int = RANDOM_STATE,
    progress: Progress = lambda _: None,
    jobs: int = 1,
    workers: Future | None = None,
) -> Analysis:
    """Pure computation over a validated frame: EDA aggregates, segments, purchase model.

    `jobs` worker processes cross-validate the candidate models of a large enough frame, and
    one of them then evaluates the chosen model on the holdout: that evaluation may still be
    running when this returns (Analysis.model waits for it). `workers`, if given, is their
    start (classifier.start_workers) begun earlier. A feature beyond FEATURE_COLUMNS is a
    column of `customers` (named so), an input of the purchase model too.
    """
    notes, usable = column_notes(customers.columns, features)
    extras = [name for name in usable if name not in FEATURE_COLUMNS]

    skip_reason = model_gate(customers)
    if skip_reason:
        notes.append(f"No purchase model was published: {skip_reason}")
    with ThreadPoolExecutor(max_workers=1) as background:
        # While worker processes cross-validate, this process would only wait: it explores and
        # segments meanwhile. In-process fits stay on this thread, since threadpoolctl's limits
        # are process-wide and must not be entered from two threads at once.
        selecting = None
        parallel = not skip_reason and cv_workers(len(customers), jobs) > 1
        if parallel:
            if workers is not None and not workers.done():
                progress("waiting for the worker processes to start")
                workers.result()
            selecting = background.submit(
                choose_model, customers, seed=seed, progress=progress, jobs=jobs, extras=extras
            )
        progress("exploring the data")
        aggregates = {
            "kpis": eda.kpis(customers),
            "age_distribution": eda.age_distribution(customers).to_dict("records"),
            "salary_by_purchase": eda.salary_by_purchase(customers).to_dict("records"),
            "correlation": eda.correlation_matrix(customers).to_dict("split"),
            "feature_ranges": eda.feature_ranges(customers),
        }
        progress("segmenting customers: scoring k = 2..10 with silhouette and bootstrap stability")
        segmentation = segment_customers(customers, k=k, features=usable, seed=seed)
        progress(segmentation.reason)
        if selecting is not None:
            choice = selecting.result()
        elif skip_reason:
            choice = None
        else:
            choice = choose_model(customers, seed=seed, progress=progress, jobs=jobs, extras=extras)
    if choice is None:
        evaluation = finished(None)
    else:
        progress("evaluating on the holdout and explaining")
        evaluation = (
            evaluate_in_worker(choice, seed, jobs)
            if parallel
            else finished(evaluate_choice(choice, seed))
        )
    sample_rank = np.random.default_rng(seed).permutation(len(customers))
    probability = low = high = np.nan
    if choice is not None:
        probability, low, high = probabilities_with_intervals(
            choice.model, choice.fold_models, choice.features, customers
        )
    return Analysis(
        customers=customers.assign(
            segment=segmentation.labels,
            sample_rank=sample_rank,
            purchase_probability=probability,
            purchase_probability_low=low,
            purchase_probability_high=high,
        ),
        aggregates=aggregates,
        segmentation=segmentation,
        notes=notes,
        evaluation=evaluation,
    )


def check_readable(name: str, present: Collection[str], rows: int, options: RunOptions) -> None:
    """What either engine requires of a validated file before analysing it: a Price column
    unless the features or the column mapping were chosen (a default run of a file without one
    is more likely a wrong export than a shop without prices), and MIN_ROWS usable rows."""
    if options.features is None and not options.columns and "Price" not in present:
        raise InputError(
            f"{name}: missing column 'Price'. To analyse customers without "
            "prices, name the segment features, e.g. --features age,salary; to use another "
            "column as the price, map it, e.g. --columns price=Cost."
        )
    if rows < MIN_ROWS:
        raise InputError(
            f"{name}: {rows} usable data row{'s are' if rows != 1 else ' is'} too few to "
            f"segment; at least {MIN_ROWS} are needed."
        )


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    analysis: Analysis
    bad_rows: list[BadRow]

    def as_dict(self) -> dict:
        segmentation = self.analysis.segmentation
        profiles = segmentation.profiles
        model = self.analysis.model
        return {
            "run_id": self.run_id,
            "input_kind": CUSTOMER_FILE,
            "rows": len(self.analysis.customers),
            "k": segmentation.k,
            "k_reason": segmentation.reason,
            "segment_features": segmentation.features,
            "segment_sizes": profiles["size"].astype(int).tolist(),
            "segments": [
                {
                    "segment": int(p["segment"]),
                    "name": p["name"],
                    "size": int(p["size"]),
                    "purchase_rate": float(p["purchase_rate"]),
                }
                for p in profiles.to_dict("records")
            ],
            "model": None
            if model is None
            else {
                "name": model.name,
                "calibrated": model.calibrated,
                "cv_roc_auc": model.cv_metrics["roc_auc"],
                "cv_brier": model.cv_metrics["brier"],
                "holdout_accuracy": model.holdout_metrics["accuracy"],
                "holdout_roc_auc": model.holdout_metrics["roc_auc"],
                "accuracy": model.holdout_metrics["accuracy"],
                "roc_auc": model.holdout_metrics["roc_auc"],
            },
            # The model's study: holdout fairness by attribute and the sampling rates (empty
            # without a model, and from the Spark engine).
            "fairness": {}
            if model is None or model.fairness is None
            else model.fairness["attributes"],
            "fairness_notes": []
            if model is None or model.fairness is None
            else model.fairness["notes"],
            "sampling": None if model is None else model.sampling,
            "notes": self.analysis.notes,
            "quarantined": quarantine.summary(self.bad_rows),
        }


def run(
    input_path: str | Path,
    database_url: str,
    options: RunOptions | None = None,
    progress: Progress = lambda _: None,
    jobs: int = 1,
) -> RunSummary:
    """Validate, analyse and store one run; it becomes visible only once fully written.
    `jobs` worker processes share the model selection (Settings.analysis_jobs)."""
    options = options or RunOptions()
    input_path = Path(input_path)
    # A file this large will have its models cross-validated in worker processes: they start
    # (importing scikit-learn takes them a second or two) while this process reads it.
    workers = start_workers(jobs) if jobs > 1 and _bytes(input_path) >= WARM_WORKERS_BYTES else None
    progress(f"reading and validating {input_path.name}")
    loaded = read_customers(input_path, options.columns, options.limits, options.extra_features)
    customers = loaded.customers
    check_readable(input_path.name, customers.columns, len(customers), options)
    analysis = analyse(
        customers,
        k=options.k,
        # A feature beyond the reference ones goes by its column's name from here on.
        features=[loaded.extras.get(name, name) for name in options.segment_features],
        seed=options.seed,
        progress=progress,
        jobs=jobs,
        workers=workers,
    )
    analysis = replace(analysis, notes=[*loaded.notes, *analysis.notes])
    return publish_analysis(
        database_url,
        input_path.name,
        sha256_of(input_path),
        options,
        analysis,
        loaded.bad_rows,
        progress,
    )


def publish_analysis(
    database_url: str,
    input_name: str,
    input_sha256: str,
    options: RunOptions,
    analysis: Analysis,
    bad_rows: list[BadRow],
    progress: Progress = lambda _: None,
) -> RunSummary:
    """Store an analysis of the input named `input_name` as a published run: what `run` does
    after analysing, and what analytics.notebook.publish does with a notebook's result."""
    progress(f"saving {len(analysis.customers):,} customers and results")
    sessions = session_factory(database_url)
    run_fields = {
        "input_name": input_name,
        "input_sha256": input_sha256,
        "rows": len(analysis.customers),
        "k": analysis.segmentation.k,
        "k_reason": analysis.segmentation.reason,
        "segment_features": analysis.segmentation.features,
        "notes": analysis.notes,
        "params": options.params(),
        "versions": library_versions(),
    }
    return publish_results(
        sessions,
        run_fields,
        lambda session, run_record: _store_results(session, run_record, analysis),
        analysis,
        bad_rows,
        progress,
    )


def publish_results(
    sessions: sessionmaker,
    run_fields: dict,
    store: Callable[[Session, Run], None],
    analysis: Analysis,
    bad_rows: list[BadRow],
    progress: Progress,
) -> RunSummary:
    """Either engine's last step: the run, what `store` writes for it and its set-aside rows,
    published together through analytics.runs.publish, then announced to the webhooks."""

    def write(session: Session, run_record: Run) -> None:
        store(session, run_record)
        quarantine_repository.insert_bad_rows(session, run_record.id, bad_rows)
        progress(f"publishing run {run_record.id}")

    def summary(run_record: Run) -> RunSummary:
        return RunSummary(run_id=run_record.id, analysis=analysis, bad_rows=bad_rows)

    run_record = publish.publish_run(
        sessions, Run, run_fields, write, announce=lambda record: summary(record).as_dict()
    )
    return summary(run_record)


def _bytes(path: Path) -> int:
    """The file's size, or 0 if it cannot be read (read_customers then says why)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _store_results(session: Session, run: Run, analysis: Analysis) -> None:
    repository.insert_customers(session, run.id, analysis.customers)
    results.insert_summaries(session, run, analysis.segmentation, analysis.aggregates)
    if analysis.model is not None:
        results.insert_models(session, run, analysis.model, analysis.customers)
