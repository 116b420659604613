"""Purchase-propensity model: a Random Forest inside a leak-free scikit-learn Pipeline."""

import io
import pickle
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from analytics.config import RANDOM_STATE, TEST_SIZE

NUMERIC_FEATURES = ["Age", "Salary", "Price"]
CATEGORICAL_FEATURES = ["Gender"]
MODEL_FEATURES = NUMERIC_FEATURES + CATEGORICAL_FEATURES
# Bounded trees keep the artifact small and the forest from memorising a small table.
FOREST_PARAMS = {"n_estimators": 200, "min_samples_leaf": 5, "max_leaf_nodes": 256}


class ModelVersionError(RuntimeError):
    """A stored model was written by another scikit-learn version and is not trusted to load."""


@dataclass(frozen=True)
class TrainedModel:
    name: str
    pipeline: Pipeline
    params: dict
    metrics: dict
    features: list[str] = field(default_factory=lambda: list(MODEL_FEATURES))


def build_random_forest(seed: int = RANDOM_STATE) -> Pipeline:
    """Scaling and encoding live inside the Pipeline, so they are fitted on training rows only."""
    preprocess = ColumnTransformer(
        [
            ("numeric", StandardScaler(), NUMERIC_FEATURES),
            (
                "categorical",
                # A missing gender (e.g. a what-if without one) falls back to the most common.
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                CATEGORICAL_FEATURES,
            ),
        ]
    )
    forest = RandomForestClassifier(**FOREST_PARAMS, random_state=seed, n_jobs=-1)
    return Pipeline([("preprocess", preprocess), ("classifier", forest)])


def train_purchase_model(customers: pd.DataFrame, seed: int = RANDOM_STATE) -> TrainedModel:
    """Fit on a stratified 80 % and report accuracy and ROC-AUC on the held-out 20 %."""
    features = customers[MODEL_FEATURES]
    target = customers["Purchased"]
    x_train, x_test, y_train, y_test = train_test_split(
        features, target, test_size=TEST_SIZE, stratify=target, random_state=seed
    )
    pipeline = build_random_forest(seed).fit(x_train, y_train)
    # Threaded prediction sums tree votes in a varying order, so the last digit of a probability
    # could change from call to call; one thread is deterministic and quicker for single rows.
    pipeline.set_params(classifier__n_jobs=1)
    probability = pipeline.predict_proba(x_test)[:, 1]
    metrics = {
        "accuracy": float(accuracy_score(y_test, probability >= 0.5)),
        "roc_auc": float(roc_auc_score(y_test, probability)),
        "train_rows": len(x_train),
        "test_rows": len(x_test),
    }
    return TrainedModel(
        name="Random Forest",
        pipeline=pipeline,
        params={**FOREST_PARAMS, "random_state": seed, "test_size": TEST_SIZE},
        metrics=metrics,
    )


def predict_probability(
    pipeline: Pipeline, age: float, salary: float, price: float, gender: str | None = None
) -> float:
    """Purchase probability for one customer; the single source of truth for CLI and dashboard."""
    row = pd.DataFrame(
        {
            "Age": [float(age)],
            "Salary": [float(salary)],
            "Price": [float(price)],
            "Gender": [gender if gender else np.nan],
        }
    )
    row["Gender"] = row["Gender"].astype(object)
    return float(pipeline.predict_proba(row[MODEL_FEATURES])[0, 1])


def dump_model(pipeline: Pipeline) -> bytes:
    buffer = io.BytesIO()
    pickle.dump(pipeline, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    return buffer.getvalue()


def load_model(artifact: bytes, sklearn_version: str) -> Pipeline:
    """Unpickle a model this application stored itself; never call this on uploaded bytes."""
    if sklearn_version != sklearn.__version__:
        raise ModelVersionError(
            f"the stored model was trained with scikit-learn {sklearn_version} but "
            f"{sklearn.__version__} is installed; re-run `python -m analytics run` to retrain it."
        )
    return pickle.loads(artifact)
