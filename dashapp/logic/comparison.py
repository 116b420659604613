"""Pure comparisons of two runs: metric changes and who moved between segments."""

import pandas as pd

from dashapp.ui import theme


def metric_changes(previous: dict, current: dict) -> pd.DataFrame:
    """One row per headline figure: previous, current and the change, formatted for people."""
    rows = []
    for label, key, kind in (
        ("Customers", "rows", "count"),
        ("Segments (k)", "k", "count"),
        ("Purchase rate", "purchase_rate", "percent"),
        ("Model", "model", "text"),
        ("CV ROC-AUC", "cv_roc_auc", "score"),
        ("Holdout accuracy", "holdout_accuracy", "percent"),
    ):
        before, after = previous.get(key), current.get(key)
        rows.append(
            {
                "figure": label,
                "previous": _format(before, kind),
                "current": _format(after, kind),
                "change": _change(before, after, kind),
            }
        )
    return pd.DataFrame(rows)


def _format(value, kind: str) -> str:
    if value is None:
        return theme.MISSING
    return {
        "count": theme.count,
        "percent": theme.percent,
        "text": str,
        "score": lambda v: f"{v:.3f}",
    }[kind](value)


def _change(before, after, kind: str) -> str:
    if before is None or after is None:
        return theme.MISSING
    if kind == "text":
        return "same" if before == after else "changed"
    delta = after - before
    if kind == "percent":
        return f"{delta * 100:+.1f} points"
    if kind == "score":
        return f"{delta:+.3f}"
    return f"{delta:+,.0f}"


def segment_moves(
    previous: pd.DataFrame,
    current: pd.DataFrame,
    previous_labels: dict[int, str],
    current_labels: dict[int, str],
) -> pd.DataFrame:
    """Customers (matched by Customer ID) per previous segment (rows) and current (columns).

    Both frames have columns "Customer ID" and "segment"; customers in only one run are left
    out (and a repeated ID counts once), so the total is the customers the runs share.
    """
    columns = ["Customer ID", "segment"]
    matched = (
        previous[columns]
        .drop_duplicates("Customer ID")
        .merge(
            current[columns].drop_duplicates("Customer ID"),
            on="Customer ID",
            suffixes=(" before", " now"),
        )
    )
    counts = matched.groupby(["segment before", "segment now"]).size().unstack(fill_value=0)
    counts = counts.reindex(
        index=sorted(previous_labels), columns=sorted(current_labels), fill_value=0
    )
    return counts.rename(index=previous_labels, columns=current_labels)
