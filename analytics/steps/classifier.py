"""Purchase-propensity models: seven candidates, chosen by cross-validation, explained.

How a model is chosen (`select_model`):
1. A stratified 80/20 split (seeded) keeps a holdout that no choice ever sees.
2. Each candidate is a Pipeline whose ColumnTransformer scales and encodes, so preprocessing is
   fitted on training folds only. A small grid per candidate is searched by stratified
   cross-validation (5 folds; 3 from LARGE_SAMPLE_ROWS rows on, see analytics.config.cv_folds)
   on (a stratified sample of at most MODEL_SELECTION_ROWS of) the training part; the
   out-of-fold predictions of its best setting give its CV metrics. Each fold's preprocessing
   is fitted once and shared by every fit on that fold (the same scores as fitting each whole
   pipeline). On a large sample the fold fits run in worker processes (every fit is seeded, so
   the choice is the same however many run at once).
3. The candidate with the highest CV ROC-AUC wins (ties go to the lower CV Brier score).
4. A Platt (sigmoid) map from the winner's out-of-fold scores to probabilities is tried; it is
   kept only if it lowers the CV Brier score (itself cross-validated over those scores).
5. The winner is refitted on the whole training part and reported on the holdout
   (`choose_model` is steps 1-5 up to the refit, `evaluate_choice` the holdout report).

Explanations: permutation importance on the holdout, and, per prediction, exact Shapley values
of the four inputs against a reference customer (median age, salary and price, most common
gender of the training rows): the contributions add up to p(customer) - p(reference).
"""

import io
import itertools
import math
import pickle
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sklearn
from joblib import Parallel, delayed
from scipy.special import expit, logit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV, calibration_curve
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    log_loss,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)
from sklearn.model_selection import ParameterGrid, StratifiedKFold, train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_limits

from analytics.config import (
    CV_FOLDS,
    IMPORTANCE_ROWS,
    MODEL_SELECTION_ROWS,
    PARALLEL_CV_ROWS,
    RANDOM_STATE,
    TEST_SIZE,
    cv_folds,
)

NUMERIC_FEATURES = ["Age", "Salary", "Price"]
CATEGORICAL_FEATURES = ["Gender"]
THRESHOLD = 0.5
# Kernel and neighbour methods grow quadratically (or in predict time) with rows: cap them.
_SMALL_DATA_ROWS = 2_000
# A forest is 150 trees: cross-validate it on fewer rows, and give each tree of the final fit
# a bootstrap sample of at most this many rows, so a million-row refit stays seconds.
_FOREST_ROWS = 5_000
_FOREST_TREE_ROWS = 50_000


@dataclass(frozen=True)
class Candidate:
    make: Callable[[int], BaseEstimator]
    grid: dict
    max_rows: int | None = None  # the most rows it is ever fitted on
    cv_rows: int | None = None  # the most rows it is cross-validated on
    # Parameters for the final fit on this many rows (to bound its time and size).
    refit_params: Callable[[int], dict] = lambda rows: {}


