"""Choosing the purchase model (split, cross-validate, calibrate, refit: `choose_model`) and
evaluating the choice on its holdout (`evaluate_choice`), in this process or in workers."""

import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import pandas as pd
from joblib import Parallel, delayed
from joblib.externals.loky import get_reusable_executor
from sklearn.base import BaseEstimator

from analytics.config import (
    IMPORTANCE_ROWS,
    MODEL_SELECTION_ROWS,
    PARALLEL_CV_ROWS,
    RANDOM_STATE,
    TEST_SIZE,
    cv_folds,
)
from analytics.steps.classifier.calibration import PlattCalibrated, choose_calibration
from analytics.steps.classifier.candidates import (
    CANDIDATES,
    Candidate,
    build_pipeline,
    model_features,
    numeric_inputs,
)
from analytics.steps.classifier.cross_validation import (
    cross_validate,
    sample_positions,
    split_positions,
    stratified_sample,
)
from analytics.steps.classifier.evaluation import (
    THRESHOLD,
    classification_metrics,
    evaluation_curves,
)
from analytics.steps.classifier.explanation import permutation_importance, reference_customer
from analytics.steps.classifier.sampling import sampling_study
from analytics.steps.fairness import fairness_report


@dataclass(frozen=True)
class ModelSelection:
    name: str
    model: BaseEstimator
    params: dict
    features: list[str]
    calibrated: bool
    threshold: float
    comparison: pd.DataFrame
    cv_metrics: dict
    holdout_metrics: dict
    curves: dict
    importance: pd.DataFrame
    reference: dict
    train_rows: int
    test_rows: int
    selection_rows: int
    cv_folds: int
    # The study around the model (absent from the Spark engine's): holdout fairness by group
    # (analytics.steps.fairness), the sampling study (sampling) and the fold models behind
    # each probability's interval (uncertainty).
    fairness: dict | None = None
    sampling: dict | None = None
    fold_models: list = field(default_factory=list)


@dataclass(frozen=True)
class ModelChoice:
    """A chosen, calibrated and refitted model with the holdout it is to be evaluated on."""

    name: str
    model: BaseEstimator
    params: dict
    features: list[str]
    calibrated: bool
    comparison: pd.DataFrame
    cv_metrics: dict
    reference: dict
    train_rows: int
    selection_rows: int
    x_test: pd.DataFrame
    y_test: pd.Series
    sampling: dict
    fold_models: list


def choose_model(
    customers: pd.DataFrame,
    seed: int = RANDOM_STATE,
    candidates: Mapping[str, Candidate] = CANDIDATES,
    progress: Callable[[str], None] = lambda _: None,
    jobs: int = 1,
    extras: Sequence[str] = (),
) -> ModelChoice:
    """choose_model up to its holdout evaluation: split, cross-validate, calibrate, refit.
    `extras` are columns of the file named by --features, inputs beside the reference ones."""
    features = model_features(customers, extras)
    x = customers[features]
    y = customers["Purchased"].astype(int)
    # Positions first, rows later: the same rows as splitting the frames (train_test_split draws
    # them from the labels alone), and the cross-validation need not wait for a million-row copy.
    train_rows, test_rows = split_positions(y.to_numpy(), TEST_SIZE, seed)
    select_rows = train_rows[sample_positions(y.to_numpy()[train_rows], MODEL_SELECTION_ROWS, seed)]
    x_select, y_select = x.iloc[select_rows], y.iloc[select_rows]
    workers = cv_workers(len(customers), jobs)
    progress(
        f"cross-validating {len(candidates)} candidate models on {len(x_select):,} rows"
        + (f" in {workers} processes" if workers > 1 else "")
    )
    searches = cross_validate(candidates, features, x_select, y_select, seed, workers)

    rows, results = [], {}
    for name, result in searches:
        results[name] = result
        ys, scores = result.y, result.scores
        rows.append(
            {
                "name": name,
                "params": result.params,
                "rows": len(ys),
                **classification_metrics(ys, scores),
            }
        )
        progress(f"cross-validated {name}: ROC-AUC {rows[-1]['roc_auc']:.3f}")
    comparison = pd.DataFrame(rows).sort_values(["roc_auc", "brier"], ascending=[False, True])
    winner = comparison.iloc[0]
    name, params = winner["name"], winner["params"]

    platt = choose_calibration(results[name].y, results[name].scores, winner, seed)

    x_train, y_train = x.iloc[train_rows], y.iloc[train_rows]
    progress(f"refitting {name} on {len(x_train):,} training rows")
    candidate = candidates[name]
    x_fit, y_fit = stratified_sample(x_train, y_train, candidate.max_rows, seed)
    estimator = candidate.make(seed).set_params(**params, **candidate.refit_params(len(x_fit)))
    fitted = build_pipeline(estimator, features, numeric_inputs(x, features)).fit(x_fit, y_fit)
    # Threaded prediction sums tree votes in a varying order, so the last digit of a probability
    # could change between calls; one thread is deterministic and quicker for single rows.
    if "n_jobs" in fitted.named_steps["classifier"].get_params():
        fitted.set_params(classifier__n_jobs=1)
    # The fold models behind each probability's interval are the winner's cross-validation fits.
    fold_models = [
        PlattCalibrated(fold, platt.slope, platt.intercept) if platt.calibrate else fold
        for fold in results[name].fold_models
    ]
    return ModelChoice(
        name=name,
        model=PlattCalibrated(fitted, platt.slope, platt.intercept) if platt.calibrate else fitted,
        params=params,
        features=features,
        calibrated=platt.calibrate,
        comparison=comparison.reset_index(drop=True),
        cv_metrics=platt.cv_metrics,
        reference=reference_customer(x_train),
        train_rows=len(x_train),
        selection_rows=len(x_select),
        x_test=x.iloc[test_rows],
        y_test=y.iloc[test_rows],
        sampling=sampling_study(
            y.to_numpy(), train_rows, test_rows, y_select.to_numpy(), cv_folds(len(x_select)), seed
        ),
        fold_models=fold_models,
    )


