import numpy as np
import pandas as pd
import pytest

from analytics.sample import generate_customers
from analytics.segmentation import segment_customers


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return generate_customers(3_000, seed=42)


def test_auto_k_is_in_range_and_every_k_scored(customers):
    result = segment_customers(customers)
    assert 2 <= result.k <= 8
    assert result.k_scores["k"].tolist() == list(range(2, 9))
    assert result.k == result.k_scores.loc[result.k_scores["silhouette"].idxmax(), "k"]


def test_fixed_k_and_profiles_add_up(customers):
    result = segment_customers(customers, k=3)
    profiles = result.profiles
    assert result.k == 3 and len(profiles) == 3
    assert profiles["size"].sum() == len(customers)
    assert profiles["size"].is_monotonic_decreasing  # segment 0 is the largest
    assert np.bincount(result.labels).tolist() == profiles["size"].tolist()
    assert profiles["share"].sum() == pytest.approx(1.0)
    first = customers[result.labels == 0]
    assert profiles.loc[0, "purchase_rate"] == pytest.approx(first["Purchased"].mean())
    assert profiles.loc[0, "revenue"] == (first["Price"] * first["Purchased"]).sum()
    assert profiles["name"].is_unique


def test_segments_separate_the_personas(customers):
    profiles = segment_customers(customers, k=3).profiles
    assert profiles["age_mean"].max() - profiles["age_mean"].min() > 15


def test_same_seed_same_segments(customers):
    first = segment_customers(customers, seed=5)
    second = segment_customers(customers, seed=5)
    assert first.k == second.k
    assert np.array_equal(first.labels, second.labels)


def test_names_describe_the_profile():
    customers = pd.DataFrame(
        {
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
        {"Age": [30] * 10, "Salary": [1] * 10, "Price": [1] * 10, "Purchased": [0, 1] * 5}
    )
    with pytest.raises(ValueError, match="too few distinct customers"):
        segment_customers(customers)