CANDIDATES = {
    "Logistic Regression": Candidate(
        lambda seed: LogisticRegression(max_iter=1_000), {"C": [0.1, 1.0, 10.0]}
    ),
    "Decision Tree": Candidate(
        lambda seed: DecisionTreeClassifier(random_state=seed),
        {"max_depth": [3, 5, 8], "min_samples_leaf": [5, 20]},
    ),
    # Bounded leaves keep the artifact small and fitting linear at a million rows. Trees are
    # grown on one thread in cross-validation (the fold fits are what run in parallel) and on
    # every core for the final fit.
    "Random Forest": Candidate(
        lambda seed: RandomForestClassifier(
            n_estimators=150, max_leaf_nodes=512, random_state=seed
        ),
        {"min_samples_leaf": [3, 5, 10]},
        cv_rows=_FOREST_ROWS,
        refit_params=lambda rows: {
            "n_jobs": -1,
            **({"max_samples": _FOREST_TREE_ROWS} if rows > _FOREST_TREE_ROWS else {}),
        },
    ),
    # An SVM has no probabilities of its own; a sigmoid fitted by inner CV supplies them.
    "SVM": Candidate(
        lambda seed: CalibratedClassifierCV(SVC(random_state=seed), ensemble=False, cv=3),
        {"estimator__C": [0.3, 1.0, 3.0]},
        max_rows=_SMALL_DATA_ROWS,
    ),
    "Naive Bayes": Candidate(lambda seed: GaussianNB(), {}),
    "KNN": Candidate(
        lambda seed: KNeighborsClassifier(),
        {"n_neighbors": [15, 31, 51]},
        max_rows=_SMALL_DATA_ROWS,
    ),
    "HistGradientBoosting": Candidate(
        lambda seed: HistGradientBoostingClassifier(random_state=seed, early_stopping=False),
        {"learning_rate": [0.05, 0.1], "max_depth": [3, None]},
    ),
}


class ModelVersionError(RuntimeError):
    """A stored model was written by another scikit-learn version and is not trusted to load."""


class PlattCalibrated(ClassifierMixin, BaseEstimator):
    """A fitted classifier whose scores pass through a sigmoid fitted on out-of-fold scores."""

    def __init__(self, estimator, slope: float, intercept: float):
        self.estimator = estimator
        self.slope = slope
        self.intercept = intercept

    @property
    def classes_(self):
        return self.estimator.classes_

    def fit(self, x, y):
        raise NotImplementedError("PlattCalibrated wraps an already fitted estimator")

    def predict_proba(self, x) -> np.ndarray:
        score = self.estimator.predict_proba(x)[:, 1]
        probability = expit(self.slope * _logit(score) + self.intercept)
        return np.column_stack([1 - probability, probability])

    def predict(self, x) -> np.ndarray:
        return (self.predict_proba(x)[:, 1] >= THRESHOLD).astype(int)


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


def model_features(customers: pd.DataFrame) -> list[str]:
    """The model inputs this data has: Price is optional."""
    return [
        c
        for c in NUMERIC_FEATURES + CATEGORICAL_FEATURES
        if c in customers.columns and customers[c].notna().any()
    ]


def build_pipeline(estimator: BaseEstimator, features: list[str]) -> Pipeline:
    """Scaling and encoding live inside the Pipeline, so they are fitted on training rows only."""
    return Pipeline([("preprocess", preprocessor(features)), ("classifier", estimator)])


def preprocessor(features: list[str]) -> ColumnTransformer:
    """Every candidate's first step: numeric inputs scaled, gender one-hot encoded."""
    return ColumnTransformer(
        [
            ("numeric", StandardScaler(), [f for f in features if f in NUMERIC_FEATURES]),
            (
                "categorical",
                # A missing gender (e.g. a what-if without one) falls back to the most common.
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")
                ),
                [f for f in features if f in CATEGORICAL_FEATURES],
            ),
        ]
    )


def select_model(
    customers: pd.DataFrame,
    seed: int = RANDOM_STATE,
    candidates: Mapping[str, Candidate] = CANDIDATES,
    progress: Callable[[str], None] = lambda _: None,
    jobs: int = 1,
) -> ModelSelection:
    """Choose, calibrate, refit and evaluate a purchase model (see the module docstring).

    `jobs` worker processes share the cross-validation fits once the selection sample has
    PARALLEL_CV_ROWS rows; below that, starting them would cost more than they save.
    """
    choice = choose_model(customers, seed, candidates, progress, jobs)
    progress("evaluating on the holdout and explaining")
    return evaluate_choice(choice, seed)


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


