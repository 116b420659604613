"""Cross-validating the candidates' grids on stratified samples: each fold preprocessed once and
shared by every fit on it, the fits spread over worker processes, the grid raced over the folds.

The race (successive halving with folds as the resource): every setting of a candidate's grid
is scored on the first fold, and only the best of them goes on to the other folds. Settings the
first fold cannot tell apart are as good a choice as one another, and a setting that is clearly
worse on a fifth (or a third) of the sample is not the one to keep: scoring it on every fold
would cost a full cross-validation per grid point for a choice that is already made. The kept
setting's pooled out-of-fold scores, over every fold as before, are what its candidate is
compared and calibrated by, and its fold fits are kept as the fold models behind each
probability's interval (analytics.steps.classifier.uncertainty).
"""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import ParameterGrid, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from analytics.config import cv_folds
from analytics.steps.classifier.candidates import numeric_inputs, preprocessor


@dataclass(frozen=True)
class _Sample:
    """Rows that candidates are cross-validated on, split into folds, each fold preprocessed as
    the candidates' pipelines would preprocess it (fitted on its training rows only)."""

    y: pd.Series
    splits: list[tuple[np.ndarray, np.ndarray]]  # per fold: training rows, validation rows
    folds: list[tuple[np.ndarray, pd.Series, np.ndarray]]  # x_train, y_train, x_valid
    preprocessors: list[ColumnTransformer]  # per fold, fitted on its training rows


@dataclass(frozen=True)
class _Search:
    """One candidate's grid search: its settings and its sample."""

    settings: list[dict]
    sample: _Sample


@dataclass(frozen=True)
class CandidateResult:
    """A candidate's kept setting, the labels of its sample, their out-of-fold scores, and the
    setting fitted on each fold's training rows (a whole pipeline per fold)."""

    params: dict
    y: pd.Series
    scores: np.ndarray
    fold_models: list[Pipeline]


def cross_validate(
    candidates, features, x, y, seed, workers
) -> Iterator[tuple[str, CandidateResult]]:
    """Per candidate, in order of completion: its name and CandidateResult.

    The kept setting is the one with the highest ROC-AUC on the first fold (the first of
    equals; see the module for the race). Results are yielded as each candidate's last fold
    comes back, so progress can be reported.
    """
    folds = StratifiedKFold(cv_folds(len(x)), shuffle=True, random_state=seed)
    # Candidates with the same row cap share a sample, hence its preprocessed folds: fitting
    # the scaler and encoder once per fold instead of once per fit saves a second of CPU.
    samples: dict[int, _Sample] = {}
    searches = {}
    for name, candidate in candidates.items():
        cap = min(candidate.max_rows or len(x), candidate.cv_rows or len(x))
        if cap not in samples:
            samples[cap] = cv_sample(*stratified_sample(x, y, cap, seed), folds, features)
        searches[name] = _Search(list(ParameterGrid(candidate.grid)), samples[cap])

    def fits(planned):
        return Parallel(n_jobs=workers, return_as="generator")(
            delayed(fit_fold)(
                candidates[name].make(seed).set_params(**searches[name].settings[setting]),
                *searches[name].sample.folds[fold],
            )
            for name, setting, fold in planned
        )

    first_fold = [
        (name, setting, 0)
        for name, search in searches.items()
        if len(search.settings) > 1
        for setting in range(len(search.settings))
    ]
    raced = dict(zip(first_fold, fits(first_fold), strict=True))
    kept = {name: _best_on_first_fold(name, search, raced) for name, search in searches.items()}
    done = {key: fit for key, fit in raced.items() if key[1] == kept[key[0]]}
    del raced  # the other settings' fitted models
    rest = [
        (name, kept[name], fold)
        for name, search in searches.items()
        for fold in range(len(search.sample.splits))
        if (name, kept[name], fold) not in done
    ]
    remaining = {name: sum(key[0] == name for key in rest) for name in searches}
    for key, fit in zip(rest, fits(rest), strict=True):
        done[key] = fit
        remaining[key[0]] -= 1
        if remaining[key[0]] == 0:
            yield key[0], _result(searches[key[0]], kept[key[0]], key[0], done)


def _best_on_first_fold(name: str, search: _Search, raced: dict) -> int:
    if len(search.settings) == 1:
        return 0
    valid_rows = search.sample.splits[0][1]
    y_valid = search.sample.y.iloc[valid_rows]
    aucs = [roc_auc_score(y_valid, raced[name, s, 0][1]) for s in range(len(search.settings))]
    return int(np.argmax(aucs))


def _result(search: _Search, setting: int, name: str, done: dict) -> CandidateResult:
    sample = search.sample
    scores = np.empty(len(sample.y))
    fold_models = []
    for fold, (_, valid_rows) in enumerate(sample.splits):
        estimator, valid_scores = done.pop((name, setting, fold))
        scores[valid_rows] = valid_scores
        fold_models.append(
            Pipeline([("preprocess", sample.preprocessors[fold]), ("classifier", estimator)])
        )
    return CandidateResult(search.settings[setting], sample.y, scores, fold_models)


def cv_sample(x: pd.DataFrame, y: pd.Series, folds: StratifiedKFold, features: list[str]):
    splits = list(folds.split(x, y))
    prepared, preprocessors = [], []
    for train_rows, valid_rows in splits:
        preprocess = preprocessor(features, numeric_inputs(x, features))
        prepared.append(
            (
                preprocess.fit_transform(x.iloc[train_rows]),
                y.iloc[train_rows],
                preprocess.transform(x.iloc[valid_rows]),
            )
        )
        preprocessors.append(preprocess)
    return _Sample(y, splits, prepared, preprocessors)


def fit_fold(
    estimator: BaseEstimator, x_train, y_train, x_valid
) -> tuple[BaseEstimator, np.ndarray]:
    """`estimator` fitted on the training rows, and the validation rows' scores, both already
    preprocessed: the same as fitting and scoring its whole pipeline on the raw rows."""
    # Many small fits: OpenMP threads (HistGradientBoosting, KNN) cost more than they give.
    with threadpool_limits(limits=1):
        fitted = estimator.fit(x_train, y_train)
        return fitted, fitted.predict_proba(x_valid)[:, 1]


def stratified_sample(x: pd.DataFrame, y: pd.Series, rows: int | None, seed: int):
    if rows is None or len(x) <= rows:
        return x, y
    kept = sample_positions(y.to_numpy(), rows, seed)
    return x.iloc[kept], y.iloc[kept]


def split_positions(y: np.ndarray, test_size: float, seed: int):
    """The positions of the rows train_test_split(x, y, stratify=y) puts in each part."""
    return train_test_split(np.arange(len(y)), test_size=test_size, stratify=y, random_state=seed)


def sample_positions(y: np.ndarray, rows: int, seed: int) -> np.ndarray:
    """The positions of a stratified sample of `rows` of the labels `y` (all if fewer)."""
    if len(y) <= rows:
        return np.arange(len(y))
    return split_positions(y, len(y) - rows, seed)[0]
