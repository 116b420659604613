"""What the pages read from the database, and nothing else (what they derive from it is in
dashapp.data.derived). A published run never changes, so reads are cached per run id
(dashapp.data.cache); only `latest_run` goes to the database on every page load, and it clears the
caches when a new run has been published."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import flask
import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from analytics.config import SCATTER_SAMPLE
from analytics.db import quarantine_repository, repository
from analytics.db.models import CUSTOMER_FILE, PUBLISHED
from analytics.db.session import DatabaseMissing, forget_engine, session_factory, sqlite_file
from analytics.steps.classifier import load_model
from analytics.validation import quarantine
from analytics.validation.quarantine import BadRow
from dashapp.data import cache


def app_database_url() -> str:
    """The database of the Dash app serving the current request."""
    return flask.current_app.config["DATABASE_URL"]


@dataclass(frozen=True)
class RunInfo:
    id: int
    created_at: datetime
    input_name: str
    rows: int
    k: int


@dataclass(frozen=True)
class Overview:
    kpis: dict
    age_distribution: pd.DataFrame
    salary_by_purchase: pd.DataFrame
    correlation: pd.DataFrame
    segments: pd.DataFrame
    feature_ranges: dict
    model_name: str | None
    holdout_metrics: dict | None
    notes: list[str]


@dataclass(frozen=True)
class PurchaseModel:
    """A run's fitted model and what it needs to predict and explain."""

    name: str
    estimator: object
    features: list[str]
    reference: dict
    threshold: float


# The SQLite files this process has read: one that then goes missing was moved or deleted (an
# outage, not a new installation).
_sqlite_files_seen: set[Path] = set()


def _sessions(url: str) -> sessionmaker:
    """Sessions for reading; a missing SQLite file is DatabaseMissing, never created."""
    path = sqlite_file(url)
    if path is not None:
        if not path.exists():
            # The pooled connections would go on reading the moved file; a file put back (or a
            # copy) is opened afresh.
            forget_engine(url)
            raise DatabaseMissing(
                f"the SQLite file {path} is missing (moved or deleted)"
                if path in _sqlite_files_seen
                else f"there is no SQLite file {path} yet"
            )
        _sqlite_files_seen.add(path)
    return session_factory(url)


def read_session(url: str) -> Session:
    """A session for reading the database (see _sessions)."""
    return _sessions(url)()


def latest_run(url: str) -> RunInfo | None:
    """The newest published run; None with no run yet, including no SQLite file yet (a new
    install). DatabaseMissing when a SQLite file this process has read went away."""
    path = sqlite_file(url)
    if path is not None and not path.exists() and path not in _sqlite_files_seen:
        return None
    with _sessions(url)() as session:
        note_newest_run(session, url)
        run = repository.latest_published_run(session)
        return None if run is None else _run_info(run)


def _run_info(run) -> RunInfo:
    return RunInfo(run.id, run.created_at, run.input_name, run.rows, run.k)


@cache.per_run
def previous_run(url: str, run_id: int) -> RunInfo | None:
    """The published customer-file run before `run_id`, whose KPIs the overview compares with;
    None for the first."""
    with _sessions(url)() as session:
        run = repository.previous_published_run(session, run_id)
        return None if run is None else _run_info(run)


def note_newest_run(session, url: str) -> None:
    """Tell the caches which run is the newest of any kind: they clear when it changes."""
    newest = repository.newest_published_run(session)
    if newest is not None:
        cache.note_latest_run(url, f"{newest.id}@{newest.created_at.isoformat()}")


# What a callback answers for a run id that is not a published run's.
NO_PUBLISHED_RUN = "This is not a published run; reload the page."


def published_run_id(value: object) -> int | None:
    """`value` (a run id as a callback received it from the page, which the client controls)
    if it is the id of a published run in this app's database, else None."""
    # bool is an int too; lists, strings and None are not ids, and SQLite's are 64-bit.
    if type(value) is not int or not 0 < value < 2**63:
        return None
    with _sessions(app_database_url())() as session:
        run = repository.run_by_id(session, value)
        return value if run is not None and run.status == PUBLISHED else None


