"""Fixtures of the dashboard's unit tests."""

import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Customer ID": ["c1", "c2", "c3", "c4", "c5", "c6"],
            "Gender": ["Female", "Male", "Female", "Male", "Female", "Female"],
            "Age": [20.0, 30.0, 40.0, 50.0, 60.0, 35.0],
            "Salary": [20_000.0, 40_000.0, 60_000.0, 80_000.0, 100_000.0, 50_000.0],
            "Product ID": ["P1", "P2", "P1", "P3", "P2", "P1"],
            "Price": [1_000.0, 2_000.0, np.nan, 4_000.0, 5_000.0, 3_000.0],
            "Purchased": [0, 1, 1, 0, 1, 1],
            "segment": [0, 0, 1, 1, 2, 1],
            "purchase_probability": [0.1, 0.623456, 0.71, 0.2, 0.987654321, 0.55],
        }
    )
