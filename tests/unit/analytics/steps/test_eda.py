import pandas as pd
import pytest

from analytics.steps import eda

CUSTOMERS = pd.DataFrame(
    {
        "Gender": ["Female", "Male", "Female", "Male", "Female", "Male"],
        "Age": [18, 22, 25, 40, 41, 64],
        "Salary": [20_000, 30_000, 40_000, 80_000, 90_000, 100_000],
        "Price": [2_000, 2_000, 3_500, 5_000, 7_000, 7_000],
        "Purchased": [0, 0, 1, 1, 1, 0],
    }
)


def test_kpis():
    kpis = eda.kpis(CUSTOMERS)
    assert kpis == {
        "customers": 6,
        "buyers": 3,
        "purchase_rate": 0.5,
        "revenue": 15_500.0,
        "average_price": pytest.approx(26_500 / 6),
    }


def test_age_bands_count_every_customer():
    bands = eda.age_distribution(CUSTOMERS)
    assert bands["age_from"].tolist() == [15, 20, 25, 40, 60]
    assert (bands["purchased"].sum(), bands["not_purchased"].sum()) == (3, 3)
    assert bands.set_index("age_from").loc[25, "purchased"] == 1


def test_salary_box_stats():
    stats = eda.salary_by_purchase(CUSTOMERS).set_index("purchased")
    assert stats.loc[1, "median"] == 80_000
    assert stats.loc[0, "count"] == 3
    assert stats.loc[0, "lower_fence"] == 20_000 and stats.loc[0, "upper_fence"] == 100_000


def test_correlation_encodes_gender():
    corr = eda.correlation_matrix(CUSTOMERS)
    assert list(corr.columns) == ["Age", "Salary", "Price", "Purchased", "Gender=Male"]
    assert corr.loc["Age", "Age"] == pytest.approx(1.0)
    assert corr.loc["Salary", "Age"] == pytest.approx(CUSTOMERS["Salary"].corr(CUSTOMERS["Age"]))


def test_kpis_without_prices():
    kpis = eda.kpis(CUSTOMERS.drop(columns=["Price"]))
    assert kpis["revenue"] is None and kpis["average_price"] is None
    assert kpis["purchase_rate"] == 0.5


def test_feature_ranges():
    ranges = eda.feature_ranges(CUSTOMERS)
    assert ranges["Age"] == {"min": 18.0, "median": 32.5, "max": 64.0}
    assert sorted(ranges["genders"]) == ["Female", "Male"]
