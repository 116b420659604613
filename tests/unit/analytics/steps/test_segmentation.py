import numpy as np
import pandas as pd
import pytest

from analytics.steps.segmentation import choose_k, segment_customers, segmentation_pipeline

# How many generated customers the `customers` fixture (conftest.py) holds.
CUSTOMERS = 3_000


@pytest.fixture(scope="module")
def auto(customers):
    return segment_customers(customers)


@pytest.fixture(scope="module")
def three_segments(customers):
    return segment_customers(customers, k=3)


def test_every_k_from_2_to_10_is_scored(auto):
    scores = auto.k_scores
    assert scores["k"].tolist() == list(range(2, 11))
    assert scores["silhouette"].between(-1, 1).all()
    measured = scores["stability"].dropna()
    assert measured.between(-0.5, 1).all() and len(measured) >= 1
    assert (scores["calinski_harabasz"] > 0).all() and (scores["davies_bouldin"] > 0).all()
    assert scores["inertia"].is_monotonic_decreasing


def test_auto_k_follows_the_documented_rule(auto):
    scores = auto.k_scores
    stable = scores[scores["stability"] >= 0.9]
    assert auto.k == stable.loc[stable["silhouette"].idxmax(), "k"]
    assert f"k={auto.k}" in auto.reason and "stable" in auto.reason


def test_choose_k_falls_back_to_the_most_stable():
    scores = pd.DataFrame(
        {"k": [2, 3, 4], "silhouette": [0.5, 0.6, 0.7], "stability": [0.5, 0.8, 0.6]}
    )
    k, reason = choose_k(scores)
    assert k == 3 and "no k reached" in reason
    scores["stability"] = [0.95, 0.5, 0.91]
    assert choose_k(scores)[0] == 4


def test_fixed_k_and_profiles_add_up(customers, three_segments):
    result = three_segments
    profiles = result.profiles
    assert result.k == 3 and len(profiles) == 3 and "set by the user" in result.reason
    assert profiles["size"].sum() == len(customers)
    assert profiles["size"].is_monotonic_decreasing  # segment 0 is the largest
    assert np.bincount(result.labels).tolist() == profiles["size"].tolist()
    assert profiles["share"].sum() == pytest.approx(1.0)
    first = customers[result.labels == 0]
    assert profiles.loc[0, "purchase_rate"] == pytest.approx(first["Purchased"].mean())
    assert profiles.loc[0, "revenue"] == (first["Price"] * first["Purchased"]).sum()
    assert profiles.loc[0, "age_median"] == first["Age"].median()
    assert profiles.loc[0, "price_mean"] == pytest.approx(first["Price"].mean())
    assert profiles["name"].is_unique


def test_segments_separate_the_personas(three_segments):
    profiles = three_segments.profiles
    assert profiles["age_mean"].max() - profiles["age_mean"].min() > 15


def test_same_input_and_seed_same_segments(customers, auto):
    again = segment_customers(customers)
    assert again.k == auto.k
    assert np.array_equal(again.labels, auto.labels)
    pd.testing.assert_frame_equal(again.k_scores, auto.k_scores)


def test_features_are_configurable_and_gender_is_encoded(customers):
    # A part of the customers is enough to see the features used and the encoding.
    customers = customers.iloc[:1_000]
    result = segment_customers(customers, k=2, features=["age", "gender"])
    assert result.features == ["age", "gender"]
    assert result.profiles["top_gender"].isin(["Female", "Male"]).all()
    encoded = segmentation_pipeline(["Age", "Gender"], 2, 42)[0].fit_transform(customers)
    assert encoded.shape == (len(customers), 3)  # scaled age + one column per gender
    assert encoded[:, 0].mean() == pytest.approx(0, abs=1e-9)


def test_names_describe_the_profile():
    customers = pd.DataFrame(
        {
            "Gender": ["F", "M"] * 30,
            "Age": [20, 21, 22, 60, 61, 62] * 10,
            "Salary": [20_000, 21_000, 22_000, 90_000, 91_000, 92_000] * 10,
            "Price": [2_000, 2_000, 2_000, 7_000, 7_000, 7_000] * 10,
            "Purchased": [0, 1] * 30,
        }
    )
    names = set(segment_customers(customers, k=2).profiles["name"])
    assert names == {
        "Younger lower earners, budget products",
        "Older high earners, premium products",
    }


def test_too_few_distinct_rows_for_auto_k():
    customers = pd.DataFrame(
        {
            "Gender": ["F"] * 10,
            "Age": [30] * 10,
            "Salary": [1] * 10,
            "Price": [1] * 10,
            "Purchased": [0, 1] * 5,
        }
    )
    with pytest.raises(ValueError, match="too few distinct customers"):
        segment_customers(customers)


def test_stability_is_measured_by_falling_silhouette_up_to_the_rules_pick(customers, monkeypatch):
    from analytics.steps import segmentation

    features = customers[["Age", "Salary", "Price"]].iloc[:1_000]
    scores = segmentation.score_k_range(features, seed=3)
    # A threshold no k reaches makes every k's stability measured, from the same resamples.
    monkeypatch.setattr(segmentation, "STABILITY_THRESHOLD", 2.0)
    every = segmentation.score_k_range(features, seed=3)
    monkeypatch.undo()
    assert every["stability"].notna().all()
    measured = scores["stability"].notna()
    pd.testing.assert_series_equal(scores["stability"][measured], every["stability"][measured])
    by_silhouette = scores.sort_values("silhouette", ascending=False, kind="stable")
    first_stable = (by_silhouette["stability"] >= 0.9).to_numpy().argmax()
    assert by_silhouette["stability"].iloc[: first_stable + 1].notna().all()
    assert by_silhouette["stability"].iloc[first_stable + 1 :].isna().all()
    assert choose_k(scores)[0] == choose_k(every)[0]
    unmeasured = scores["stability"].isna().sum()
    assert (f"{unmeasured} k of lower silhouette not measured" in choose_k(scores)[1]) == (
        unmeasured > 0
    )


def test_small_files_reuse_the_scored_fit_of_the_chosen_k(customers):
    from sklearn.metrics import adjusted_rand_score
    from threadpoolctl import threadpool_limits

    from analytics.steps.segmentation import _fit_labels

    few = customers.iloc[:1_000]
    result = segment_customers(few)
    with threadpool_limits(limits=1):
        refitted = _fit_labels(few[["Age", "Salary", "Price"]], result.k, 42)
    assert adjusted_rand_score(result.labels, refitted) == 1.0
