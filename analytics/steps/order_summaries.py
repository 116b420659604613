"""What the dashboard reads of an order-log run, from its customer table (one row per customer:
rfm scores and group, segment, predictions): the aggregates rows named below, as JSON-ready
values.

"At risk" customers are repeat buyers whose P(alive) is falling: it has dropped by at least
AT_RISK_DROP over the last AT_RISK_DAYS days (the same model evaluated at cutoff - 30 days,
for customers whose last order was before then). Of those the AT_RISK_TOP with the highest
expected value are listed.
"""

import numpy as np
import pandas as pd

from analytics.steps.rfm import GROUPS

SCORES = [1, 2, 3, 4, 5]
AT_RISK_DAYS = 30
AT_RISK_DROP = 0.05
AT_RISK_TOP = 50


def order_kpis(customers: pd.DataFrame, orders: int, horizon_days: int, as_of: str) -> dict:
    return {
        "customers": len(customers),
        "orders": int(orders),
        "revenue": float(customers["monetary"].sum()),
        "repeat_rate": float((customers["repeat_orders"] > 0).mean()),
        "expected_orders": float(customers["expected_orders"].sum()),
        "expected_revenue": float(customers["expected_value"].sum()),
        "horizon_days": int(horizon_days),
        "as_of": as_of,
    }


def rfm_grid(customers: pd.DataFrame) -> dict:
    """5 × 5 customers and revenue by [r - 1][fm - 1]; empty cells are 0."""
    index = pd.MultiIndex.from_product([SCORES, SCORES], names=["r_score", "fm_score"])
    cells = customers.groupby(["r_score", "fm_score"]).agg(
        customers=("monetary", "size"), revenue=("monetary", "sum")
    )
    cells = cells.reindex(index, fill_value=0)
    return {
        "r_scores": SCORES,
        "fm_scores": SCORES,
        "customers": cells["customers"].to_numpy(dtype=int).reshape(5, 5).tolist(),
        "revenue": cells["revenue"].to_numpy(dtype=float).reshape(5, 5).tolist(),
    }


def rfm_groups(customers: pd.DataFrame) -> list[dict]:
    grouped = customers.groupby("rfm_group", observed=False)["monetary"].agg(["size", "sum"])
    grouped = grouped.reindex(list(GROUPS), fill_value=0)
    return [
        {
            "group": name,
            "customers": int(row["size"]),
            "revenue": float(row["sum"]),
            "share": float(row["size"] / max(len(customers), 1)),
        }
        for name, row in grouped.iterrows()
    ]


def rfm_moves(customers: pd.DataFrame, previous: pd.DataFrame | None, previous_id) -> dict:
    """Customers per (previous group → group), for customers in both runs."""
    if previous is None or previous.empty:
        return {"previous_run_id": previous_id, "moves": []}
    both = customers[["rfm_group"]].join(
        previous.set_index("customer_id")["rfm_group"].rename("before"), how="inner"
    )
    counts = both.groupby(["before", "rfm_group"], observed=True).size()
    return {
        "previous_run_id": previous_id,
        "moves": [
            {"from": before, "to": after, "customers": int(n)}
            for (before, after), n in counts.items()
            if n
        ],
    }


def value_by_segment(customers: pd.DataFrame, names: dict[int, str]) -> list[dict]:
    grouped = customers.groupby("segment").agg(
        customers=("expected_value", "size"),
        expected_value=("expected_value", "sum"),
        p_alive=("p_alive", "mean"),
        p_repeat=("p_repeat", "mean"),
    )
    return [
        {
            "segment": int(segment),
            "name": names.get(int(segment), f"Segment {segment}"),
            "customers": int(row["customers"]),
            "expected_value": float(row["expected_value"]),
            "p_alive": float(row["p_alive"]),
            "p_repeat": float(row["p_repeat"]),
        }
        for segment, row in grouped.iterrows()
    ]


def at_risk(customers: pd.DataFrame, p_alive_before: np.ndarray) -> list[dict]:
    """The documented at-risk list; `p_alive_before` is P(alive) AT_RISK_DAYS days earlier
    (NaN where the customer's last order is more recent than that)."""
    drop = p_alive_before - customers["p_alive"].to_numpy()
    falling = (customers["repeat_orders"].to_numpy() > 0) & (np.nan_to_num(drop) >= AT_RISK_DROP)
    top = customers[falling].nlargest(AT_RISK_TOP, "expected_value")
    return [
        {
            "customer_id": str(customer_id),
            "rfm_group": str(row["rfm_group"]),
            "expected_value": float(row["expected_value"]),
            "p_alive": float(row["p_alive"]),
            "p_repeat": float(row["p_repeat"]),
            "recency_days": int(row["recency_days"]),
            "frequency": int(row["frequency"]),
            "monetary": float(row["monetary"]),
        }
        for customer_id, row in top.iterrows()
    ]