def _holdout(stored: dict) -> pd.DataFrame:
    holdout = pd.DataFrame(stored)
    if "customers" not in holdout:  # runs stored before holdouts were counted: a row each
        holdout["customers"] = 1
    return holdout.astype({"y": "int8", "score": "float64", "customers": "int64"})


@cache.per_run
def overview(url: str, run_id: int) -> Overview:
    with _sessions(url)() as session:
        aggregates = {
            name: repository.aggregate(session, run_id, name)
            for name in (
                "kpis",
                "age_distribution",
                "salary_by_purchase",
                "correlation",
                "feature_ranges",
            )
        }
        segment_rows = repository.segments(session, run_id)
        model = repository.selected_model(session, run_id)
        correlation = aggregates["correlation"]
        run = repository.run_by_id(session, run_id)
        return Overview(
            kpis=aggregates["kpis"],
            age_distribution=pd.DataFrame(aggregates["age_distribution"]),
            salary_by_purchase=pd.DataFrame(aggregates["salary_by_purchase"]),
            correlation=pd.DataFrame(
                correlation["data"], index=correlation["index"], columns=correlation["columns"]
            ),
            segments=pd.DataFrame([row.profile for row in segment_rows]),
            feature_ranges=aggregates["feature_ranges"],
            model_name=model.name if model else None,
            holdout_metrics=model.metrics["holdout"] if model else None,
            notes=list(run.notes or []),
        )


@cache.per_run
def scatter_points(url: str, run_id: int, limit: int = SCATTER_SAMPLE) -> pd.DataFrame:
    with _sessions(url)() as session:
        return repository.customer_sample(session, run_id, limit)


@cache.process_local(maxsize=4)
def purchase_model(url: str, run_id: int) -> PurchaseModel | None:
    """The run's fitted model, unpickled once per process (it was stored by our own pipeline)."""
    with _sessions(url)() as session:
        stored = repository.selected_model(session, run_id)
        if stored is None:
            return None
        return PurchaseModel(
            name=stored.name,
            estimator=load_model(stored.artifact, stored.sklearn_version),
            features=list(stored.features),
            reference=dict(stored.explanation["reference"]),
            threshold=stored.threshold,
        )


@cache.process_local(maxsize=4)
def fold_models(url: str, run_id: int) -> list | None:
    """The run's cross-validation fold models, which give a what-if its probability interval;
    None for runs stored without them (before revision 0010, or by the Spark engine)."""
    with _sessions(url)() as session:
        stored = repository.fold_models(session, run_id)
    return None if stored is None else load_model(*stored)


def customers(url: str, run_id: int) -> pd.DataFrame:
    """Every customer of a run at once, for scripts and tests on small runs: the dashboard reads
    customers through dashapp.data.customer_store, a query at a time."""
    with _sessions(url)() as session:
        return repository.run_customers(session, run_id)


@cache.per_run
def first_customer(url: str, run_id: int) -> pd.Series | None:
    """The run's first customer (its file's first row), where every what-if starts; None for a
    run without customers. Read alone, so that the overview need not read every customer."""
    with _sessions(url)() as session:
        first = repository.run_customers(session, run_id, limit=1)
    return None if first.empty else first.iloc[0]


def set_aside_counts(url: str) -> dict[int, int]:
    """{run id: rows it set aside}; read on each request, like the run history."""
    with _sessions(url)() as session:
        return quarantine_repository.counts(session)


def set_aside_rows(url: str, run_id: int) -> list[BadRow]:
    """The rows a run set aside (at most 5 % of its file; not cached, they are read rarely)."""
    with _sessions(url)() as session:
        return quarantine_repository.bad_rows(session, run_id)


@cache.per_run
def set_aside_summary(url: str, run_id: int) -> dict:
    """{"count", "reasons": {reason: rows}} of the rows a run set aside."""
    return quarantine.summary(set_aside_rows(url, run_id))


# The most runs run_history lists.
RUN_HISTORY_LIMIT = 100


