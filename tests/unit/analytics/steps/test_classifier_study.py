"""The study around the chosen model: the sampling table and each probability's interval."""

import numpy as np
import pytest

from analytics.config import cv_folds
from analytics.io.sample import generate_customers
from analytics.steps.classifier import (
    CANDIDATES,
    choose_model,
    is_uncertain,
    probabilities_with_intervals,
    probability_interval,
    purchase_probabilities,
)
from analytics.steps.classifier.uncertainty import Z_90, jackknife_interval

# One quick candidate: the intervals' behaviour, not the choice, is under test.
LOGISTIC = {"Logistic Regression": CANDIDATES["Logistic Regression"]}


def test_the_jackknife_interval_by_hand():
    fold_probabilities = np.array([[0.5], [0.5], [0.5], [0.5], [0.9]])
    low, high = jackknife_interval(np.array([0.55]), fold_probabilities)
    # mean 0.58; squared deviations 4 * 0.08² + 0.32² = 0.128; (k-1)/k of it is 0.1024.
    half_width = Z_90 * np.sqrt(0.1024)
    assert low[0] == pytest.approx(0.55 - half_width)
    assert high[0] == pytest.approx(min(1.0, 0.55 + half_width))
    low, high = jackknife_interval(np.array([0.3]), np.full((5, 1), 0.3))
    assert (low[0], high[0]) == (0.3, 0.3)


def widths(rows: int, customers) -> np.ndarray:
    choice = choose_model(generate_customers(rows, seed=3), candidates=LOGISTIC)
    probability, low, high = probabilities_with_intervals(
        choice.model, choice.fold_models, choice.features, customers
    )
    np.testing.assert_array_equal(
        probability, purchase_probabilities(choice.model, choice.features, customers)
    )
    assert np.all((low <= probability) & (probability <= high))
    return high - low


def test_intervals_are_wider_on_300_rows_than_on_30000():
    customers = generate_customers(500, seed=11)
    small, large = widths(300, customers), widths(30_000, customers)
    assert np.median(small) > 3 * np.median(large)
    assert np.mean(small > large) > 0.9


def test_a_what_if_gets_the_interval_a_stored_customer_with_its_inputs_gets():
    customers = generate_customers(300, seed=5)
    choice = choose_model(customers, candidates=LOGISTIC)
    probability, low, high = probabilities_with_intervals(
        choice.model, choice.fold_models, choice.features, customers
    )
    first = customers.iloc[0][choice.features].to_dict()
    one = probability_interval(choice.fold_models, choice.features, first, probability[0])
    assert one == pytest.approx((low[0], high[0]))
    assert is_uncertain(0.3, 0.51) and not is_uncertain(0.3, 0.5)


def test_the_sampling_study_keeps_the_purchase_rate_in_every_part():
    customers = generate_customers(1_000, seed=8)
    choice = choose_model(customers, candidates=LOGISTIC)
    sampling = choice.sampling
    rate = customers["Purchased"].mean()
    assert sampling["population_rate"] == pytest.approx(rate)
    assert (sampling["train_rows"], sampling["test_rows"]) == (800, 200)
    assert len(sampling["fold_rates"]) == cv_folds(choice.selection_rows)
    assert sum(sampling["fold_rows"]) == choice.selection_rows
    for part in (sampling["train_rate"], sampling["test_rate"], *sampling["fold_rates"]):
        assert part == pytest.approx(rate, abs=0.01)


@pytest.mark.parametrize("name", ["Logistic Regression", "Random Forest"])
def test_permutation_importance_in_one_prediction_is_sklearns(name):
    from sklearn import inspection

    from analytics.steps.classifier import CANDIDATES, build_pipeline, model_features
    from analytics.steps.classifier.explanation import permutation_importance

    customers = generate_customers(600, seed=5)
    features = model_features(customers)
    x, y = customers[features], customers["Purchased"]
    model = build_pipeline(CANDIDATES[name].make(0), features).fit(x.iloc[:400], y.iloc[:400])
    holdout, labels = x.iloc[400:], y.iloc[400:]
    mean, std = permutation_importance(model, holdout, labels, n_repeats=5, seed=42)
    expected = inspection.permutation_importance(
        model, holdout, labels, scoring="roc_auc", n_repeats=5, random_state=42
    )
    np.testing.assert_allclose(mean, expected.importances_mean, rtol=0, atol=1e-12)
    np.testing.assert_allclose(std, expected.importances_std, rtol=0, atol=1e-12)
    assert (mean != 0).any()
