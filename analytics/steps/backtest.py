"""Scoring a fitted order-log run against the orders that came after its cutoff.

Only customers known at the cutoff are scored (new customers of the holdout are counted apart);
their actual count is order days in the holdout, the same definition the models learn from.
"""

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from analytics.steps import btyd
from analytics.steps.behaviour import WEEK
from analytics.steps.classifier import THRESHOLD
from analytics.steps.fairness import fairness_report, present_attributes

FREQUENCY_BUCKETS = 7  # repeat orders 0..6, then "7+"


def holdout_metrics(predicted: pd.DataFrame, actual: pd.Series) -> dict:
    """Totals, per-customer agreement, propensity scores and interval coverage.

    `predicted` has expected_orders, expected_orders_lo/hi and p_repeat per customer;
    `actual` the holdout order days of the same customers (missing = 0)."""
    actual = actual.reindex(predicted.index, fill_value=0).to_numpy(dtype=float)
    expected = predicted["expected_orders"].to_numpy()
    bought = (actual > 0).astype(int)
    inside = (actual >= predicted["expected_orders_lo"]) & (
        actual <= predicted["expected_orders_hi"]
    )
    both_classes = 0 < bought.sum() < len(bought)
    return {
        "customers": len(actual),
        "actual_repeat_orders": float(actual.sum()),
        "predicted_repeat_orders": float(expected.sum()),
        "customer_correlation": float(np.corrcoef(expected, actual)[0, 1])
        if actual.std() > 0 and expected.std() > 0
        else 0.0,
        "customer_mae": float(np.abs(expected - actual).mean()),
        "interval_coverage": float(inside.mean()),
        "roc_auc": float(roc_auc_score(bought, predicted["p_repeat"])) if both_classes else None,
        "pr_auc": float(average_precision_score(bought, predicted["p_repeat"]))
        if both_classes
        else None,
        "brier": float(brier_score_loss(bought, predicted["p_repeat"])),
    }


def holdout_fairness(predicted: pd.DataFrame, actual: pd.Series, attributes: pd.DataFrame) -> dict:
    """analytics.steps.fairness's report for the repeat propensity on the holdout, by every
    customer attribute the log has: the label is at least one order in the holdout, and a
    customer is selected at the purchase model's threshold (p_repeat >= 0.5)."""
    bought = actual.reindex(predicted.index, fill_value=0).to_numpy() > 0
    customers = attributes.reindex(predicted.index)
    columns = present_attributes(customers)
    report = fairness_report(bought, predicted["p_repeat"], THRESHOLD, customers, columns)
    if not columns:
        report["notes"].append("No fairness by group: the log has no customer attributes.")
    return report


def weekly_curve(
    predicted: pd.DataFrame,
    model: btyd.BgNbd,
    holdout_days: pd.DataFrame,
    start: pd.Timestamp,
    horizon_days: int,
) -> list[dict]:
    """Actual vs predicted order days per week of the holdout. The prediction spreads each
    customer's expected orders over the weeks as BG/NBD's own E[X(t)] grows."""
    weeks = int(np.ceil(horizon_days / WEEK))
    ends = np.minimum(np.arange(1, weeks + 1) * WEEK, horizon_days) / WEEK
    args = (predicted["x"], predicted["t_x"], predicted["T"])
    total = np.clip(btyd.expected_orders(model, horizon_days / WEEK, *args), 1e-12, None)
    share = predicted["expected_orders"].to_numpy() / total
    cumulative = np.array([(btyd.expected_orders(model, end, *args) * share).sum() for end in ends])
    known = holdout_days[holdout_days["customer_id"].isin(predicted.index)]
    week_of = ((known["day"] - start).dt.days // 7).clip(upper=weeks - 1)
    actual = week_of.value_counts().reindex(range(weeks), fill_value=0)
    return [
        {
            "week": (start + pd.Timedelta(weeks=k)).date().isoformat(),
            "actual": int(actual.iloc[k]),
            "predicted": float(cumulative[k] - (cumulative[k - 1] if k else 0.0)),
        }
        for k in range(weeks)
    ]


def frequency_curve(predicted: pd.DataFrame, actual: pd.Series) -> list[dict]:
    """Mean actual vs mean predicted holdout orders by repeat orders before the cutoff."""
    actual = actual.reindex(predicted.index, fill_value=0)
    bucket = predicted["x"].clip(upper=FREQUENCY_BUCKETS).astype(int)
    rows = []
    for value, members in predicted.groupby(bucket):
        rows.append(
            {
                "frequency": str(value) if value < FREQUENCY_BUCKETS else f"{FREQUENCY_BUCKETS}+",
                "customers": len(members),
                "actual": float(actual.loc[members.index].mean()),
                "predicted": float(members["expected_orders"].mean()),
            }
        )
    return rows
