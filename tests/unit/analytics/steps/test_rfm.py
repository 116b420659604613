from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.io.sample import TRANSACTION_COLUMNS, generate_transactions
from analytics.steps.rfm import (
    GROUPS,
    assign_groups,
    compute_rfm,
    fm_scores,
    quintile_scores,
)

# (customer, order day, amount); as of 2024-04-01 (the default: the day after the last order)
# a is the most recent and biggest, b recent but one small order, c middling, d lapsed but
# valuable, e lapsed and small.
HAND_MADE = [
    *[("a", f"2024-03-{day:02d}", 100.0) for day in (1, 10, 20, 25, 31)],
    ("b", "2024-03-30", 10.0),
    *[("c", f"2024-03-{day:02d}", 50.0) for day in (1, 15, 20)],
    *[("d", f"2024-01-{day:02d}", 75.0) for day in (5, 10, 20)],
    ("d", "2024-02-01", 75.0),
    ("e", "2023-12-01", 15.0),
    ("e", "2024-01-01", 25.0),
]


def orders(rows) -> pd.DataFrame:
    customer, day, amount = zip(*rows, strict=True)
    return pd.DataFrame(
        {"customer_id": customer, "order_date": pd.to_datetime(day), "amount": amount}
    )


# Scoring


def test_hand_made_log_has_known_values_scores_and_groups():
    result = compute_rfm(orders(HAND_MADE))
    scores = result.customers.set_index("customer_id")

    assert result.as_of == date(2024, 4, 1)
    assert result.orders == len(HAND_MADE)
    assert scores["recency"].to_dict() == {"a": 1, "b": 2, "c": 12, "d": 60, "e": 91}
    assert scores["frequency"].to_dict() == {"a": 5, "b": 1, "c": 3, "d": 4, "e": 2}
    assert scores["monetary"].to_dict() == {"a": 500, "b": 10, "c": 150, "d": 300, "e": 40}
    # Five customers: one per fifth, so each score is the rank.
    assert scores["r_score"].to_dict() == {"a": 5, "b": 4, "c": 3, "d": 2, "e": 1}
    assert scores["f_score"].to_dict() == {"a": 5, "b": 1, "c": 3, "d": 4, "e": 2}
    assert scores["m_score"].to_dict() == {"a": 5, "b": 1, "c": 3, "d": 4, "e": 2}
    assert scores["group"].astype(str).to_dict() == {
        "a": "Champions",
        "b": "Promising",
        "c": "Need Attention",
        "d": "At Risk",
        "e": "Lost",
    }


def test_every_score_is_used_on_a_skewed_log():
    # Most customers ordered once, on the same day, for the same amount: the usual real log.
    rows = [(f"c{i:03d}", "2024-05-01", 20.0) for i in range(80)]
    rows += [(f"c{i:03d}", "2024-05-02", 20.0) for i in range(70, 100)]
    scores = compute_rfm(orders(rows)).customers
    for column in ("r_score", "f_score", "m_score"):
        assert sorted(set(scores[column])) == [1, 2, 3, 4, 5], column
        assert scores[column].value_counts().tolist() == [20] * 5, column


