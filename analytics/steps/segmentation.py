"""K-Means customer segments, with k chosen by a documented rule that prefers stable solutions.

Rule (`choose_k`): for every k in 2..10, fit K-Means on a seeded sample and score it with
silhouette, Calinski-Harabasz, Davies-Bouldin, inertia and stability, the mean adjusted Rand
index between the sample's labels and the labels given by fits on bootstrap resamples (other
seeds). The k's whose stability is at least 0.9 are "stable"; among them the one with the
highest silhouette wins. If no k is stable, the most stable k wins.

Stability costs five fits of ten restarts per k, silhouette one: so stability is measured in
order of falling silhouette and no further than the first stable k, which the rule picks
whatever the others' stability. The k's after it keep no stability (NaN, stored as null); if no
k is stable, every k has one. Each k's bootstrap resamples are drawn as if every k were
measured in turn, so a measured stability does not depend on which others were.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from analytics.config import (
    K_RANGE,
    K_SELECTION_ROWS,
    RANDOM_STATE,
    SILHOUETTE_SAMPLE,
    STABILITY_RESAMPLES,
    STABILITY_THRESHOLD,
)

# Feature names users type, and the columns they stand for; any other feature name is the
# name of a column of its own (a file's extra column, found by analytics.validation.columns).
FEATURE_COLUMNS = {"age": "Age", "salary": "Salary", "price": "Price", "gender": "Gender"}
NUMERIC_COLUMNS = ["Age", "Salary", "Price"]


def feature_column(name: str) -> str:
    """The column a feature name stands for."""
    return FEATURE_COLUMNS.get(name, name)


def numeric_columns(customers: pd.DataFrame, columns: list[str]) -> list[str]:
    """Which of `columns` hold numbers (scaled) rather than categories (one-hot encoded)."""
    return [c for c in columns if pd.api.types.is_numeric_dtype(customers[c])]


# Ten restarts make each fit find the same optimum when one exists, which stability measures.
_N_INIT = 10


@dataclass(frozen=True)
class Segmentation:
    labels: np.ndarray
    k: int
    features: list[str]
    k_scores: pd.DataFrame
    reason: str
    profiles: pd.DataFrame


def segment_customers(
    customers: pd.DataFrame,
    k: int | str = "auto",
    features: list[str] | tuple[str, ...] = ("age", "salary", "price"),
    seed: int = RANDOM_STATE,
) -> Segmentation:
    """Assign every customer a segment (segment 0 is the largest) and profile the segments.
    A feature is one of FEATURE_COLUMNS or a column of its own name (numbers or categories)."""
    columns = [feature_column(name) for name in features]
    numeric = numeric_columns(customers, columns)
    with threadpool_limits(limits=1):  # see score_k_range
        k_scores, labels_by_k = _score_k_range(customers[columns], seed, numeric)
    if k == "auto":
        chosen_k, reason = choose_k(k_scores)
    else:
        chosen_k = int(k)
        if not 1 <= chosen_k <= len(customers):
            raise ValueError(f"k must be between 1 and the number of rows, got {chosen_k}")
        reason = f"k={chosen_k} was set by the user (--k {chosen_k})."

    # Up to K_SELECTION_ROWS rows, scoring k fitted this very K-Means on every row already.
    raw_labels = labels_by_k.get(chosen_k)
    if raw_labels is None or len(raw_labels) != len(customers):
        raw_labels = _fit_labels(customers[columns], chosen_k, seed, numeric)
    # Renumber by size so that segment ids, and their colours, follow a predictable order.
    order = np.argsort(-np.bincount(raw_labels, minlength=chosen_k), kind="stable")
    labels = np.argsort(order)[raw_labels]
    return Segmentation(
        labels=labels,
        k=chosen_k,
        features=list(features),
        k_scores=k_scores,
        reason=reason,
        profiles=profile_segments(
            customers,
            labels,
            gender_in_features="gender" in features,
            extras=[c for c in columns if c not in FEATURE_COLUMNS.values()],
        ),
    )


def _fit_labels(
    features: pd.DataFrame, k: int, seed: int, numeric: list[str] | None = None
) -> np.ndarray:
    """K-Means labels of every row. Past K_SELECTION_ROWS rows, the restarts run on a seeded
    sample and one Lloyd run on all rows refines the best of them: ten restarts on a million
    rows cost ten times as much and end in the same partition (docs/benchmarks.md)."""
    pipeline = segmentation_pipeline(list(features.columns), k, seed, numeric)
    if len(features) <= K_SELECTION_ROWS:
        return pipeline.fit_predict(features)
    points = pipeline[0].fit_transform(features)
    sample = np.random.default_rng(seed).choice(len(points), K_SELECTION_ROWS, replace=False)
    # Small fits: OpenMP threads cost more than they give (see score_k_range).
    with threadpool_limits(limits=1):
        start = KMeans(n_clusters=k, n_init=_N_INIT, random_state=seed).fit(points[sample])
    kmeans = KMeans(n_clusters=k, init=start.cluster_centers_, n_init=1, random_state=seed)
    return kmeans.fit_predict(points)


def segmentation_pipeline(
    columns: list[str], k: int, seed: int, numeric: list[str] | None = None
) -> Pipeline:
    """Scaling and encoding inside the Pipeline: one object fits and labels raw columns.
    `numeric` names the columns to scale (default: the customer file's NUMERIC_COLUMNS); the
    others are one-hot encoded."""
    numeric_names = NUMERIC_COLUMNS if numeric is None else numeric
    numeric = [c for c in columns if c in numeric_names]
    categorical = [c for c in columns if c not in numeric_names]
    preprocess = ColumnTransformer(
        [
            ("numeric", StandardScaler(), numeric),
            (
                "categorical",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                categorical,
            ),
        ]
    )
    kmeans = KMeans(n_clusters=k, n_init=_N_INIT, random_state=seed)
    return Pipeline([("preprocess", preprocess), ("kmeans", kmeans)])


def score_k_range(
    features: pd.DataFrame, seed: int = RANDOM_STATE, numeric: list[str] | None = None
) -> pd.DataFrame:
    """Every candidate k scored on one seeded sample of at most K_SELECTION_ROWS rows."""
    # Hundreds of small fits: OpenMP threads cost more than they give here (15x slower on a
    # busy 2-core machine), so they run single-threaded.
    with threadpool_limits(limits=1):
        return _score_k_range(features, seed, numeric)[0]


def _score_k_range(
    features: pd.DataFrame, seed: int, numeric: list[str] | None
) -> tuple[pd.DataFrame, dict[int, np.ndarray]]:
    """The scores of every k (stability as far as the rule needs it, see the module), and each
    k's labels of the scored rows."""
    rng = np.random.default_rng(seed)
    if len(features) > K_SELECTION_ROWS:
        features = features.iloc[rng.choice(len(features), K_SELECTION_ROWS, replace=False)]
    preprocess = segmentation_pipeline(list(features.columns), 2, seed, numeric)[0]
    points = preprocess.fit_transform(features)
    distinct = len(np.unique(points, axis=0))
    silhouette_rows = min(SILHOUETTE_SAMPLE, len(points))
    rows, labels_by_k = [], {}
    for k in K_RANGE:
        if k >= distinct:
            break
        reference = KMeans(n_clusters=k, n_init=_N_INIT, random_state=seed).fit(points)
        labels = labels_by_k[k] = reference.labels_
        rows.append(
            {
                "k": k,
                "silhouette": float(
                    silhouette_score(points, labels, sample_size=silhouette_rows, random_state=seed)
                ),
                "calinski_harabasz": float(calinski_harabasz_score(points, labels)),
                "davies_bouldin": float(davies_bouldin_score(points, labels)),
                "inertia": float(reference.inertia_),
                "stability": np.nan,
                # The resamples each k's stability would have drawn, in the order of the ks.
                "resamples": [
                    rng.integers(0, len(points), len(points)) for _ in range(STABILITY_RESAMPLES)
                ],
            }
        )
    if not rows:
        raise ValueError(f"too few distinct customers to choose k from {list(K_RANGE)}")
    for row in sorted(rows, key=lambda row: -row["silhouette"]):
        row["stability"] = _stability(
            points, labels_by_k[row["k"]], row["k"], seed, row["resamples"]
        )
        if row["stability"] >= STABILITY_THRESHOLD:
            break
    return pd.DataFrame(rows).drop(columns="resamples"), labels_by_k


def _stability(
    points: np.ndarray, labels: np.ndarray, k: int, seed: int, resamples: list[np.ndarray]
) -> float:
    """Mean ARI between `labels` and those of fits on bootstrap `resamples` with other seeds."""
    scores = []
    for resample, rows in enumerate(resamples):
        refit = KMeans(n_clusters=k, n_init=_N_INIT, random_state=seed + resample + 1)
        scores.append(adjusted_rand_score(labels, refit.fit(points[rows]).predict(points)))
    return float(np.mean(scores))


def choose_k(k_scores: pd.DataFrame) -> tuple[int, str]:
    """Apply the module's rule; return k and a sentence saying why."""
    stable = k_scores[k_scores["stability"] >= STABILITY_THRESHOLD]
    if not stable.empty:
        best = stable.loc[stable["silhouette"].idxmax()]
        others = ", ".join(str(int(k)) for k in stable["k"] if k != best["k"]) or "none"
        unmeasured = int(k_scores["stability"].isna().sum())
        if unmeasured:  # see the module: they come after the pick in silhouette
            others += f"; {unmeasured} k of lower silhouette not measured"
        return int(best["k"]), (
            f"k={int(best['k'])}: the highest silhouette ({best['silhouette']:.3f}) among the "
            f"stable solutions (bootstrap ARI ≥ {STABILITY_THRESHOLD}; this k: "
            f"{best['stability']:.2f}; other stable k: {others})."
        )
    best = k_scores.loc[k_scores["stability"].idxmax()]
    return int(best["k"]), (
        f"k={int(best['k'])}: no k reached bootstrap ARI {STABILITY_THRESHOLD}, so the most "
        f"stable one was taken (ARI {best['stability']:.2f}, silhouette "
        f"{best['silhouette']:.3f})."
    )


def profile_segments(
    customers: pd.DataFrame,
    labels: np.ndarray,
    gender_in_features: bool = False,
    extras: list[str] | tuple[str, ...] = (),
) -> pd.DataFrame:
    """Size, share, mean and median per numeric column, purchase rate, revenue and a name.
    `extras` are feature columns beyond the reference ones: numeric ones are profiled and named
    like the others, categorical ones name a segment they dominate."""
    numeric = [c for c in NUMERIC_COLUMNS if c in customers.columns and customers[c].notna().any()]
    numeric += numeric_columns(customers, list(extras))
    categorical = [c for c in extras if c not in numeric]
    frame = customers.assign(segment=labels)
    if "Price" in numeric:
        frame["revenue"] = frame["Price"] * frame["Purchased"]
    aggregations = {"size": ("segment", "size"), "purchase_rate": ("Purchased", "mean")}
    for column in numeric:
        aggregations[f"{column.lower()}_mean"] = (column, "mean")
        aggregations[f"{column.lower()}_median"] = (column, "median")
    if "Price" in numeric:
        aggregations["revenue"] = ("revenue", "sum")
    profiles = frame.groupby("segment").agg(**aggregations)
    profiles["share"] = profiles["size"] / len(customers)
    if "Gender" in customers.columns:
        profiles["top_gender"] = frame.groupby("segment")["Gender"].agg(lambda g: g.mode().iat[0])
        profiles["top_gender_share"] = frame.groupby("segment")["Gender"].agg(
            lambda g: g.value_counts(normalize=True).iat[0]
        )
    else:  # a file without Gender: nothing to say of it
        profiles["top_gender"] = None
        profiles["top_gender_share"] = np.nan
    mostly = {
        column: frame.groupby("segment")[column].agg(_dominant_value) for column in categorical
    }
    profiles["name"] = segment_names(
        profiles,
        centre={c: customers[c].mean() for c in numeric},
        spread={c: customers[c].std() for c in numeric},
        gender_in_features=gender_in_features,
        mostly=mostly,
    )
    return profiles.reset_index()


def _dominant_value(values: pd.Series) -> str | None:
    """The value of at least 75 % of `values`, or None."""
    shares = values.value_counts(normalize=True)
    return str(shares.index[0]) if len(shares) and shares.iat[0] >= 0.75 else None


def segment_names(
    profiles: pd.DataFrame,
    centre: Mapping[str, float],
    spread: Mapping[str, float],
    gender_in_features: bool = False,
    mostly: Mapping[str, pd.Series] | None = None,
) -> list[str]:
    """Distinct names for the segments' profiles, from everyone's mean (`centre`) and standard
    deviation (`spread`) of each numeric column, and `mostly`: per categorical feature beyond
    Gender, the value that dominates each segment (None where none does)."""
    names = [
        _describe(
            profile,
            centre,
            spread,
            gender_in_features,
            {column: values.get(segment) for column, values in (mostly or {}).items()},
        )
        for segment, profile in profiles.iterrows()
    ]
    return unique_names(names)


_WORDS = {
    "Age": ("Younger", "Middle-aged", "Older"),
    "Salary": ("lower earners", "mid earners", "high earners"),
    "Price": ("budget products", "mid-price products", "premium products"),
}
# Any other numeric feature, by its column name.
_LEVELS = ("low {column}", "mid {column}", "high {column}")


def _describe(
    profile: pd.Series,
    centre: Mapping[str, float],
    spread: Mapping[str, float],
    gender_in_features: bool,
    mostly: Mapping[str, str | None],
) -> str:
    """Name a segment by where its means sit against everyone's (half a std counts as apart):
    "Younger high earners, premium products", with the columns the data has (a numeric feature
    beyond them reads "high tenure"), and the categories that dominate it."""
    words = {}
    for column in centre:
        z = (profile[f"{column.lower()}_mean"] - centre[column]) / (spread[column] or 1.0)
        level = 0 if z < -0.5 else 2 if z > 0.5 else 1
        words[column] = _WORDS.get(column, _LEVELS)[level].format(column=column)
    person = " ".join(words.pop(column) for column in ("Age", "Salary") if column in words)
    phrases = [phrase for phrase in (person, *words.values()) if phrase]
    name = ", ".join(phrases) if phrases else "Customers"
    name = name[0].upper() + name[1:]
    dominant = [f"{value}" for value in mostly.values() if value is not None]
    if gender_in_features and profile["top_gender_share"] >= 0.75:
        dominant.insert(0, str(profile["top_gender"]))
    if dominant:
        name += f" (mostly {', '.join(dominant)})"
    return name


def unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return result
