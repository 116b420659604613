"""Explaining a prediction: exact Shapley values of the inputs against a reference customer."""

import itertools
import math
from collections.abc import Mapping

import pandas as pd

from analytics.steps.classifier.candidates import CATEGORICAL_FEATURES, NUMERIC_FEATURES
from analytics.steps.classifier.prediction import customer_frame


def reference_customer(x: pd.DataFrame) -> dict:
    """Median numeric inputs and the most common gender: the baseline of the contributions."""
    reference = {c: float(x[c].median()) for c in x.columns if c in NUMERIC_FEATURES}
    reference.update({c: str(x[c].mode().iat[0]) for c in x.columns if c in CATEGORICAL_FEATURES})
    return reference


def contributions(
    model, features: list[str], inputs: Mapping[str, object], reference: Mapping[str, object]
) -> tuple[float, dict[str, float]]:
    """Exact Shapley values of each input against the reference customer.

    Returns p(reference) and {feature: contribution}; p(reference) + sum = p(customer).
    With four inputs this is 16 predictions in one batch, so it is exact and fast.
    """
    n = len(features)
    coalitions = list(itertools.product([False, True], repeat=n))
    rows = [
        {
            f: (inputs.get(f) if on else reference.get(f))
            for f, on in zip(features, mask, strict=True)
        }
        for mask in coalitions
    ]
    probabilities = model.predict_proba(customer_frame(features, rows))[:, 1]
    value = dict(zip(coalitions, probabilities, strict=True))
    shapley = {}
    for i, feature in enumerate(features):
        total = 0.0
        for mask in coalitions:
            if mask[i]:
                continue
            size = sum(mask)
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            with_feature = (*mask[:i], True, *mask[i + 1 :])
            total += weight * (value[with_feature] - value[mask])
        shapley[feature] = float(total)
    return float(value[(False,) * n]), shapley
