"""The Spark model's decision, exported so that the web process answers what-ifs in
milliseconds without a Spark session: a scikit-learn regressor fitted to the Spark model's
log-odds on a sample of training rows, inside the same preprocessing Pipeline as the pandas
engine's models. Its agreement with the Spark model is measured on held-out rows (`agreement`)
and stored in the model card.

This module must not import pyspark: the dashboard unpickles DistilledClassifier.
"""

import numpy as np
import pandas as pd
from scipy.special import expit, logit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import LinearRegression
from sklearn.metrics import roc_auc_score

from analytics.steps.classifier import THRESHOLD, build_pipeline

# Log-odds of probabilities this close to 0 or 1 are clipped, so that a tree's certain leaves
# do not dominate the regression.
_PROBABILITY_CLIP = 1e-4


class DistilledClassifier(ClassifierMixin, BaseEstimator):
    """A classifier whose probability is the expit of a regression of another model's log-odds."""

    def __init__(self, regressor):
        self.regressor = regressor

    @property
    def classes_(self):
        return np.array([0, 1])

    def fit(self, x, y):
        raise NotImplementedError("DistilledClassifier wraps an already fitted regressor")

    def predict_proba(self, x) -> np.ndarray:
        probability = expit(self.regressor.predict(x))
        return np.column_stack([1 - probability, probability])

    def predict(self, x) -> np.ndarray:
        return (self.predict_proba(x)[:, 1] >= THRESHOLD).astype(int)


def distil(
    x: pd.DataFrame, spark_probability: np.ndarray, features: list[str], linear: bool, seed: int
) -> DistilledClassifier:
    """Fit the export on rows `x` and the Spark model's probabilities for them.

    A Spark logistic regression is linear in the scaled and one-hot inputs, so a linear
    regression of its log-odds reproduces it; tree ensembles are followed by boosted trees.
    """
    regressor = (
        LinearRegression()
        if linear
        else HistGradientBoostingRegressor(max_iter=300, learning_rate=0.1, random_state=seed)
    )
    target = logit(np.clip(spark_probability, _PROBABILITY_CLIP, 1 - _PROBABILITY_CLIP))
    return DistilledClassifier(build_pipeline(regressor, features).fit(x, target))


def agreement(
    exported: DistilledClassifier,
    x: pd.DataFrame,
    y: np.ndarray,
    spark_probability: np.ndarray,
) -> dict:
    """How closely the export follows the Spark model on held-out rows."""
    exported_probability = exported.predict_proba(x)[:, 1]
    difference = np.abs(exported_probability - spark_probability)
    return {
        "rows": len(x),
        "mean_abs_probability_difference": float(difference.mean()),
        "p99_abs_probability_difference": float(np.quantile(difference, 0.99)),
        "max_abs_probability_difference": float(difference.max()),
        "same_decision_share": float(
            np.mean((exported_probability >= THRESHOLD) == (spark_probability >= THRESHOLD))
        ),
        "roc_auc_spark": float(roc_auc_score(y, spark_probability)),
        "roc_auc_exported": float(roc_auc_score(y, exported_probability)),
    }
