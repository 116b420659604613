"""Steps on customer files that lack Gender, Age or Salary, or bring features of their own
(--features): segments, names, the purchase model and the stored summaries."""

import numpy as np
import pandas as pd
import pytest

from analytics.steps import eda
from analytics.steps.classifier import (
    CANDIDATES,
    choose_model,
    contributions,
    customer_frame,
    predict_probability,
    with_file_features,
)
from analytics.steps.segmentation import segment_customers

CUSTOMERS = 600
FAST = {"Logistic Regression": CANDIDATES["Logistic Regression"]}


@pytest.fixture(scope="module")
def shop(customers) -> pd.DataFrame:
    """Generated customers without Salary and Gender, with a tenure (numbers) that drives
    purchases and a channel (categories)."""
    rng = np.random.default_rng(7)
    tenure = rng.integers(1, 60, len(customers)).astype(float)
    channel = rng.choice(["web", "store", "app"], len(customers))
    bought = (tenure + rng.normal(0, 8, len(customers)) > 30).astype(int)
    return customers.drop(columns=["Salary", "Gender"]).assign(
        Purchased=bought, tenure_months=tenure, channel=pd.Series(channel, dtype=object)
    )


def test_segments_on_file_features_are_profiled_and_named_by_them(shop):
    result = segment_customers(shop, k=3, features=["age", "tenure_months", "channel"])
    assert result.features == ["age", "tenure_months", "channel"]
    assert {"tenure_months_mean", "tenure_months_median"} <= set(result.profiles.columns)
    assert result.profiles["top_gender"].isna().all()  # the file has no Gender

    by_tenure = segment_customers(shop, k=2, features=["tenure_months"]).profiles
    low, high = by_tenure.sort_values("tenure_months_mean")["name"]
    assert low.endswith("low tenure_months") and high.endswith("high tenure_months")


def test_a_dominant_category_names_the_segment():
    customers = pd.DataFrame(
        {
            "Age": [20, 21, 22, 60, 61, 62] * 10,
            "channel": ["web", "web", "web", "store", "store", "store"] * 10,
            "Purchased": [0, 1] * 30,
        }
    )
    names = set(segment_customers(customers, k=2, features=["age", "channel"]).profiles["name"])
    assert names == {"Younger (mostly web)", "Older (mostly store)"}


def test_names_without_age_or_salary():
    customers = pd.DataFrame({"Price": [2_000, 2_100, 7_000, 7_100] * 10, "Purchased": [0, 1] * 20})
    names = set(segment_customers(customers, k=2, features=["price"]).profiles["name"])
    assert names == {"Budget products", "Premium products"}


def test_the_purchase_model_reads_file_features_one_hot_encoded_inside_its_pipeline(shop):
    choice = choose_model(shop, candidates=FAST, extras=["tenure_months", "channel"])
    assert choice.features == ["Age", "Price", "tenure_months", "channel"]
    # The pipeline itself, or inside the Platt calibration that wraps it.
    pipeline = getattr(choice.model, "estimator", choice.model)
    preprocess = pipeline.named_steps["preprocess"]
    columns = {name: list(cols) for name, _, cols in preprocess.transformers_}
    assert columns["numeric"] == ["Age", "Price", "tenure_months"]
    assert columns["categorical"] == ["channel"]
    # Fitted on the training part only: the encoder knows the channels that part has.
    encoder = preprocess.named_transformers_["categorical"][-1]
    assert sorted(encoder.categories_[0]) == ["app", "store", "web"]
    # The typical customer holds the file's features at their median and commonest value.
    assert set(choice.reference) == {"Age", "Price", "tenure_months", "channel"}
    assert isinstance(choice.reference["channel"], str)

    # A what-if that asks only for the reference inputs predicts a typical customer in the
    # others; a longer tenure raises the probability, as the data says it should.
    inputs = with_file_features({"Age": 40, "Price": 3_000}, choice.features, choice.reference)
    assert inputs["tenure_months"] == choice.reference["tenure_months"]
    short = predict_probability(choice.model, choice.features, {**inputs, "tenure_months": 5})
    long = predict_probability(choice.model, choice.features, {**inputs, "tenure_months": 55})
    assert long > short
    baseline, shares = contributions(
        choice.model, choice.features, {**inputs, "tenure_months": 55}, choice.reference
    )
    assert baseline + sum(shares.values()) == pytest.approx(long)
    assert customer_frame(choice.features, inputs)["tenure_months"].dtype == float


def test_without_file_features_the_model_reads_what_the_file_has(shop):
    choice = choose_model(shop.drop(columns=["tenure_months", "channel"]), candidates=FAST)
    assert choice.features == ["Age", "Price"]


def test_summaries_of_a_file_without_age_salary_or_gender_are_empty():
    customers = pd.DataFrame({"Price": [1.0, 2.0, 3.0], "Purchased": [0, 1, 1]})
    assert eda.age_distribution(customers).empty
    stats = eda.salary_by_purchase(customers)
    assert stats.empty and "median" in stats.columns
    assert list(eda.correlation_matrix(customers).columns) == ["Price", "Purchased"]
    assert eda.feature_ranges(customers) == {
        "Price": {"min": 1.0, "median": 2.0, "max": 3.0},
        "genders": [],
    }
