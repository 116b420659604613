"""Repeat-purchase propensity and expected orders, trained on time splits of the log itself.

Recipe (measured on CDNOW in docs/model-quality.md, where it beats a plain BG/NBD):

1. The training window is w = min(H, span / 2) days, where span runs from the log's first
   order to the fit cutoff T: on a short log H alone would leave no history before T - H.
2. Three stacked cutoffs c_k = T - w - 28·k: features from orders on or before c_k
   (analytics.steps.behaviour.model_features plus a BG/NBD fitted at c_k: P(alive), E[X(w)],
   P(≥1 in w)), label = order days in (c_k, c_k + w]. c_0 + w = T, so no label passes T.
3. Propensity P(≥1 order): logistic regression on sign(x)·log1p(|x|) of the features, or a
   gradient-boosted classifier, whichever has the higher cross-validated ROC-AUC over folds
   grouped by customer (a customer appears up to three times); Platt calibration is kept if
   it lowers the CV Brier score (analytics.steps.classifier.calibration).
4. Expected orders in H days: half BG/NBD's E[X(H)], half a Poisson gradient-boosted count for
   w days rescaled by BG/NBD's own E[X(H)] / E[X(w)]; the 90 % interval is BG/NBD's.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from threadpoolctl import threadpool_limits

from analytics.steps import btyd
from analytics.steps.behaviour import WEEK, model_features, window_counts
from analytics.steps.classifier.calibration import PlattCalibrated, choose_calibration
from analytics.steps.classifier.evaluation import classification_metrics

STACKED_CUTOFFS = 3
CUTOFF_STEP_DAYS = 28
MIN_HISTORY_DAYS = 28
CV_FOLDS = 3
# Rows the candidates are cross-validated on, and the boosted models trained on, at most.
MAX_CV_ROWS = 100_000
MAX_BOOSTED_ROWS = 100_000
IMPORTANCE_ROWS = 5_000
BLEND_WEIGHT = 0.5
_GAP_COLUMNS = ("gap_mean", "gap_std", "gap_last", "overdue")


def signed_log(values):
    return np.sign(values) * np.log1p(np.abs(values))


def candidates(seed: int) -> dict[str, Pipeline]:
    boosted = dict(
        max_iter=150, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=50, random_state=seed
    )
    return {
        "Logistic regression": make_pipeline(
            FunctionTransformer(signed_log), StandardScaler(), LogisticRegression(max_iter=1000)
        ),
        "Gradient boosting": make_pipeline(
            HistGradientBoostingClassifier(early_stopping=False, **boosted)
        ),
    }


@dataclass(frozen=True)
class RepeatModel:
    name: str
    classifier: object  # fitted; PlattCalibrated when calibration helped
    counter: HistGradientBoostingRegressor
    columns: list[str]
    window_days: int
    cutoffs: list[pd.Timestamp]
    train_rows: int
    calibrated: bool
    cv_metrics: dict
    comparison: list[dict]
    # Permutation importance (ROC-AUC drop) on a sample of the training rows: in-sample, so
    # it ranks what the model uses rather than proving it generalises (CV does that).
    importance: list[dict]


@dataclass(frozen=True)
class Predictions:
    """Per customer (index customer_id) as of the fit cutoff, for `horizon_days`."""

    frame: pd.DataFrame  # p_repeat, expected_orders(_lo/_hi), p_alive, bg_expected, x, t_x, T
    bgnbd: btyd.BgNbd


def training_window(fit_cutoff: pd.Timestamp, log_start: pd.Timestamp, horizon_days: int) -> int:
    span = (fit_cutoff - log_start).days
    window = int(min(horizon_days, span // 2))
    if window < 1:
        raise ValueError("the log spans too few days before the cutoff to learn repeat orders")
    return window


def bgnbd_columns(model: btyd.BgNbd, f: pd.DataFrame, weeks: float) -> pd.DataFrame:
    args = (f["x"].to_numpy(), f["t_x"].to_numpy(), f["T"].to_numpy())
    return pd.DataFrame(
        {
            "bg_p_alive": btyd.p_alive(model, *args),
            "bg_expected": btyd.expected_orders(model, weeks, *args),
            "bg_p_any": btyd.p_any_order(model, weeks, *args),
        },
        index=f.index,
    )


def model_matrix(f: pd.DataFrame) -> pd.DataFrame:
    matrix = f.copy()
    for column in _GAP_COLUMNS:
        matrix[f"{column}_missing"] = matrix[column].isna().astype(float)
    # A BG/NBD fitted at an early cutoff can give NaN/inf for some customers.
    return matrix.replace([np.inf, -np.inf], np.nan).fillna(0.0)


def training_rows(days: pd.DataFrame, fit_cutoff: pd.Timestamp, window_days: int):
    """Stacked (features, label count, cutoff) rows from time splits before `fit_cutoff`."""
    log_start = days["day"].min()
    frames, labels, used = [], [], []
    for k in range(STACKED_CUTOFFS):
        cutoff = fit_cutoff - pd.Timedelta(days=window_days + CUTOFF_STEP_DAYS * k)
        if (cutoff - log_start).days < MIN_HISTORY_DAYS and k:
            break
        f = model_features(days, cutoff)
        if k:
            f = f[f["T"] > 0]
        if len(f) < 10:
            continue
        f = f.join(bgnbd_columns(btyd.fit_bgnbd(f["x"], f["t_x"], f["T"]), f, window_days / WEEK))
        frames.append(model_matrix(f))
        end = cutoff + pd.Timedelta(days=window_days)
        labels.append(window_counts(days, cutoff, end).reindex(f.index, fill_value=0))
        used.append(cutoff)
    if not frames:
        raise ValueError("too few customers before the cutoff to learn repeat orders")
    return pd.concat(frames), pd.concat(labels), used


def fit_repeat_model(
    days: pd.DataFrame, fit_cutoff: pd.Timestamp, horizon_days: int, seed: int
) -> RepeatModel:
    window = training_window(fit_cutoff, days["day"].min(), horizon_days)
    x, counts, cutoffs = training_rows(days, fit_cutoff, window)
    y = (counts.to_numpy() > 0).astype(int)
    if y.min() == y.max():
        raise ValueError("every customer in the training windows behaved alike; no model")
    groups = x.index.to_numpy()
    rng = np.random.default_rng(seed)
    cv_rows = rng.permutation(len(x))[:MAX_CV_ROWS]
    comparison = []
    with threadpool_limits(limits=1):  # OpenMP spin-waits on a busy machine (docs/benchmarks.md)
        for name, pipeline in candidates(seed).items():
            scores = _out_of_fold(pipeline, x.iloc[cv_rows], y[cv_rows], groups[cv_rows])
            metrics = classification_metrics(y[cv_rows], scores)
            comparison.append({"name": name, "scores": scores, **metrics})
        best = max(comparison, key=lambda c: (c["roc_auc"], -c["brier"]))
        platt = choose_calibration(y[cv_rows], best["scores"], best, seed)
        fit_rows = _cap(rng, len(x), best["name"] != "Logistic regression")
        classifier = candidates(seed)[best["name"]].fit(x.iloc[fit_rows], y[fit_rows])
        if platt.calibrate:
            classifier = PlattCalibrated(classifier, platt.slope, platt.intercept)
        sample = rng.permutation(len(x))[:IMPORTANCE_ROWS]
        importance = permutation_importance(
            classifier, x.iloc[sample], y[sample], scoring="roc_auc", n_repeats=3, random_state=seed
        )
        count_rows = _cap(rng, len(x), True)
        counter = HistGradientBoostingRegressor(
            loss="poisson",
            max_iter=150,
            learning_rate=0.05,
            max_leaf_nodes=15,
            min_samples_leaf=50,
            early_stopping=False,
            random_state=seed,
        ).fit(x.iloc[count_rows], counts.to_numpy()[count_rows])
    return RepeatModel(
        name=best["name"],
        classifier=classifier,
        counter=counter,
        columns=list(x.columns),
        window_days=window,
        cutoffs=cutoffs,
        train_rows=len(x),
        calibrated=platt.calibrate,
        cv_metrics=platt.cv_metrics,
        comparison=[{k: v for k, v in c.items() if k != "scores"} for c in comparison],
        importance=sorted(
            (
                {"feature": name, "mean": float(mean), "std": float(std)}
                for name, mean, std in zip(
                    x.columns, importance.importances_mean, importance.importances_std, strict=True
                )
            ),
            key=lambda row: -row["mean"],
        ),
    )


def predict(
    model: RepeatModel, days: pd.DataFrame, fit_cutoff: pd.Timestamp, horizon_days: int
) -> Predictions:
    """Propensity, blended expected orders with BG/NBD's interval, and P(alive) at the cutoff."""
    f = model_features(days, fit_cutoff)
    bgnbd = btyd.fit_bgnbd(f["x"], f["t_x"], f["T"])
    window_weeks, horizon_weeks = model.window_days / WEEK, horizon_days / WEEK
    in_window = bgnbd_columns(bgnbd, f, window_weeks)
    in_horizon = bgnbd_columns(bgnbd, f, horizon_weeks)
    x = model_matrix(f.join(in_window))[model.columns]
    with threadpool_limits(limits=1):
        p_window = model.classifier.predict_proba(x)[:, 1]
        counted = model.counter.predict(x)
    growth = in_horizon["bg_expected"] / in_window["bg_expected"].clip(lower=1e-9)
    bg_expected = in_horizon["bg_expected"].to_numpy()
    expected = BLEND_WEIGHT * bg_expected + (1 - BLEND_WEIGHT) * counted * growth.to_numpy()
    # The classifier learned P(≥1 in w days); BG/NBD says how that odds grows from w to H.
    p_repeat = rescale_propensity(p_window, in_window["bg_p_any"], in_horizon["bg_p_any"])
    low, high = btyd.order_interval(bgnbd, horizon_weeks, f["x"], f["t_x"], f["T"])
    frame = pd.DataFrame(
        {
            "p_repeat": p_repeat,
            "expected_orders": expected,
            "expected_orders_lo": low,
            "expected_orders_hi": high,
            "p_alive": in_horizon["bg_p_alive"].to_numpy(),
            "bg_expected": bg_expected,
            "x": f["x"],
            "t_x": f["t_x"],
            "T": f["T"],
        },
        index=f.index,
    )
    return Predictions(frame=frame, bgnbd=bgnbd)


