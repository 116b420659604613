"""What the pages read of order-log runs (input_kind "orders"), beside dashapp.data.queries which
reads customer-file runs. The same rules: read only, cached per run id, the newest published
run looked up on every page load."""

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from analytics.db import behaviour_repository, repository
from analytics.db.models import ORDER_LOG, PUBLISHED, Model
from analytics.runs.order_log_store import VALUE_MODEL_NAME
from analytics.steps.classifier import load_model
from dashapp.data import cache
from dashapp.data.queries import (
    _sessions,
    _sqlite_files_seen,
    app_database_url,
    note_newest_run,
    sqlite_file,
)

# The aggregates an order-log run stores for the dashboard (analytics.steps.order_summaries).
SUMMARY_AGGREGATES = (
    "order_kpis",
    "rfm_grid",
    "rfm_groups",
    "rfm_moves",
    "value_by_segment",
    "at_risk",
    "backtest",
)


@dataclass(frozen=True)
class OrderRunInfo:
    id: int
    created_at: datetime
    input_name: str
    customers: int
    k: int | None


@dataclass(frozen=True)
class OrderSummary:
    """An order-log run's aggregates by name (None where the run stored none, as `backtest`
    without --holdout-from), its segment profiles and its models' stored figures."""

    aggregates: dict
    segments: pd.DataFrame
    repeat_model: dict | None
    value_model: dict | None
    notes: list[str]

    def __getitem__(self, name: str):
        return self.aggregates.get(name)


@dataclass(frozen=True)
class RepeatModel:
    """An order-log run's fitted repeat-purchase classifier and its value model's parameters,
    what the what-if needs to score an imagined customer."""

    name: str
    estimator: object
    features: list[str]
    value_params: dict


def latest_order_run(url: str) -> OrderRunInfo | None:
    """The newest published order-log run; None without one (or without a database yet).
    DatabaseMissing, as queries.latest_run, when a SQLite file this process has read went away."""
    path = sqlite_file(url)
    if path is not None and not path.exists() and path not in _sqlite_files_seen:
        return None
    with _sessions(url)() as session:
        note_newest_run(session, url)
        run = repository.latest_published_run(session, ORDER_LOG)
        if run is None:
            return None
        return OrderRunInfo(run.id, run.created_at, run.input_name, run.rows, run.k)


@cache.per_run
def previous_order_run(url: str, run_id: int) -> OrderRunInfo | None:
    """The published order-log run before `run_id`, whose KPIs the overview and /customers
    compare with; None for the first."""
    with _sessions(url)() as session:
        run = behaviour_repository.previous_order_run(session, run_id)
        if run is None:
            return None
        return OrderRunInfo(run.id, run.created_at, run.input_name, run.rows, run.k)


def published_order_run_id(value: object) -> int | None:
    """`value` (a run id the client sent) if it is a published order-log run's id, else None."""
    if type(value) is not int or not 0 < value < 2**63:
        return None
    with _sessions(app_database_url())() as session:
        run = repository.run_by_id(session, value)
        ok = run is not None and run.status == PUBLISHED and run.input_kind == ORDER_LOG
        return value if ok else None


def _figures(model: Model | None) -> dict | None:
    if model is None:
        return None
    return {
        "name": model.name,
        "params": dict(model.params or {}),
        "metrics": dict(model.metrics or {}),
        "importance": (model.explanation or {}).get("importance"),
        "card": dict(model.card or {}),
    }


@cache.per_run
def order_summary(url: str, run_id: int) -> OrderSummary:
    with _sessions(url)() as session:
        models = repository.run_models(session, run_id)
        run = repository.run_by_id(session, run_id)
        return OrderSummary(
            aggregates={
                name: repository.aggregate(session, run_id, name) for name in SUMMARY_AGGREGATES
            },
            segments=pd.DataFrame([row.profile for row in repository.segments(session, run_id)]),
            repeat_model=_figures(next((m for m in models if m.is_selected), None)),
            value_model=_figures(next((m for m in models if m.name == VALUE_MODEL_NAME), None)),
            notes=list(run.notes or []),
        )


@cache.process_local(maxsize=2)
def behaviour_customers(url: str, run_id: int) -> pd.DataFrame:
    """Every customer of an order-log run (customer_behaviour), read once per process. Callers
    must not modify the frame they get."""
    with _sessions(url)() as session:
        return behaviour_repository.run_behaviour(session, run_id)


@cache.process_local(maxsize=2)
def repeat_model(url: str, run_id: int) -> RepeatModel | None:
    """The run's repeat classifier, unpickled once per process (stored by our own pipeline)."""
    with _sessions(url)() as session:
        selected = repository.selected_model(session, run_id)
        value = next(
            (m for m in repository.run_models(session, run_id) if m.name == VALUE_MODEL_NAME), None
        )
        if selected is None:
            return None
        return RepeatModel(
            name=selected.name,
            estimator=load_model(selected.artifact, selected.sklearn_version),
            features=list(selected.features),
            value_params=dict(value.params) if value is not None else {},
        )


def order_run(url: str, run_id: int) -> OrderRunInfo | None:
    """A published order-log run by its id (validated, as by published_order_run_id); None for
    any other id."""
    with _sessions(url)() as session:
        note_newest_run(session, url)
        run = repository.run_by_id(session, run_id)
        if run is None or run.status != PUBLISHED or run.input_kind != ORDER_LOG:
            return None
        return OrderRunInfo(run.id, run.created_at, run.input_name, run.rows, run.k)
