"""Explaining a prediction: exact Shapley values of the inputs against a reference customer."""

import itertools
import math
from collections.abc import Mapping

import pandas as pd

from analytics.steps.classifier.candidates import numeric_inputs
from analytics.steps.classifier.prediction import customer_frame


def reference_customer(x: pd.DataFrame) -> dict:
    """Median numeric inputs and the most common category of the others (gender, a file's
    categorical columns): the baseline of the contributions, and what a what-if holds an
    input it does not ask for at."""
    numeric = numeric_inputs(x, list(x.columns))
    reference = {c: float(x[c].median()) for c in numeric}
    reference.update({c: str(x[c].mode().iat[0]) for c in x.columns if c not in numeric})
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
