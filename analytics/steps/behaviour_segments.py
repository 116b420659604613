"""K-Means segments of order-log customers, with the customer file's k rule
(analytics.steps.segmentation.choose_k).

The features are the behaviour features log1p-transformed (counts and amounts are heavily
skewed; scaling alone would let a few big spenders make their own clusters), then scaled inside
the segmentation Pipeline, plus the customer attributes (numeric scaled, text one-hot encoded).
"""

import numpy as np
import pandas as pd

from analytics.steps import segmentation
from analytics.steps.segmentation import Segmentation

SEGMENT_BEHAVIOUR = ["recency_days", "frequency", "monetary", "tenure_days", "aov", "return_rate"]
_WORDS = {
    "recency_days": ("Recent", "Lapsing", "Lapsed"),
    "frequency": ("one-off", "occasional", "frequent"),
    "monetary": ("low spenders", "mid spenders", "high spenders"),
}


def segment_behaviour(
    features: pd.DataFrame, attributes: pd.DataFrame, k: int | str, seed: int
) -> Segmentation:
    frame = np.log1p(features[SEGMENT_BEHAVIOUR].astype(float).clip(lower=0))
    usable = [c for c in attributes.columns if attributes[c].notna().all()]
    frame = frame.join(attributes[usable]) if usable else frame
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    k_scores = segmentation.score_k_range(frame, seed, numeric)
    if k == "auto":
        chosen, reason = segmentation.choose_k(k_scores)
    else:
        chosen = int(k)
        if not 1 <= chosen <= len(frame):
            raise ValueError(f"k must be between 1 and the number of customers, got {chosen}")
        reason = f"k={chosen} was set by the user (--k {chosen})."
    raw = segmentation._fit_labels(frame, chosen, seed, numeric)
    order = np.argsort(-np.bincount(raw, minlength=chosen), kind="stable")
    labels = np.argsort(order)[raw]
    return Segmentation(
        labels=labels,
        k=chosen,
        features=[*SEGMENT_BEHAVIOUR, *usable],
        k_scores=k_scores,
        reason=reason,
        profiles=profile(features, labels),
    )


def profile(features: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    """Size, share and mean behaviour per segment, and a name from where its medians sit
    against everyone's (below the 35th / above the 65th percentile)."""
    frame = features[SEGMENT_BEHAVIOUR].astype(float).assign(segment=labels)
    grouped = frame.groupby("segment")
    profiles = grouped.mean().add_suffix("_mean")
    profiles.insert(0, "size", grouped.size())
    profiles.insert(1, "share", profiles["size"] / len(frame))
    medians = grouped.median()
    names = []
    for segment in profiles.index:
        words = []
        for column, (low, middle, high) in _WORDS.items():
            value = medians.loc[segment, column]
            lower, upper = features[column].quantile([0.35, 0.65])
            words.append(low if value < lower else high if value > upper else middle)
        names.append(f"{words[0]} {words[1]} {words[2]}")
    profiles["name"] = segmentation.unique_names(names)
    return profiles.reset_index()
