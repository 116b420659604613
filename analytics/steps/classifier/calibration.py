"""Platt calibration: a sigmoid from a model's out-of-fold scores to probabilities, kept only if
it lowers the cross-validated Brier score.

Stored models refer to PlattCalibrated by module path (see persistence.MOVED_CLASSES)."""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, logit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss
from sklearn.model_selection import StratifiedKFold

from analytics.config import CV_FOLDS
from analytics.steps.classifier.evaluation import THRESHOLD, classification_metrics


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
        probability = expit(self.slope * clipped_logit(score) + self.intercept)
        return np.column_stack([1 - probability, probability])

    def predict(self, x) -> np.ndarray:
        return (self.predict_proba(x)[:, 1] >= THRESHOLD).astype(int)


def platt_cv(y: np.ndarray, scores: np.ndarray, seed: int) -> tuple[float, float, float]:
    """Fit a sigmoid on all scores, and estimate its Brier score by cross-validating it."""
    features = clipped_logit(scores).reshape(-1, 1)
    calibrated = np.empty(len(y))
    for train_rows, valid_rows in StratifiedKFold(CV_FOLDS, shuffle=True, random_state=seed).split(
        features, y
    ):
        platt = LogisticRegression().fit(features[train_rows], y[train_rows])
        calibrated[valid_rows] = platt.predict_proba(features[valid_rows])[:, 1]
    platt = LogisticRegression().fit(features, y)
    return float(platt.coef_[0, 0]), float(platt.intercept_[0]), brier_score_loss(y, calibrated)


def clipped_logit(probability: np.ndarray) -> np.ndarray:
    return logit(np.clip(probability, 1e-6, 1 - 1e-6))


@dataclass(frozen=True)
class PlattChoice:
    """Whether to calibrate the winning candidate, and its CV metrics as published."""

    slope: float
    intercept: float
    calibrate: bool  # the sigmoid lowers the cross-validated Brier score
    cv_metrics: dict  # calibrated if `calibrate`, with the uncalibrated Brier score beside


def choose_calibration(
    y: np.ndarray, scores: np.ndarray, uncalibrated: Mapping[str, float], seed: int
) -> PlattChoice:
    """Platt calibration of the winner's out-of-fold `scores`, kept if it lowers the Brier score
    of its `uncalibrated` CV metrics."""
    slope, intercept, calibrated_brier = platt_cv(np.asarray(y), scores, seed)
    calibrate = bool(calibrated_brier < uncalibrated["brier"])
    cv_metrics = {key: float(uncalibrated[key]) for key in classification_metrics(y, scores)}
    if calibrate:
        cv_metrics = classification_metrics(y, expit(slope * clipped_logit(scores) + intercept))
    cv_metrics["uncalibrated_brier"] = float(uncalibrated["brier"])
    return PlattChoice(slope, intercept, calibrate, cv_metrics)