def run_history(url: str, input_kinds: tuple[str, ...] = (CUSTOMER_FILE,)) -> pd.DataFrame:
    """The newest runs of the given input kinds (customer files unless asked otherwise), of
    any status, newest first; read on each request since runs keep arriving. An order-log
    run's model is its repeat-purchase classifier."""
    with _sessions(url)() as session:
        pairs = [
            pair
            for kind in input_kinds
            for pair in repository.run_history(session, RUN_HISTORY_LIMIT, input_kind=kind)
        ]
        pairs = sorted(pairs, key=lambda pair: pair[0].id, reverse=True)[:RUN_HISTORY_LIMIT]
        rows = [
            {
                "run_id": run.id,
                "created_at": run.created_at,
                "input_name": run.input_name,
                "input_kind": run.input_kind,
                "rows": run.rows,
                "k": run.k,
                "status": run.status,
                "model": model.name if model else None,
                "cv_roc_auc": model.metrics["cv"]["roc_auc"] if model else None,
                # Order-log runs hold no accuracy on a holdout of customers.
                "holdout_accuracy": (model.metrics.get("holdout") or {}).get("accuracy")
                if model
                else None,
                "error": run.error,
            }
            for run, model in pairs
        ]
    return pd.DataFrame(
        rows,
        columns=[
            "run_id",
            "created_at",
            "input_name",
            "input_kind",
            "rows",
            "k",
            "status",
            "model",
            "cv_roc_auc",
            "holdout_accuracy",
            "error",
        ],
    )


MODEL_METRICS = ("roc_auc", "pr_auc", "brier", "log_loss", "accuracy", "f1")


@dataclass(frozen=True)
class SelectedModel:
    """The published model's evaluation: holdout curves, importance and its model card."""

    name: str
    params: dict
    calibrated: bool
    threshold: float
    cv_metrics: dict
    holdout_metrics: dict
    roc: pd.DataFrame
    pr: pd.DataFrame
    calibration: pd.DataFrame
    lift: pd.DataFrame
    importance: pd.DataFrame
    # Holdout customers counted per y (bought, 0/1) and score (the model's probability).
    holdout: pd.DataFrame
    card: dict
    sklearn_version: str | None
    # Holdout fairness by group and the sampling study (analytics.steps.fairness and
    # classifier.sampling); None for runs stored before them and Spark runs.
    fairness: dict | None = None
    sampling: dict | None = None


@dataclass(frozen=True)
class ModelReport:
    """Every candidate's CV metrics (the selected one first) and the selected model, which is
    None when the run had too little data for one (its notes say why)."""

    comparison: pd.DataFrame
    selected: SelectedModel | None
    notes: list[str]


@cache.per_run
def model_report(url: str, run_id: int) -> ModelReport:
    """Callers must not modify the frames they get: they are cached for the run."""
    with _sessions(url)() as session:
        stored = repository.run_models(session, run_id)
        notes = list(repository.run_by_id(session, run_id).notes or [])
    comparison = pd.DataFrame(
        [
            {
                "name": model.name,
                **{metric: model.metrics["cv"][metric] for metric in MODEL_METRICS},
                "cv_rows": model.metrics.get("cv_rows"),
                "selected": bool(model.is_selected),
                "calibrated": bool(model.calibrated),
            }
            for model in stored
        ],
        columns=["name", *MODEL_METRICS, "cv_rows", "selected", "calibrated"],
    ).sort_values(["selected", "roc_auc"], ascending=[False, False], ignore_index=True)
    chosen = next((model for model in stored if model.is_selected), None)
    return ModelReport(comparison, None if chosen is None else _selected_model(chosen), notes)


def _selected_model(stored) -> SelectedModel:
    curves = stored.curves
    return SelectedModel(
        name=stored.name,
        params=dict(stored.params),
        calibrated=bool(stored.calibrated),
        threshold=float(stored.threshold),
        cv_metrics=dict(stored.metrics["cv"]),
        holdout_metrics=dict(stored.metrics["holdout"]),
        roc=pd.DataFrame(curves["roc"]),
        pr=pd.DataFrame(curves["pr"]),
        calibration=pd.DataFrame(curves["calibration"]),
        lift=pd.DataFrame(curves["lift"]),
        importance=pd.DataFrame(stored.explanation["importance"]),
        holdout=_holdout(curves["holdout"]),
        card=dict(stored.card),
        sklearn_version=stored.sklearn_version,
        fairness=stored.metrics.get("fairness"),
        sampling=stored.metrics.get("sampling"),
    )