def choose_model(
    customers: pd.DataFrame,
    seed: int = RANDOM_STATE,
    candidates: Mapping[str, Candidate] = CANDIDATES,
    progress: Callable[[str], None] = lambda _: None,
    jobs: int = 1,
) -> ModelChoice:
    """select_model up to its holdout evaluation: split, cross-validate, calibrate, refit."""
    features = model_features(customers)
    x = customers[features]
    y = customers["Purchased"].astype(int)
    # Positions first, rows later: the same rows as splitting the frames (train_test_split draws
    # them from the labels alone), and the cross-validation need not wait for a million-row copy.
    train_rows, test_rows = _split_positions(y.to_numpy(), TEST_SIZE, seed)
    select_rows = train_rows[
        _sample_positions(y.to_numpy()[train_rows], MODEL_SELECTION_ROWS, seed)
    ]
    x_select, y_select = x.iloc[select_rows], y.iloc[select_rows]
    workers = cv_workers(len(customers), jobs)
    progress(
        f"cross-validating {len(candidates)} candidate models on {len(x_select):,} rows"
        + (f" in {workers} processes" if workers > 1 else "")
    )
    searches = _cross_validate(candidates, features, x_select, y_select, seed, workers)

    rows, out_of_fold = [], {}
    for name, (params, ys, scores) in searches:
        out_of_fold[name] = (ys, scores)
        rows.append({"name": name, "params": params, "rows": len(ys), **_metrics(ys, scores)})
        progress(f"cross-validated {name}: ROC-AUC {rows[-1]['roc_auc']:.3f}")
    comparison = pd.DataFrame(rows).sort_values(["roc_auc", "brier"], ascending=[False, True])
    winner = comparison.iloc[0]
    name, params = winner["name"], winner["params"]

    y_oof, oof_scores = out_of_fold[name]
    slope, intercept, calibrated_brier = _platt_cv(y_oof.to_numpy(), oof_scores, seed)
    calibrate = calibrated_brier < winner["brier"]
    cv_metrics = {key: float(winner[key]) for key in _metrics(y_oof, oof_scores)}
    if calibrate:
        cv_metrics = _metrics(y_oof, expit(slope * _logit(oof_scores) + intercept))
    cv_metrics["uncalibrated_brier"] = float(winner["brier"])

    x_train, y_train = x.iloc[train_rows], y.iloc[train_rows]
    progress(f"refitting {name} on {len(x_train):,} training rows")
    candidate = candidates[name]
    x_fit, y_fit = _stratified_sample(x_train, y_train, candidate.max_rows, seed)
    estimator = candidate.make(seed).set_params(**params, **candidate.refit_params(len(x_fit)))
    fitted = build_pipeline(estimator, features).fit(x_fit, y_fit)
    # Threaded prediction sums tree votes in a varying order, so the last digit of a probability
    # could change between calls; one thread is deterministic and quicker for single rows.
    if "n_jobs" in fitted.named_steps["classifier"].get_params():
        fitted.set_params(classifier__n_jobs=1)
    return ModelChoice(
        name=name,
        model=PlattCalibrated(fitted, slope, intercept) if calibrate else fitted,
        params=params,
        features=features,
        calibrated=bool(calibrate),
        comparison=comparison.reset_index(drop=True),
        cv_metrics=cv_metrics,
        reference=reference_customer(x_train),
        train_rows=len(x_train),
        selection_rows=len(x_select),
        x_test=x.iloc[test_rows],
        y_test=y.iloc[test_rows],
    )


