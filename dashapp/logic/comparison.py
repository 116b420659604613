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


def moves_query(before: str, now: str) -> str:
    """SQL counting the customers (matched by Customer ID) per segment in the run `before` and
    in the run `now` (table expressions with "Customer ID", segment and row_number): customers in
    only one run are left out, and a repeated ID counts once, with its first row."""
    first = (
        'SELECT "Customer ID", first(segment ORDER BY row_number) AS segment FROM {} '
        'GROUP BY "Customer ID"'
    )
    return f"""
        SELECT b.segment AS "segment before", n.segment AS "segment now", count(*) AS customers
        FROM ({first.format(before)}) AS b JOIN ({first.format(now)}) AS n USING ("Customer ID")
        GROUP BY ALL
    """


def segment_moves(
    counts: pd.DataFrame, previous_labels: dict[int, str], current_labels: dict[int, str]
) -> pd.DataFrame:
    """Customers per previous segment (rows) and current (columns), from the `moves_query`
    counts, with every segment of each run shown; the total is the customers the runs share."""
    table = counts.pivot_table(
        index="segment before", columns="segment now", values="customers", aggfunc="sum"
    )
    table = table.reindex(
        index=sorted(previous_labels), columns=sorted(current_labels), fill_value=0
    )
    return table.fillna(0).astype(int).rename(index=previous_labels, columns=current_labels)
