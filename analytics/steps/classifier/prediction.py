"""Purchase probabilities from a fitted model: one customer, a list of them, or a run's frame."""

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analytics.steps.classifier.candidates import CATEGORICAL_FEATURES, NUMERIC_FEATURES


def customer_frame(
    features: list[str], inputs: Mapping[str, object] | list[Mapping[str, object]]
) -> pd.DataFrame:
    """A frame of one customer (or a list of them) with exactly the model's columns, typed as
    in training (a missing gender stays missing for the pipeline to impute)."""
    rows = [inputs] if isinstance(inputs, Mapping) else inputs
    return _typed(
        pd.DataFrame([{f: row.get(f) for f in features} for row in rows], columns=features),
        features,
    )


def _typed(frame: pd.DataFrame, features: list[str]) -> pd.DataFrame:
    """The model's columns of `frame`, numeric ones as floats and the others as objects (a
    file's own feature column is numeric when its values are numbers)."""
    typed = frame[features].copy()
    for column in features:
        if column in NUMERIC_FEATURES or (
            column not in CATEGORICAL_FEATURES
            and pd.api.types.is_numeric_dtype(typed[column])
            and not pd.api.types.is_bool_dtype(typed[column])
        ):
            typed[column] = typed[column].astype(float)
        else:
            # NaN, not None: the imputer sees only NaN as missing, and a column of nothing but
            # None (one customer without a gender) would otherwise reach the encoder as a category.
            typed[column] = typed[column].astype(object).where(typed[column].notna(), np.nan)
    return typed


def with_file_features(
    inputs: Mapping[str, object], features: list[str], reference: Mapping[str, object]
) -> dict:
    """`inputs` (of the reference columns: Age, Salary, Price, Gender) with the model's other
    features, columns of the run's own file (--features), at the reference customer's values,
    so that a what-if or an API call that cannot ask for them predicts a typical customer in
    them."""
    reference_inputs = NUMERIC_FEATURES + CATEGORICAL_FEATURES
    held = {f: reference.get(f) for f in features if f not in reference_inputs}
    return {**held, **inputs}


def predict_probability(model, features: list[str], inputs: Mapping[str, object]) -> float:
    """Purchase probability for one customer; the single source of truth for CLI and dashboard."""
    return float(predict_probabilities(model, features, [inputs])[0])


def predict_probabilities(
    model, features: list[str], customers: list[Mapping[str, object]]
) -> np.ndarray:
    """Purchase probabilities for many customers in one batch (the API predicts lists)."""
    for inputs in customers:
        # Only a missing gender is imputed (the most common); a file's own feature columns are
        # given by the caller, e.g. at the reference customer's value.
        missing = [f for f in features if f not in CATEGORICAL_FEATURES and inputs.get(f) is None]
        if missing:
            raise ValueError(f"the model needs {', '.join(missing)}")
    return model.predict_proba(customer_frame(features, customers))[:, 1]


def purchase_probabilities(model, features: list[str], customers: pd.DataFrame) -> np.ndarray:
    """The purchase probability of every customer of a frame (a run's), in the frame's order.

    Customers with the same inputs get the same probability, so each distinct combination is
    predicted once: a million customers tend to have a few tens of thousands (ages and prices
    are few, salaries round), and a boosted model predicts a million rows in seconds. Finding
    them costs about 0.3 s at a million rows when every row is distinct.
    """
    distinct, of_row = distinct_customers(features, customers)
    return model.predict_proba(distinct)[:, 1][of_row]


def distinct_customers(
    features: list[str], customers: pd.DataFrame
) -> tuple[pd.DataFrame, np.ndarray]:
    """The distinct combinations of the model's inputs in a frame, typed for the model, and for
    each row of the frame the position of its combination."""
    combination = customers.groupby(features, sort=False, dropna=False).ngroup().to_numpy()
    _, first, of_row = np.unique(combination, return_index=True, return_inverse=True)
    return _typed(customers.iloc[first], features), of_row
