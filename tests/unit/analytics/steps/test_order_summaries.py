"""The order-log aggregates the dashboard reads: grid, groups, moves, value by segment, at risk."""

import numpy as np
import pandas as pd

from analytics.steps import order_summaries
from analytics.steps.rfm import GROUPS


def customers(n=60, seed=1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    r, fm = rng.integers(1, 6, n), rng.integers(1, 6, n)
    return pd.DataFrame(
        {
            "r_score": r,
            "fm_score": fm,
            "rfm_group": rng.choice(list(GROUPS), n),
            "monetary": rng.uniform(10, 100, n),
            "repeat_orders": rng.integers(0, 4, n),
            "expected_orders": rng.uniform(0, 2, n),
            "expected_value": rng.uniform(0, 50, n),
            "p_alive": rng.uniform(0, 1, n),
            "p_repeat": rng.uniform(0, 1, n),
            "segment": rng.integers(0, 3, n),
            "recency_days": rng.integers(0, 300, n),
            "frequency": rng.integers(1, 5, n),
        },
        index=pd.Index([f"c{i}" for i in range(n)], name="customer_id"),
    )


def test_the_grid_counts_every_customer_once_in_its_cell():
    frame = customers()
    grid = order_summaries.rfm_grid(frame)
    counts = np.array(grid["customers"])
    assert counts.shape == (5, 5) and counts.sum() == len(frame)
    assert counts[2][3] == ((frame["r_score"] == 3) & (frame["fm_score"] == 4)).sum()
    assert np.isclose(np.array(grid["revenue"]).sum(), frame["monetary"].sum())


def test_groups_list_all_ten_in_rule_order_with_shares():
    groups = order_summaries.rfm_groups(customers(8))
    assert [g["group"] for g in groups] == list(GROUPS)
    assert sum(g["customers"] for g in groups) == 8
    assert np.isclose(sum(g["share"] for g in groups), 1.0)


def test_moves_count_customers_present_in_both_runs():
    now = customers(4)
    before = pd.DataFrame(
        {
            "customer_id": ["c0", "c1", "gone"],
            "rfm_group": [now["rfm_group"].iloc[0], "Lost", "Lost"],
        }
    )
    moves = order_summaries.rfm_moves(now, before, 7)
    assert moves["previous_run_id"] == 7
    assert sum(m["customers"] for m in moves["moves"]) == 2
    assert {"from": "Lost", "to": now["rfm_group"].iloc[1], "customers": 1} in moves["moves"]
    assert order_summaries.rfm_moves(now, None, None) == {"previous_run_id": None, "moves": []}


def test_value_by_segment_sums_value_and_averages_probabilities():
    frame = customers()
    rows = order_summaries.value_by_segment(frame, {0: "Zero"})
    assert sum(r["customers"] for r in rows) == len(frame)
    first = rows[0]
    members = frame[frame["segment"] == 0]
    assert first["name"] == "Zero" and np.isclose(
        first["expected_value"], members["expected_value"].sum()
    )
    assert np.isclose(first["p_alive"], members["p_alive"].mean())


def test_at_risk_lists_repeat_buyers_whose_p_alive_fell_by_value():
    frame = customers()
    before = frame["p_alive"].to_numpy() + np.where(np.arange(len(frame)) % 2, 0.2, 0.0)
    listed = order_summaries.at_risk(frame, before)
    ids = [row["customer_id"] for row in listed]
    chosen = frame.loc[ids]
    assert (chosen["repeat_orders"] > 0).all()
    assert all(int(i[1:]) % 2 == 1 for i in ids)
    assert chosen["expected_value"].is_monotonic_decreasing
