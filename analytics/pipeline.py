"""One analytics run, end to end: the only module here that does I/O."""

import contextlib
import hashlib
import platform
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn

from analytics import eda
from analytics.classifier import TrainedModel, dump_model, train_purchase_model
from analytics.config import MIN_ROWS, MIN_ROWS_PER_CLASS, RANDOM_STATE
from analytics.db import repository
from analytics.db.models import FAILED, PUBLISHED, Aggregate, KScore, Model, Run, Segment
from analytics.db.session import session_factory
from analytics.segmentation import Segmentation, segment_customers
from analytics.validation import InputError, read_customers

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Analysis:
    """Everything a run computes from validated customers, before anything is stored."""

    customers: pd.DataFrame
    aggregates: dict
    segmentation: Segmentation
    model: TrainedModel


def analyse(
    customers: pd.DataFrame,
    k: int | str = "auto",
    seed: int = RANDOM_STATE,
    progress: Progress = lambda _: None,
) -> Analysis:
    """Pure computation over a validated frame: EDA aggregates, segments, purchase model."""
    progress("exploring the data")
    aggregates = {
        "kpis": eda.kpis(customers),
        "age_distribution": eda.age_distribution(customers).to_dict("records"),
        "salary_by_purchase": eda.salary_by_purchase(customers).to_dict("records"),
        "correlation": eda.correlation_matrix(customers).to_dict("split"),
        "feature_ranges": eda.feature_ranges(customers),
    }
    progress("segmenting customers with K-Means")
    segmentation = segment_customers(customers, k=k, seed=seed)
    progress("training the purchase model")
    model = train_purchase_model(customers, seed=seed)
    sample_rank = np.random.default_rng(seed).permutation(len(customers))
    return Analysis(
        customers=customers.assign(segment=segmentation.labels, sample_rank=sample_rank),
        aggregates=aggregates,
        segmentation=segmentation,
        model=model,
    )


def check_enough_data(customers: pd.DataFrame, source: str) -> None:
    buyers = int(customers["Purchased"].sum())
    non_buyers = len(customers) - buyers
    if len(customers) < MIN_ROWS:
        raise InputError(
            f"{source}: {len(customers)} data rows is too few to segment and model; "
            f"at least {MIN_ROWS} are needed."
        )
    if min(buyers, non_buyers) < MIN_ROWS_PER_CLASS:
        raise InputError(
            f"{source}: column 'Purchased' has {buyers} buyers and {non_buyers} non-buyers; "
            f"the purchase model needs at least {MIN_ROWS_PER_CLASS} of each."
        )


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    rows: int
    k: int
    segment_sizes: list[int]
    model: dict

    def as_dict(self) -> dict:
        return {
            "run_id": self.run_id,
            "rows": self.rows,
            "k": self.k,
            "segment_sizes": self.segment_sizes,
            "model": self.model,
        }


def run(
    input_path: str | Path,
    database_url: str,
    k: int | str = "auto",
    seed: int = RANDOM_STATE,
    progress: Progress = lambda _: None,
) -> RunSummary:
    """Validate, analyse and store one run; it becomes visible only once fully written."""
    input_path = Path(input_path)
    progress(f"reading and validating {input_path.name}")
    customers = read_customers(input_path)
    check_enough_data(customers, input_path.name)
    analysis = analyse(customers, k=k, seed=seed, progress=progress)

    progress(f"saving {len(customers):,} customers and results")
    sessions = session_factory(database_url)
    run_fields = {
        "input_name": input_path.name,
        "input_sha256": _sha256(input_path),
        "rows": len(customers),
        "k": analysis.segmentation.k,
        "params": {"k": k, "seed": seed},
        "versions": _library_versions(),
    }
    run_record = Run(**run_fields)
    try:
        with sessions.begin() as session:
            session.add(run_record)
            session.flush()
            _store_results(session, run_record.id, analysis)
            run_record.status = PUBLISHED
            run_record.finished_at = datetime.now(UTC)
    except Exception as error:
        _record_failure(sessions, run_fields, error)
        raise

    return RunSummary(
        run_id=run_record.id,
        rows=len(customers),
        k=analysis.segmentation.k,
        segment_sizes=analysis.segmentation.profiles["size"].astype(int).tolist(),
        model={"name": analysis.model.name, **analysis.model.metrics},
    )


def _store_results(session, run_id: int, analysis: Analysis) -> None:
    repository.insert_customers(session, run_id, analysis.customers)
    for profile in analysis.segmentation.profiles.to_dict("records"):
        session.add(
            Segment(
                run_id=run_id,
                segment=int(profile["segment"]),
                name=profile["name"],
                size=int(profile["size"]),
                profile={key: _plain(value) for key, value in profile.items()},
            )
        )
    for score in analysis.segmentation.k_scores.to_dict("records"):
        session.add(
            KScore(
                run_id=run_id,
                k=int(score["k"]),
                silhouette=score["silhouette"],
                inertia=score["inertia"],
            )
        )
    for name, payload in analysis.aggregates.items():
        session.add(Aggregate(run_id=run_id, name=name, payload=_plain(payload)))
    model = analysis.model
    session.add(
        Model(
            run_id=run_id,
            name=model.name,
            params=model.params,
            features=model.features,
            metrics=model.metrics,
            sklearn_version=sklearn.__version__,
            artifact=dump_model(model.pipeline),
            is_selected=True,
        )
    )


def _record_failure(sessions, run_fields: dict, error: Exception) -> None:
    """Keep a visible trace of a failed run; the published run is untouched either way."""
    # Best effort: if the database itself is the failure, the original error is what to report.
    with contextlib.suppress(Exception), sessions.begin() as session:
        session.add(
            Run(
                **run_fields,
                status=FAILED,
                error=f"{type(error).__name__}: {error}",
                finished_at=datetime.now(UTC),
            )
        )


def _plain(value):
    """JSON-safe copies of numpy scalars and nested containers."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _library_versions() -> dict:
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "pandas": pd.__version__,
        "numpy": np.__version__,
    }