def evaluate_choice(choice: ModelChoice, seed: int = RANDOM_STATE) -> ModelSelection:
    """The choice evaluated on its holdout: metrics, curves and permutation importance. Pure,
    so that it can run in another process."""
    model, features = choice.model, choice.features
    test_scores = model.predict_proba(choice.x_test)[:, 1]
    x_shuffled, y_shuffled = _stratified_sample(choice.x_test, choice.y_test, IMPORTANCE_ROWS, seed)
    importance = permutation_importance(
        model, x_shuffled, y_shuffled, scoring="roc_auc", n_repeats=5, random_state=seed
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
        holdout_metrics=_metrics(choice.y_test, test_scores),
        curves=evaluation_curves(choice.y_test.to_numpy(), test_scores, THRESHOLD),
        importance=pd.DataFrame(
            {
                "feature": features,
                "mean": importance.importances_mean,
                "std": importance.importances_std,
            }
        ).sort_values("mean", ascending=False, ignore_index=True),
        reference=choice.reference,
        train_rows=choice.train_rows,
        test_rows=len(choice.x_test),
        selection_rows=choice.selection_rows,
        cv_folds=cv_folds(choice.selection_rows),
    )


@dataclass(frozen=True)
class _Sample:
    """Rows that candidates are cross-validated on, split into folds, each fold preprocessed as
    the candidates' pipelines would preprocess it (fitted on its training rows only)."""

    y: pd.Series
    splits: list[tuple[np.ndarray, np.ndarray]]  # per fold: training rows, validation rows
    folds: list[tuple[np.ndarray, pd.Series, np.ndarray]]  # x_train, y_train, x_valid


@dataclass(frozen=True)
class _Search:
    """One candidate's grid search: its settings and its sample."""

    settings: list[dict]
    sample: _Sample


def cv_workers(customers: int, jobs: int) -> int:
    """The worker processes select_model gives its fits for this many customers: `jobs` once
    the selection sample (of the training part) reaches PARALLEL_CV_ROWS, else none but itself."""
    train_rows = customers - math.ceil(TEST_SIZE * customers)  # as train_test_split splits
    return jobs if min(train_rows, MODEL_SELECTION_ROWS) >= PARALLEL_CV_ROWS else 1


def start_workers(jobs: int) -> Future:
    """Start select_model's `jobs` worker processes in the background: each spends a second or
    two importing scikit-learn, which can overlap reading the data. select_model then reuses
    them; the future is done once they are ready."""
    return _in_background(lambda: Parallel(n_jobs=jobs)(delayed(_ready)() for _ in range(jobs)))


def evaluate_in_worker(choice: ModelChoice, seed: int, jobs: int) -> Future:
    """evaluate_choice in one of select_model's worker processes; the future is its result.
    This process meanwhile does other work (a run stores its customers)."""
    return _in_background(
        lambda: Parallel(n_jobs=jobs)([delayed(evaluate_choice)(choice, seed)])[0]
    )


def _in_background(call: Callable[[], object]) -> Future:
    """`call()` on a thread of its own, which waits on worker processes so that this one can
    go on; the future is its result."""
    thread = ThreadPoolExecutor(max_workers=1)
    result = thread.submit(call)
    thread.shutdown(wait=False)
    return result


def _ready() -> None:
    """Nothing: unpickling it in a worker imports this module, hence scikit-learn."""


