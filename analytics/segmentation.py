"""K-Means segmentation on scaled Age, Salary and Price, with k chosen by silhouette."""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from analytics.config import K_RANGE, RANDOM_STATE, SILHOUETTE_SAMPLE

SEGMENT_FEATURES = ["Age", "Salary", "Price"]
# k is chosen on at most this many rows: the silhouette ranking is stable well before that.
K_SELECTION_ROWS = 20_000
_N_INIT = 4


@dataclass(frozen=True)
class Segmentation:
    labels: np.ndarray
    k: int
    k_scores: pd.DataFrame
    profiles: pd.DataFrame


def segment_customers(
    customers: pd.DataFrame, k: int | str = "auto", seed: int = RANDOM_STATE
) -> Segmentation:
    """Assign every customer a segment; segment 0 is the largest."""
    features = customers[SEGMENT_FEATURES].to_numpy(dtype=float)
    k_scores = score_k_range(features, seed)
    if k == "auto":
        if k_scores.empty:
            raise ValueError(f"too few distinct customers to choose k from {list(K_RANGE)}")
        chosen_k = int(k_scores.loc[k_scores["silhouette"].idxmax(), "k"])
    else:
        chosen_k = int(k)
        if not 1 <= chosen_k <= len(customers):
            raise ValueError(f"k must be between 1 and the number of rows, got {chosen_k}")

    raw_labels = _kmeans(chosen_k, seed).fit_predict(features)
    # Renumber by size so that segment ids, and their colours, follow a predictable order.
    sizes = np.bincount(raw_labels, minlength=chosen_k)
    order = np.argsort(-sizes, kind="stable")
    labels = np.argsort(order)[raw_labels]
    return Segmentation(
        labels=labels, k=chosen_k, k_scores=k_scores, profiles=profile_segments(customers, labels)
    )


def score_k_range(features: np.ndarray, seed: int = RANDOM_STATE) -> pd.DataFrame:
    """Silhouette and inertia of K-Means for every candidate k, on a seeded sample."""
    rng = np.random.default_rng(seed)
    if len(features) > K_SELECTION_ROWS:
        features = features[rng.choice(len(features), K_SELECTION_ROWS, replace=False)]
    distinct = len(np.unique(features, axis=0))
    rows = []
    for k in K_RANGE:
        if k >= distinct:
            break
        model = _kmeans(k, seed).fit(features)
        labels = model[-1].labels_
        silhouette = silhouette_score(
            model[0].transform(features),
            labels,
            sample_size=min(SILHOUETTE_SAMPLE, len(features)),
            random_state=seed,
        )
        rows.append({"k": k, "silhouette": float(silhouette), "inertia": float(model[-1].inertia_)})
    return pd.DataFrame(rows, columns=["k", "silhouette", "inertia"])


def profile_segments(customers: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    """Size, share, feature means, purchase rate, revenue and a readable name per segment."""
    frame = customers.assign(segment=labels, revenue=customers["Price"] * customers["Purchased"])
    profiles = frame.groupby("segment").agg(
        size=("segment", "size"),
        age_mean=("Age", "mean"),
        salary_mean=("Salary", "mean"),
        price_mean=("Price", "mean"),
        purchase_rate=("Purchased", "mean"),
        revenue=("revenue", "sum"),
    )
    profiles["share"] = profiles["size"] / len(customers)
    profiles["name"] = _unique(
        [_describe(profile, customers) for _, profile in profiles.iterrows()]
    )
    return profiles.reset_index()[
        [
            "segment",
            "name",
            "size",
            "share",
            "age_mean",
            "salary_mean",
            "price_mean",
            "purchase_rate",
            "revenue",
        ]
    ]


_WORDS = {
    "Age": ("Younger", "Middle-aged", "Older"),
    "Salary": ("lower earners", "mid earners", "high earners"),
    "Price": ("budget products", "mid-price products", "premium products"),
}


def _describe(profile: pd.Series, customers: pd.DataFrame) -> str:
    """Name a segment by where its means sit against everyone's (half a std counts as apart)."""
    words = []
    for column, mean in (
        ("Age", profile.age_mean),
        ("Salary", profile.salary_mean),
        ("Price", profile.price_mean),
    ):
        spread = customers[column].std() or 1.0
        z = (mean - customers[column].mean()) / spread
        words.append(_WORDS[column][0 if z < -0.5 else 2 if z > 0.5 else 1])
    return f"{words[0]} {words[1]}, {words[2]}"


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return result


def _kmeans(k: int, seed: int) -> Pipeline:
    return make_pipeline(StandardScaler(), KMeans(n_clusters=k, n_init=_N_INIT, random_state=seed))
