import pandas as pd
import pytest

from analytics.io.sample import generate_customers


@pytest.fixture(scope="module")
def customers(request) -> pd.DataFrame:
    """The generated customers (seed 42) a module fits its steps on: as many as the module's
    CUSTOMERS says, a size that keeps its fits quick and its asserts meaningful."""
    return generate_customers(request.module.CUSTOMERS, seed=42)
