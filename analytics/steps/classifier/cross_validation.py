"""Cross-validating the candidates' grids on stratified samples: each fold preprocessed once and
shared by every fit on it, the fits spread over worker processes."""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import ParameterGrid, StratifiedKFold, train_test_split
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


@dataclass(frozen=True)
class _Search:
    """One candidate's grid search: its settings and its sample."""

    settings: list[dict]
    sample: _Sample


def cross_validate(candidates, features, x, y, seed, workers):
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
            samples[cap] = cv_sample(*stratified_sample(x, y, cap, seed), folds, features)
        searches[name] = _Search(list(ParameterGrid(candidate.grid)), samples[cap])
    fits = [
        (name, setting, fold)
        for name, search in searches.items()
        for setting in range(len(search.settings))
        for fold in range(len(search.sample.splits))
    ]
    fold_scores = Parallel(n_jobs=workers, return_as="generator")(
        delayed(score_fold)(
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


def cv_sample(x: pd.DataFrame, y: pd.Series, folds: StratifiedKFold, features: list[str]):
    splits = list(folds.split(x, y))
    prepared = []
    for train_rows, valid_rows in splits:
        preprocess = preprocessor(features, numeric_inputs(x, features))
        prepared.append(
            (
                preprocess.fit_transform(x.iloc[train_rows]),
                y.iloc[train_rows],
                preprocess.transform(x.iloc[valid_rows]),
            )
        )
    return _Sample(y, splits, prepared)


def score_fold(estimator: BaseEstimator, x_train, y_train, x_valid) -> np.ndarray:
    """The validation rows' scores of `estimator` fitted on the training rows, both already
    preprocessed: the same as fitting and scoring its whole pipeline on the raw rows."""
    # Many small fits: OpenMP threads (HistGradientBoosting, KNN) cost more than they give.
    with threadpool_limits(limits=1):
        return estimator.fit(x_train, y_train).predict_proba(x_valid)[:, 1]


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