def _cross_validate(candidates, features, x, y, seed, workers):
    """Per candidate, in order: (best setting, sample labels, its out-of-fold scores).

    The best setting has the highest pooled out-of-fold ROC-AUC (the first of equals). Results
    are yielded as each candidate's last fold comes back, so progress can be reported.
    """
    folds = StratifiedKFold(cv_folds(len(x)), shuffle=True, random_state=seed)
    # Candidates with the same row cap share a sample, hence its preprocessed folds: fitting
    # the scaler and encoder once per fold instead of once per fit saves a second of CPU.
    samples: dict[int, _Sample] = {}
    searches = {}
    for name, candidate in candidates.items():
        cap = min(candidate.max_rows or len(x), candidate.cv_rows or len(x))
        if cap not in samples:
            samples[cap] = _cv_sample(*_stratified_sample(x, y, cap, seed), folds, features)
        searches[name] = _Search(list(ParameterGrid(candidate.grid)), samples[cap])
    fits = [
        (name, setting, fold)
        for name, search in searches.items()
        for setting in range(len(search.settings))
        for fold in range(len(search.sample.splits))
    ]
    fold_scores = Parallel(n_jobs=workers, return_as="generator")(
        delayed(_fold_scores)(
            candidates[name].make(seed).set_params(**searches[name].settings[setting]),
            *searches[name].sample.folds[fold],
        )
        for name, setting, fold in fits
    )
    scores = {
        name: [np.empty(len(search.sample.y)) for _ in search.settings]
        for name, search in searches.items()
    }
    remaining = {name: len(s.settings) * len(s.sample.splits) for name, s in searches.items()}
    for (name, setting, fold), valid_scores in zip(fits, fold_scores, strict=True):
        sample = searches[name].sample
        scores[name][setting][sample.splits[fold][1]] = valid_scores
        remaining[name] -= 1
        if remaining[name] == 0:
            aucs = [roc_auc_score(sample.y, s) for s in scores[name]]
            best = int(np.argmax(aucs))
            yield name, (searches[name].settings[best], sample.y, scores[name][best])


def _cv_sample(x: pd.DataFrame, y: pd.Series, folds: StratifiedKFold, features: list[str]):
    splits = list(folds.split(x, y))
    prepared = []
    for train_rows, valid_rows in splits:
        preprocess = preprocessor(features)
        prepared.append(
            (
                preprocess.fit_transform(x.iloc[train_rows]),
                y.iloc[train_rows],
                preprocess.transform(x.iloc[valid_rows]),
            )
        )
    return _Sample(y, splits, prepared)


def _fold_scores(estimator: BaseEstimator, x_train, y_train, x_valid) -> np.ndarray:
    """The validation rows' scores of `estimator` fitted on the training rows, both already
    preprocessed: the same as fitting and scoring its whole pipeline on the raw rows."""
    # Many small fits: OpenMP threads (HistGradientBoosting, KNN) cost more than they give.
    with threadpool_limits(limits=1):
        return estimator.fit(x_train, y_train).predict_proba(x_valid)[:, 1]


def _platt_cv(y: np.ndarray, scores: np.ndarray, seed: int) -> tuple[float, float, float]:
    """Fit a sigmoid on all scores, and estimate its Brier score by cross-validating it."""
    features = _logit(scores).reshape(-1, 1)
    calibrated = np.empty(len(y))
    for train_rows, valid_rows in StratifiedKFold(CV_FOLDS, shuffle=True, random_state=seed).split(
        features, y
    ):
        platt = LogisticRegression().fit(features[train_rows], y[train_rows])
        calibrated[valid_rows] = platt.predict_proba(features[valid_rows])[:, 1]
    platt = LogisticRegression().fit(features, y)
    return float(platt.coef_[0, 0]), float(platt.intercept_[0]), brier_score_loss(y, calibrated)


def _logit(probability: np.ndarray) -> np.ndarray:
    return logit(np.clip(probability, 1e-6, 1 - 1e-6))


def _metrics(y, scores: np.ndarray) -> dict:
    predicted = scores >= THRESHOLD
    return {
        "roc_auc": float(roc_auc_score(y, scores)),
        "pr_auc": float(average_precision_score(y, scores)),
        "brier": float(brier_score_loss(y, scores)),
        "log_loss": float(log_loss(y, np.clip(scores, 1e-6, 1 - 1e-6))),
        "accuracy": float(accuracy_score(y, predicted)),
        "f1": float(f1_score(y, predicted)),
    }


def _stratified_sample(x: pd.DataFrame, y: pd.Series, rows: int | None, seed: int):
    if rows is None or len(x) <= rows:
        return x, y
    kept = _sample_positions(y.to_numpy(), rows, seed)
    return x.iloc[kept], y.iloc[kept]


def _split_positions(y: np.ndarray, test_size: float, seed: int):
    """The positions of the rows train_test_split(x, y, stratify=y) puts in each part."""
    return train_test_split(np.arange(len(y)), test_size=test_size, stratify=y, random_state=seed)


