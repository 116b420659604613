"""How sure a stored purchase probability is: an interval from the cross-validation fold models.

The chosen candidate, with its chosen setting (and Platt map, if calibrated), as fitted on the
training part of each cross-validation fold (its cross-validation fits, kept): k models, each
missing a different k-th of the rows. How much their probabilities for a customer disagree
measures how much the fitted model depends on which customers it happened to see: little on a
million rows, much on a few hundred. The folds overlap (any two share (k-2)/(k-1) of their
rows), so the raw spread understates that dependence; the delete-a-group jackknife corrects for
it: standard error sqrt((k-1)/k * sum((p_i - mean p)^2)). The interval is the published
probability ± 1.645 standard errors (90 % under a normal approximation), clipped to [0, 1].

It is cheap (no fit of its own, and k predictions of the distinct customers) and honest about
what it covers: the sampling variability of the fit. It does not cover the choice of candidate
and setting, nor the difference between the customers seen and the customers to come.
docs/model-quality.md says the same to users.
"""

import numpy as np
import pandas as pd

from analytics.steps.classifier.prediction import customer_frame, distinct_customers

# Two-sided 90 %: the interval's half-width in standard errors.
Z_90 = 1.645
# The what-if calls a probability uncertain when its interval is wider than this.
UNCERTAIN_WIDTH = 0.20


def jackknife_interval(
    probability: np.ndarray, fold_probabilities: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) around `probability` (n customers) from the k fold models' probabilities
    (k x n)."""
    folds = fold_probabilities.shape[0]
    spread = ((fold_probabilities - fold_probabilities.mean(axis=0)) ** 2).sum(axis=0)
    half_width = Z_90 * np.sqrt((folds - 1) / folds * spread)
    return np.clip(probability - half_width, 0, 1), np.clip(probability + half_width, 0, 1)


def probabilities_with_intervals(
    model, fold_models: list, features: list[str], customers: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each customer's purchase probability under `model` (as purchase_probabilities gives it)
    and its interval (see the module). Each distinct combination of inputs is predicted once
    by the model and each fold model: at a million rows finding them costs more than the
    predictions of a linear model."""
    distinct, of_row = distinct_customers(features, customers)
    probability = model.predict_proba(distinct)[:, 1]
    folds = np.vstack([fold.predict_proba(distinct)[:, 1] for fold in fold_models])
    low, high = jackknife_interval(probability, folds)
    return probability[of_row], low[of_row], high[of_row]


def probability_interval(
    fold_models: list, features: list[str], inputs: dict, probability: float
) -> tuple[float, float]:
    """The interval of one customer's probability (a what-if's)."""
    frame = customer_frame(features, inputs)
    folds = np.array([[m.predict_proba(frame)[0, 1]] for m in fold_models])
    low, high = jackknife_interval(np.array([probability]), folds)
    return float(low[0]), float(high[0])


def is_uncertain(low: float, high: float) -> bool:
    return high - low > UNCERTAIN_WIDTH