def rescale_propensity(
    p_window: np.ndarray, bg_window: pd.Series, bg_horizon: pd.Series
) -> np.ndarray:
    """P(≥1 order in H days) from the classifier's P(≥1 in w days): its log-odds shifted by
    BG/NBD's change in log-odds from w to H (`bg_p_any` over each window); the dashboard's
    what-if scores an imagined customer with it too."""
    if np.allclose(bg_window.to_numpy(), bg_horizon.to_numpy()):
        return p_window
    shift = np.log(bg_horizon.clip(1e-9, 1 - 1e-9) / (1 - bg_horizon.clip(1e-9, 1 - 1e-9)))
    shift -= np.log(bg_window.clip(1e-9, 1 - 1e-9) / (1 - bg_window.clip(1e-9, 1 - 1e-9)))
    logit = np.log(np.clip(p_window, 1e-9, 1 - 1e-9) / (1 - np.clip(p_window, 1e-9, 1 - 1e-9)))
    return expit(logit + shift.to_numpy())


def _out_of_fold(pipeline, x: pd.DataFrame, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    scores = np.empty(len(y))
    for train, valid in GroupKFold(CV_FOLDS).split(x, y, groups):
        fitted = clone(pipeline).fit(x.iloc[train], y[train])
        scores[valid] = fitted.predict_proba(x.iloc[valid])[:, 1]
    return scores


def _cap(rng: np.random.Generator, rows: int, capped: bool) -> np.ndarray:
    if not capped or rows <= MAX_BOOSTED_ROWS:
        return np.arange(rows)
    return np.sort(rng.choice(rows, MAX_BOOSTED_ROWS, replace=False))