def _sample_positions(y: np.ndarray, rows: int, seed: int) -> np.ndarray:
    """The positions of a stratified sample of `rows` of the labels `y` (all if fewer)."""
    if len(y) <= rows:
        return np.arange(len(y))
    return _split_positions(y, len(y) - rows, seed)[0]


def evaluation_curves(y: np.ndarray, scores: np.ndarray, threshold: float) -> dict:
    """ROC, precision-recall and calibration curves, the confusion matrix and lift by decile."""
    fpr, tpr, roc_thresholds = roc_curve(y, scores)
    precision, recall, _ = precision_recall_curve(y, scores)
    observed, predicted = calibration_curve(y, scores, n_bins=10, strategy="quantile")
    tn, fp, fn, tp = confusion_matrix(y, scores >= threshold, labels=[0, 1]).ravel()
    return {
        "roc": _thin({"fpr": fpr, "tpr": tpr, "threshold": np.minimum(roc_thresholds, 1.0)}),
        "pr": _thin({"precision": precision, "recall": recall}),
        "calibration": {"predicted": predicted.tolist(), "observed": observed.tolist()},
        "confusion": {
            "threshold": threshold,
            "tn": int(tn),
            "fp": int(fp),
            "fn": int(fn),
            "tp": int(tp),
        },
        "lift": lift_by_decile(y, scores),
        "holdout": holdout_counts(y, scores),
    }


def holdout_counts(y: np.ndarray, scores: np.ndarray) -> dict:
    """Holdout customers counted per (score to 4 decimals, bought): enough for pages to recompute
    a confusion matrix at any threshold, in at most 20,002 rows however large the holdout."""
    counts = (
        pd.DataFrame({"score": np.round(scores, 4), "y": np.asarray(y).astype(int)})
        .value_counts()
        .sort_index()
    )
    return {
        "score": counts.index.get_level_values("score").tolist(),
        "y": counts.index.get_level_values("y").tolist(),
        "customers": counts.tolist(),
    }


def lift_by_decile(y: np.ndarray, scores: np.ndarray) -> list[dict]:
    """Deciles from the highest scores down: buyers, rate, lift and cumulative gain."""
    order = np.argsort(-scores, kind="stable")
    deciles = np.array_split(order, 10)
    base_rate = y.mean()
    total_buyers = y.sum()
    rows, reached = [], 0
    for number, members in enumerate(deciles, start=1):
        buyers = int(y[members].sum())
        reached += buyers
        rate = buyers / len(members) if len(members) else 0.0
        rows.append(
            {
                "decile": number,
                "customers": len(members),
                "buyers": buyers,
                "rate": rate,
                "lift": rate / base_rate if base_rate else 0.0,
                "cumulative_gain": reached / total_buyers if total_buyers else 0.0,
            }
        )
    return rows


def _thin(curve: dict, points: int = 200) -> dict:
    length = len(next(iter(curve.values())))
    keep = np.unique(np.linspace(0, length - 1, min(points, length)).astype(int))
    return {key: np.asarray(values)[keep].round(5).tolist() for key, values in curve.items()}


def reference_customer(x: pd.DataFrame) -> dict:
    """Median numeric inputs and the most common gender: the baseline of the contributions."""
    reference = {c: float(x[c].median()) for c in x.columns if c in NUMERIC_FEATURES}
    reference.update({c: str(x[c].mode().iat[0]) for c in x.columns if c in CATEGORICAL_FEATURES})
    return reference


def customer_frame(
    features: list[str], inputs: Mapping[str, object] | list[Mapping[str, object]]
) -> pd.DataFrame:
    """A frame of one customer (or a list of them) with exactly the model's columns, typed as
    in training (a missing gender stays missing for the pipeline to impute)."""
    rows = [inputs] if isinstance(inputs, Mapping) else inputs
    return _typed(
        pd.DataFrame([{f: row.get(f) for f in features} for row in rows], columns=features),
        features,
    )