def evaluate_choice(choice: ModelChoice, seed: int = RANDOM_STATE) -> ModelSelection:
    """The choice evaluated on its holdout: metrics, curves and permutation importance. Pure,
    so that it can run in another process."""
    model, features = choice.model, choice.features
    test_scores = model.predict_proba(choice.x_test)[:, 1]
    x_shuffled, y_shuffled = stratified_sample(choice.x_test, choice.y_test, IMPORTANCE_ROWS, seed)
    importance_mean, importance_std = permutation_importance(
        model, x_shuffled, y_shuffled, n_repeats=5, seed=seed
    )
    return ModelSelection(
        name=choice.name,
        model=model,
        params=choice.params,
        features=features,
        calibrated=choice.calibrated,
        threshold=THRESHOLD,
        comparison=choice.comparison,
        cv_metrics=choice.cv_metrics,
        holdout_metrics=classification_metrics(choice.y_test, test_scores),
        curves=evaluation_curves(choice.y_test.to_numpy(), test_scores, THRESHOLD),
        importance=pd.DataFrame(
            {
                "feature": features,
                "mean": importance_mean,
                "std": importance_std,
            }
        ).sort_values("mean", ascending=False, ignore_index=True),
        reference=choice.reference,
        train_rows=choice.train_rows,
        test_rows=len(choice.x_test),
        selection_rows=choice.selection_rows,
        cv_folds=cv_folds(choice.selection_rows),
        fairness=fairness_report(choice.y_test, test_scores, THRESHOLD, choice.x_test),
        sampling=choice.sampling,
        fold_models=choice.fold_models,
    )


def cv_workers(customers: int, jobs: int) -> int:
    """The worker processes choose_model gives its fits for this many customers: `jobs` once
    the selection sample (of the training part) reaches PARALLEL_CV_ROWS, else none but itself."""
    train_rows = customers - math.ceil(TEST_SIZE * customers)  # as train_test_split splits
    return jobs if min(train_rows, MODEL_SELECTION_ROWS) >= PARALLEL_CV_ROWS else 1


def start_workers(jobs: int) -> Future:
    """Start choose_model's `jobs` worker processes in the background: each spends a second or
    two importing scikit-learn, which can overlap reading the data. choose_model then reuses
    them; the future is done once they are ready."""
    return _in_background(lambda: Parallel(n_jobs=jobs)(delayed(_ready)() for _ in range(jobs)))


def evaluate_in_worker(choice: ModelChoice, seed: int, jobs: int) -> Future:
    """evaluate_choice in one of choose_model's worker processes; the future is its result.
    This process meanwhile does other work (a run stores its customers)."""
    return _in_background(
        lambda: Parallel(n_jobs=jobs)([delayed(evaluate_choice)(choice, seed)])[0]
    )


def discard_worker_pool() -> None:
    """Stop the worker processes that choose_model and evaluate_in_worker share (joblib's
    reusable pool), so that the next run starts a fresh pool. After a worker died
    (BrokenProcessPool) the old pool, and any worker it still has, is not to be trusted."""
    # Asked for with other arguments than joblib's own, the pool stops its workers and hands
    # back a new, idle pool, stopped in turn.
    get_reusable_executor(kill_workers=True).shutdown(wait=True, kill_workers=True)


def _in_background(call: Callable[[], object]) -> Future:
    """`call()` on a thread of its own, which waits on worker processes so that this one can
    go on; the future is its result."""
    thread = ThreadPoolExecutor(max_workers=1)
    result = thread.submit(call)
    thread.shutdown(wait=False)
    return result


def _ready() -> None:
    """Nothing: unpickling it in a worker imports this module, hence scikit-learn."""
