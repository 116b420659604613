import numpy as np
from sklearn.linear_model import LogisticRegression

from analytics.io.sample import COLUMNS, generate_customers


def test_schema_and_ranges():
    frame = generate_customers(2_000, seed=1)
    assert list(frame.columns) == COLUMNS
    assert frame["Customer ID"].is_unique
    assert frame["Age"].between(18, 64).all()
    assert frame["Salary"].between(20_000, 100_000).all()
    assert set(frame["Price"]) <= {2_000, 3_500, 5_000, 7_000}
    assert set(frame["Purchased"]) == {0, 1}


def test_same_seed_same_data_other_seed_other_data():
    assert generate_customers(500, seed=7).equals(generate_customers(500, seed=7))
    assert not generate_customers(500, seed=7).equals(generate_customers(500, seed=8))


def test_purchase_depends_on_age_salary_and_price():
    frame = generate_customers(20_000, seed=3)
    features = frame[["Age", "Salary", "Price"]]
    scaled = (features - features.mean()) / features.std()
    coefficients = LogisticRegression().fit(scaled, frame["Purchased"]).coef_[0]
    age, salary, price = coefficients
    assert age > 0.3 and salary > 0.3 and price < -0.3, coefficients


def test_committed_sample_is_what_the_generator_makes(sample_csv):
    import pandas as pd

    committed = pd.read_csv(sample_csv)
    regenerated = generate_customers(len(committed), seed=42)
    assert np.array_equal(committed.to_numpy(), regenerated.to_numpy())
