"""Pure helpers behind the model page: the confusion matrix at any score threshold, and the
sentences that tell a manager which model was chosen, why, and what a threshold means."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashapp.ui import theme

THRESHOLD_MIN, THRESHOLD_MAX = 0.05, 0.95
NO_MODEL_PREFIX = "No purchase model was published: "


@dataclass(frozen=True)
class Confusion:
    """Holdout customers split by whether they bought and whether their score reaches the
    threshold (score >= threshold means "contact"; the same rule as the stored model)."""

    threshold: float
    tn: int
    fp: int
    fn: int
    tp: int

    @property
    def customers(self) -> int:
        return self.tn + self.fp + self.fn + self.tp

    @property
    def contacted(self) -> int:
        return self.tp + self.fp

    @property
    def buyers(self) -> int:
        return self.tp + self.fn

    def as_frame(self) -> pd.DataFrame:
        """Rows: did not buy, bought; columns: not contacted, contacted."""
        return pd.DataFrame(
            [[self.tn, self.fp], [self.fn, self.tp]],
            index=["Did not buy", "Bought"],
            columns=["Not contacted", "Contacted"],
        )


def confusion_at(
    labels: Sequence[int],
    scores: Sequence[float],
    threshold: float,
    customers: Sequence[int] | None = None,
) -> Confusion:
    """The confusion matrix of `scores >= threshold` against the 0/1 `labels`, each (label,
    score) standing for `customers` customers (one each by default)."""
    bought = np.asarray(labels).astype(bool)
    contacted = np.asarray(scores, dtype=float) >= threshold
    if bought.shape != contacted.shape:
        raise ValueError(f"{bought.size} labels but {contacted.size} scores")
    weight = np.ones(bought.size, dtype=int) if customers is None else np.asarray(customers)
    tp = int(weight[contacted & bought].sum())
    fp = int(weight[contacted & ~bought].sum())
    fn = int(weight[~contacted & bought].sum())
    return Confusion(threshold, tn=int(weight.sum()) - tp - fp - fn, fp=fp, fn=fn, tp=tp)


def holdout_confusion(holdout: pd.DataFrame, threshold: float) -> Confusion:
    """confusion_at over a stored holdout (columns y, score, customers)."""
    return confusion_at(holdout["y"], holdout["score"], threshold, holdout["customers"])


def holdout_purchase_rate(holdout: pd.DataFrame) -> float:
    """The share of buyers among the stored holdout's customers."""
    return float(np.average(holdout["y"], weights=holdout["customers"]))


def reach_sentence(confusion: Confusion) -> str:
    """What contacting everyone at or above the threshold would do, in one sentence."""
    buyers = confusion.buyers
    reached = theme.percent(confusion.tp / buyers if buyers else None)
    return (
        f"At {confusion.threshold:.2f}: contact {confusion.contacted:,} of "
        f"{confusion.customers:,} holdout customers, reaching {confusion.tp:,} of {buyers:,} "
        f"buyers ({reached}) and missing {confusion.fn:,}; {confusion.fp:,} of those contacted "
        "would not buy."
    )


def choice_sentence(comparison: pd.DataFrame) -> str:
    """Why the selected candidate won; `comparison` has name, roc_auc and selected columns."""
    chosen = comparison[comparison["selected"]].iloc[0]
    others = comparison[~comparison["selected"]].sort_values("roc_auc", ascending=False)
    sentence = (
        f"{chosen['name']} was chosen because it had the highest cross-validated ROC-AUC "
        f"({theme.number(chosen['roc_auc'], 3)}) of the {len(comparison)} candidates"
    )
    if others.empty:
        return f"{sentence}."
    runner_up = others.iloc[0]
    return f"{sentence}; next best: {runner_up['name']} ({theme.number(runner_up['roc_auc'], 3)})."


def calibration_sentence(calibrated: bool, cv_metrics: dict) -> str:
    """Whether the probabilities pass through a fitted sigmoid, with the Brier scores why."""
    before = theme.number(cv_metrics.get("uncalibrated_brier"), 3)
    if calibrated:
        return (
            "Its probabilities are calibrated: a sigmoid fitted on cross-validated scores "
            f"lowered the Brier score from {before} to {theme.number(cv_metrics['brier'], 3)}."
        )
    return (
        "Its probabilities are used as they are: calibrating them did not lower the "
        f"cross-validated Brier score ({before})."
    )


def no_model_reason(notes: Sequence[str]) -> str:
    """Why a run has no purchase model, from its notes (the pipeline writes the reason there)."""
    reasons = [
        note.removeprefix(NO_MODEL_PREFIX) for note in notes if note.startswith(NO_MODEL_PREFIX)
    ]
    return " ".join(reasons or notes) or "the run did not record why."