def test_ties_are_broken_by_customer_id_not_row_order():
    rows = [(f"c{i}", "2024-01-01", 10.0) for i in range(10)]
    forward = compute_rfm(orders(rows)).customers
    backward = compute_rfm(orders(rows[::-1])).customers
    pd.testing.assert_frame_equal(forward, backward)
    # All ten are tied on every measure; sorted ids c0..c9 fill the fifths in order.
    assert forward["customer_id"].tolist() == [f"c{i}" for i in range(10)]
    assert forward["f_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert forward["r_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_recency_is_reversed_and_larger_values_score_higher():
    values = pd.Series([50, 10, 40, 20, 30])
    assert quintile_scores(values).tolist() == [5, 1, 4, 2, 3]
    assert quintile_scores(values, ascending=False).tolist() == [1, 5, 2, 4, 3]


def test_quintiles_split_ranks_into_fifths():
    assert np.bincount(quintile_scores(pd.Series(range(1_000))))[1:].tolist() == [200] * 5
    assert quintile_scores(pd.Series(range(7))).tolist() == [1, 1, 2, 3, 4, 5, 5]
    with pytest.raises(ValueError, match="at least 5"):
        quintile_scores(pd.Series([1, 2, 3, 4]))


def test_as_of_default_is_the_day_after_the_last_order_and_times_do_not_count():
    log = orders(HAND_MADE)
    log.loc[0, "order_date"] = pd.Timestamp("2024-03-31 23:59")
    result = compute_rfm(log)
    assert result.as_of == date(2024, 4, 1)
    assert result.customers.set_index("customer_id").loc["a", "recency"] == 1


def test_explicit_as_of_moves_recency():
    default = compute_rfm(orders(HAND_MADE)).customers["recency"]
    later = compute_rfm(orders(HAND_MADE), as_of=date(2024, 5, 1))
    assert later.as_of == date(2024, 5, 1)
    assert (later.customers["recency"] - default).eq(30).all()
    on_the_day = compute_rfm(orders(HAND_MADE), as_of=date(2024, 3, 31)).customers
    assert on_the_day.set_index("customer_id").loc["a", "recency"] == 0


def test_as_of_before_the_last_order_is_refused_with_the_line():
    with pytest.raises(ValueError) as error:
        compute_rfm(orders(HAND_MADE), as_of=date(2024, 3, 1))
    assert "as-of date 2024-03-01 is before the last order in the log (2024-03-31" in str(
        error.value
    )
    assert "line 6" in str(error.value)  # index 4 of the frame → line 6 of its file


def test_group_summary_adds_up_and_lists_all_ten_groups():
    result = compute_rfm(orders(HAND_MADE))
    groups = result.groups.set_index("name")
    assert groups.index.tolist() == list(GROUPS)
    assert groups["customers"].sum() == 5
    assert groups["share"].sum() == pytest.approx(1.0)
    assert groups["revenue"].sum() == pytest.approx(1_000)
    assert groups.loc["At Risk"].to_dict() == {
        "customers": 1,
        "share": 0.2,
        "mean_recency": 60.0,
        "mean_frequency": 4.0,
        "mean_monetary": 300.0,
        "revenue": 300.0,
    }
    empty = groups.loc["Loyal Customers"]
    assert empty["customers"] == 0 and empty["revenue"] == 0
    assert np.isnan(empty["mean_recency"])


# Group rules

# The rule table of the module docstring and README, drawn as the 5 × 5 map.
SHORT = {
    "CH": "Champions",
    "LC": "Loyal Customers",
    "PL": "Potential Loyalist",
    "NC": "New Customers",
    "PR": "Promising",
    "NA": "Need Attention",
    "AS": "About To Sleep",
    "AR": "At Risk",
    "CL": "Can't Lose Them",
    "LO": "Lost",
}
#          FM=1  2  3  4  5
MAP = """
    R=5:   NC PL PL CH CH
    R=4:   PR PL PL LC LC
    R=3:   AS AS NA LC LC
    R=2:   LO LO AR AR CL
    R=1:   LO LO AR AR CL
"""
EXPECTED_MAP = {
    int(line.split(":")[0].strip()[2:]): [SHORT[code] for code in line.split(":")[1].split()]
    for line in MAP.strip().splitlines()
}


@pytest.mark.parametrize("r", [5, 4, 3, 2, 1])
def test_group_map_matches_the_documented_table(r):
    fm = pd.Series([1, 2, 3, 4, 5])
    assert list(assign_groups(pd.Series([r] * 5), fm)) == EXPECTED_MAP[r]


def test_every_group_has_a_cell_and_groups_are_ordered_as_documented():
    assert sorted(EXPECTED_MAP) == [1, 2, 3, 4, 5]
    cells = {name for row in EXPECTED_MAP.values() for name in row}
    assert cells == set(GROUPS) and len(GROUPS) == 10
    assert GROUPS[0] == "Champions" and GROUPS[-1] == "Lost"
    assert list(assign_groups([5], [5]).categories) == list(GROUPS)


def test_fm_is_the_mean_rounded_half_up():
    f = pd.Series([1, 1, 2, 4, 4, 5, 3])
    m = pd.Series([1, 2, 3, 5, 4, 1, 4])
    assert fm_scores(f, m).tolist() == [1, 2, 3, 5, 4, 3, 4]


# The generator


def test_generator_is_seeded_and_makes_exactly_the_rows_asked_for():
    log = generate_transactions(3_000, seed=5)
    assert log.equals(generate_transactions(3_000, seed=5))
    assert not log.equals(generate_transactions(3_000, seed=6))
    assert list(log.columns) == TRANSACTION_COLUMNS
    assert len(log) == 3_000 and log["Order ID"].is_unique
    assert log["Order Date"].is_monotonic_increasing
    assert log["Order Date"].between("2023-01-01", "2024-12-31").all()
    assert (log["Amount"] >= 1).all()
    assert len(generate_transactions(1, seed=1)) == 1


def test_committed_sample_is_what_the_generator_makes(sample_csv):
    committed = pd.read_csv(sample_csv.parent / "sample_transactions.csv")
    pd.testing.assert_frame_equal(committed, generate_transactions(len(committed), seed=42))


def test_all_ten_groups_appear_on_a_generated_20k_log():
    log = generate_transactions(20_000, seed=42)
    frame = log.rename(
        columns={"Customer ID": "customer_id", "Order Date": "order_date", "Amount": "amount"}
    )
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    groups = compute_rfm(frame).groups.set_index("name")["customers"]
    assert (groups > 0).all(), groups.to_dict()
    # No group swallows the log either.
    assert groups.max() < 0.25 * groups.sum()
