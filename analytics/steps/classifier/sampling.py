"""The sampling study: the purchase rate of the whole file, of the stratified training and holdout
parts, and of each cross-validation fold, which stratification should keep equal."""

import numpy as np
from sklearn.model_selection import StratifiedKFold


def sampling_study(
    y: np.ndarray,
    train_rows: np.ndarray,
    test_rows: np.ndarray,
    y_select: np.ndarray,
    folds: int,
    seed: int,
) -> dict:
    """Rates (share of buyers) and sizes of the population, the training and holdout parts and
    the validation part of each of the `folds` cross-validation folds of the selection sample
    `y_select` (as the candidates were cross-validated)."""
    y, y_select = np.asarray(y), np.asarray(y_select)
    splits = StratifiedKFold(folds, shuffle=True, random_state=seed).split(
        np.zeros(len(y_select)), y_select
    )
    valid = [rows for _, rows in splits]
    return {
        "population_rate": float(y.mean()),
        "train_rate": float(y[train_rows].mean()),
        "test_rate": float(y[test_rows].mean()),
        "fold_rates": [float(y_select[rows].mean()) for rows in valid],
        "population_rows": len(y),
        "train_rows": len(train_rows),
        "test_rows": len(test_rows),
        "fold_rows": [len(rows) for rows in valid],
    }
