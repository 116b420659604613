"""The seven candidate models, their small search grids, and the preprocessing every one of them
starts with (inside its Pipeline, so it is fitted on training rows only)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

# The reference columns a model reads; a run may add columns of the file named by --features.
NUMERIC_FEATURES = ["Age", "Salary", "Price"]
CATEGORICAL_FEATURES = ["Gender"]
# Kernel and neighbour methods grow quadratically (or in predict time) with rows: cap them.
_SMALL_DATA_ROWS = 2_000
# A forest is 150 trees: cross-validate it on fewer rows, and give each tree of the final fit
# a bootstrap sample of at most this many rows, so a million-row refit stays seconds.
_FOREST_ROWS = 5_000
_FOREST_TREE_ROWS = 50_000


@dataclass(frozen=True)
class Candidate:
    make: Callable[[int], BaseEstimator]
    grid: dict
    max_rows: int | None = None  # the most rows it is ever fitted on
    cv_rows: int | None = None  # the most rows it is cross-validated on
    # Parameters for the final fit on this many rows (to bound its time and size).
    refit_params: Callable[[int], dict] = lambda rows: {}


CANDIDATES = {
    "Logistic Regression": Candidate(
        lambda seed: LogisticRegression(max_iter=1_000), {"C": [0.1, 1.0, 10.0]}
    ),
    "Decision Tree": Candidate(
        lambda seed: DecisionTreeClassifier(random_state=seed),
        {"max_depth": [3, 5, 8], "min_samples_leaf": [5, 20]},
    ),
    # Bounded leaves keep the artifact small and fitting linear at a million rows. Trees are
    # grown on one thread in cross-validation (the fold fits are what run in parallel) and on
    # every core for the final fit.
    "Random Forest": Candidate(
        lambda seed: RandomForestClassifier(
            n_estimators=150, max_leaf_nodes=512, random_state=seed
        ),
        {"min_samples_leaf": [3, 5, 10]},
        cv_rows=_FOREST_ROWS,
        refit_params=lambda rows: {
            "n_jobs": -1,
            **({"max_samples": _FOREST_TREE_ROWS} if rows > _FOREST_TREE_ROWS else {}),
        },
    ),
    # An SVM has no probabilities of its own; a sigmoid fitted by inner CV supplies them.
    "SVM": Candidate(
        lambda seed: CalibratedClassifierCV(SVC(random_state=seed), ensemble=False, cv=3),
        {"estimator__C": [0.3, 1.0, 3.0]},
        max_rows=_SMALL_DATA_ROWS,
    ),
    "Naive Bayes": Candidate(lambda seed: GaussianNB(), {}),
    "KNN": Candidate(
        lambda seed: KNeighborsClassifier(),
        {"n_neighbors": [15, 31, 51]},
        max_rows=_SMALL_DATA_ROWS,
    ),
    "HistGradientBoosting": Candidate(
        lambda seed: HistGradientBoostingClassifier(random_state=seed, early_stopping=False),
        {"learning_rate": [0.05, 0.1], "max_depth": [3, None]},
    ),
}


def model_features(customers: pd.DataFrame, extras: Sequence[str] = ()) -> list[str]:
    """The model inputs this data has (every reference input is optional), then `extras`:
    columns of the file named by --features."""
    present = [
        c
        for c in NUMERIC_FEATURES + CATEGORICAL_FEATURES
        if c in customers.columns and customers[c].notna().any()
    ]
    return present + [c for c in extras if c not in present]


def numeric_inputs(x: pd.DataFrame, features: list[str]) -> list[str]:
    """The features that hold numbers (scaled); the others are categories (one-hot encoded)."""
    return [f for f in features if pd.api.types.is_numeric_dtype(x[f])]


def build_pipeline(
    estimator: BaseEstimator, features: list[str], numeric: list[str] | None = None
) -> Pipeline:
    """Scaling and encoding live inside the Pipeline, so they are fitted on training rows only."""
    return Pipeline([("preprocess", preprocessor(features, numeric)), ("classifier", estimator)])


def preprocessor(features: list[str], numeric: list[str] | None = None) -> ColumnTransformer:
    """Every candidate's first step: numeric inputs scaled, the others (gender, a file's
    categorical columns) one-hot encoded. `numeric` defaults to the reference numeric inputs."""
    numeric = [f for f in features if f in (NUMERIC_FEATURES if numeric is None else numeric)]
    return ColumnTransformer(
        [
            ("numeric", StandardScaler(), numeric),
            (
                "categorical",
                # A missing category (e.g. a what-if without a gender) falls back to the most
                # common one.
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")
                ),
                [f for f in features if f not in numeric],
            ),
        ]
    )
