"""How much holdout accuracy the reference data can give: `python -m benchmarks.holdout_ceiling`.

Refits fixed model settings on 30 seeded stratified 80/20 splits of the reference data and
reports the spread of holdout accuracy, next to a three-rule model read off the data (price
7,000 never buys; salary <= 30,000 rarely buys; everyone else: buy). See docs/model-quality.md.
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

from analytics.steps.classifier import CANDIDATES, build_pipeline
from analytics.validation.customer_file import read_customers

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "data" / "purchase_history.csv"
FEATURES = ["Age", "Salary", "Price", "Gender"]
SETTINGS = {
    "Random Forest": {"min_samples_leaf": 3},
    "Logistic Regression": {"C": 1.0},
    "Decision Tree": {"max_depth": 3, "min_samples_leaf": 5},
}
SPLITS = 30


def three_rules(customers: pd.DataFrame) -> np.ndarray:
    buys = np.ones(len(customers), dtype=bool)
    buys[(customers["Price"] >= 7_000).to_numpy()] = False
    buys[(customers["Salary"] <= 30_000).to_numpy()] = False
    return buys


def main() -> None:
    if not REFERENCE.is_file():
        sys.exit(f"reference data not found at {REFERENCE}")
    customers = read_customers(REFERENCE)
    accuracy: dict[str, list[float]] = {"three rules": [], **{name: [] for name in SETTINGS}}
    for seed in range(SPLITS):
        train, test = train_test_split(
            customers, test_size=0.2, random_state=seed, stratify=customers["Purchased"]
        )
        accuracy["three rules"].append(accuracy_score(test["Purchased"], three_rules(test)))
        for name, params in SETTINGS.items():
            model = build_pipeline(CANDIDATES[name].make(42).set_params(**params), FEATURES)
            model.fit(train[FEATURES], train["Purchased"])
            predicted = model.predict_proba(test[FEATURES])[:, 1] >= 0.5
            accuracy[name].append(accuracy_score(test["Purchased"], predicted))
    print(f"holdout accuracy over {SPLITS} seeded stratified 80/20 splits of {REFERENCE.name}")
    print("| model | mean | sd | min | max | splits with >= 0.82 |")
    print("|---|---|---|---|---|---|")
    for name, values in accuracy.items():
        values = np.array(values)
        print(
            f"| {name} | {values.mean():.3f} | {values.std():.3f} | {values.min():.3f} | "
            f"{values.max():.3f} | {np.mean(values >= 0.82):.0%} |"
        )


if __name__ == "__main__":
    main()