def _typed(frame: pd.DataFrame, features: list[str]) -> pd.DataFrame:
    """The model's columns of `frame`, numeric ones as floats and the others as objects."""
    typed = frame[features].copy()
    for column in features:
        if column in NUMERIC_FEATURES:
            typed[column] = typed[column].astype(float)
        else:
            # NaN, not None: the imputer sees only NaN as missing, and a column of nothing but
            # None (one customer without a gender) would otherwise reach the encoder as a category.
            typed[column] = typed[column].astype(object).where(typed[column].notna(), np.nan)
    return typed


def predict_probability(model, features: list[str], inputs: Mapping[str, object]) -> float:
    """Purchase probability for one customer; the single source of truth for CLI and dashboard."""
    return float(predict_probabilities(model, features, [inputs])[0])


def predict_probabilities(
    model, features: list[str], customers: list[Mapping[str, object]]
) -> np.ndarray:
    """Purchase probabilities for many customers in one batch (the API predicts lists)."""
    for inputs in customers:
        missing = [f for f in features if f in NUMERIC_FEATURES and inputs.get(f) is None]
        if missing:
            raise ValueError(f"the model needs {', '.join(missing)}")
    return model.predict_proba(customer_frame(features, customers))[:, 1]


def purchase_probabilities(model, features: list[str], customers: pd.DataFrame) -> np.ndarray:
    """The purchase probability of every customer of a frame (a run's), in the frame's order.

    Customers with the same inputs get the same probability, so each distinct combination is
    predicted once: a million customers tend to have a few tens of thousands (ages and prices
    are few, salaries round), and a boosted model predicts a million rows in seconds. Finding
    them costs about 0.3 s at a million rows when every row is distinct.
    """
    combination = customers.groupby(features, sort=False, dropna=False).ngroup().to_numpy()
    _, first, of_row = np.unique(combination, return_index=True, return_inverse=True)
    distinct = _typed(customers.iloc[first], features)
    return model.predict_proba(distinct)[:, 1][of_row]


def contributions(
    model, features: list[str], inputs: Mapping[str, object], reference: Mapping[str, object]
) -> tuple[float, dict[str, float]]:
    """Exact Shapley values of each input against the reference customer.

    Returns p(reference) and {feature: contribution}; p(reference) + sum = p(customer).
    With four inputs this is 16 predictions in one batch, so it is exact and fast.
    """
    n = len(features)
    coalitions = list(itertools.product([False, True], repeat=n))
    rows = [
        {
            f: (inputs.get(f) if on else reference.get(f))
            for f, on in zip(features, mask, strict=True)
        }
        for mask in coalitions
    ]
    probabilities = model.predict_proba(customer_frame(features, rows))[:, 1]
    value = dict(zip(coalitions, probabilities, strict=True))
    shapley = {}
    for i, feature in enumerate(features):
        total = 0.0
        for mask in coalitions:
            if mask[i]:
                continue
            size = sum(mask)
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            with_feature = (*mask[:i], True, *mask[i + 1 :])
            total += weight * (value[with_feature] - value[mask])
        shapley[feature] = float(total)
    return float(value[(False,) * n]), shapley


def dump_model(model) -> bytes:
    buffer = io.BytesIO()
    pickle.dump(model, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    return buffer.getvalue()


def load_model(artifact: bytes, sklearn_version: str):
    """Unpickle a model this application stored itself; never call this on uploaded bytes."""
    if sklearn_version != sklearn.__version__:
        raise ModelVersionError(
            f"the stored model was trained with scikit-learn {sklearn_version} but "
            f"{sklearn.__version__} is installed; re-run `python -m analytics run` to retrain it."
        )
    return pickle.loads(artifact)
