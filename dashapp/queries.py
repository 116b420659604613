"""What the pages read from the database. A published run never changes, so reads are cached
per run id; only `latest_run` goes to the database on every page load."""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import flask
import pandas as pd

from analytics.classifier import load_model
from analytics.config import SCATTER_SAMPLE
from analytics.db import repository
from analytics.db.session import session_factory


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


def latest_run(url: str) -> RunInfo | None:
    with session_factory(url)() as session:
        run = repository.latest_published_run(session)
        if run is None:
            return None
        return RunInfo(run.id, run.created_at, run.input_name, run.rows, run.k)


@lru_cache(maxsize=16)
def overview(url: str, run_id: int) -> Overview:
    with session_factory(url)() as session:
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


@lru_cache(maxsize=16)
def scatter_points(url: str, run_id: int, limit: int = SCATTER_SAMPLE) -> pd.DataFrame:
    with session_factory(url)() as session:
        return repository.customer_sample(session, run_id, limit)


@lru_cache(maxsize=4)
def purchase_model(url: str, run_id: int) -> PurchaseModel | None:
    """The run's fitted model, unpickled once per process (it was stored by our own pipeline)."""
    with session_factory(url)() as session:
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


@lru_cache(maxsize=2)
def customers(url: str, run_id: int) -> pd.DataFrame:
    """Every customer of a run, read once per process: filters and what-ifs then run in memory
    (a 100k-customer frame filters in milliseconds; a database round trip per callback does not).
    Callers must not modify the frame they get."""
    with session_factory(url)() as session:
        return repository.run_customers(session, run_id)
