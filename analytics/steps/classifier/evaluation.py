"""How a model's probabilities are judged: metrics, ROC/PR/calibration curves, the confusion
matrix, lift by decile, and the holdout counts pages recompute a confusion matrix from."""

import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    log_loss,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)

THRESHOLD = 0.5


def classification_metrics(y, scores: np.ndarray) -> dict:
    predicted = scores >= THRESHOLD
    return {
        "roc_auc": float(roc_auc_score(y, scores)),
        "pr_auc": float(average_precision_score(y, scores)),
        "brier": float(brier_score_loss(y, scores)),
        "log_loss": float(log_loss(y, np.clip(scores, 1e-6, 1 - 1e-6))),
        "accuracy": float(accuracy_score(y, predicted)),
        "f1": float(f1_score(y, predicted)),
    }


def evaluation_curves(y: np.ndarray, scores: np.ndarray, threshold: float) -> dict:
    """ROC, precision-recall and calibration curves, the confusion matrix and lift by decile."""
    fpr, tpr, roc_thresholds = roc_curve(y, scores)
    precision, recall, _ = precision_recall_curve(y, scores)
    observed, predicted = calibration_curve(y, scores, n_bins=10, strategy="quantile")
    tn, fp, fn, tp = confusion_matrix(y, scores >= threshold, labels=[0, 1]).ravel()
    return {
        "roc": _thin({"fpr": fpr, "tpr": tpr, "threshold": np.minimum(roc_thresholds, 1.0)}),
        "pr": _thin({"precision": precision, "recall": recall}),
        "calibration": {"predicted": predicted.tolist(), "observed": observed.tolist()},
        "confusion": {
            "threshold": threshold,
            "tn": int(tn),
            "fp": int(fp),
            "fn": int(fn),
            "tp": int(tp),
        },
        "lift": lift_by_decile(y, scores),
        "holdout": holdout_counts(y, scores),
    }


def holdout_counts(y: np.ndarray, scores: np.ndarray) -> dict:
    """Holdout customers counted per (score to 4 decimals, bought): enough for pages to recompute
    a confusion matrix at any threshold, in at most 20,002 rows however large the holdout."""
    counts = (
        pd.DataFrame({"score": np.round(scores, 4), "y": np.asarray(y).astype(int)})
        .value_counts()
        .sort_index()
    )
    return {
        "score": counts.index.get_level_values("score").tolist(),
        "y": counts.index.get_level_values("y").tolist(),
        "customers": counts.tolist(),
    }


def lift_by_decile(y: np.ndarray, scores: np.ndarray) -> list[dict]:
    """Deciles from the highest scores down: buyers, rate, lift and cumulative gain."""
    order = np.argsort(-scores, kind="stable")
    deciles = np.array_split(order, 10)
    base_rate = y.mean()
    total_buyers = y.sum()
    rows, reached = [], 0
    for number, members in enumerate(deciles, start=1):
        buyers = int(y[members].sum())
        reached += buyers
        rate = buyers / len(members) if len(members) else 0.0
        rows.append(
            {
                "decile": number,
                "customers": len(members),
                "buyers": buyers,
                "rate": rate,
                "lift": rate / base_rate if base_rate else 0.0,
                "cumulative_gain": reached / total_buyers if total_buyers else 0.0,
            }
        )
    return rows


def _thin(curve: dict, points: int = 200) -> dict:
    length = len(next(iter(curve.values())))
    keep = np.unique(np.linspace(0, length - 1, min(points, length)).astype(int))
    return {key: np.asarray(values)[keep].round(5).tolist() for key, values in curve.items()}
