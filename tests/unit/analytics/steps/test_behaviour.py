"""Every behaviour feature of analytics.steps.behaviour on a tiny log, returns, and the leakage
guard: nothing after a cutoff reaches a feature; labels count only (cutoff, cutoff + window]."""

import numpy as np
import pandas as pd
import pytest

from analytics.steps.behaviour import (
    behaviour_features,
    model_features,
    order_days,
    order_table,
    window_counts,
)

CUTOFF = pd.Timestamp("2024-03-31")


def lines_of(rows) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["customer_id", "order_id", "order_date", "amount", "cancelled", "product_id"]
    )
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    return frame


LOG = [
    ("a", "1", "2024-01-01", 10.0, False, "p1"),
    ("a", "2", "2024-01-11", 30.0, False, "p2"),
    ("a", "2", "2024-01-11", 5.0, False, "p1"),  # a second line of order 2
    ("a", "3", "2024-01-31", 20.0, False, "p3"),
    ("a", "4", "2024-02-10", 40.0, True, "p4"),  # cancelled: no revenue, counts as a return
    ("b", "5", "2024-03-01", 50.0, False, "p1"),
    ("b", "6", "2024-03-01", 25.0, False, "p2"),  # same day: one order day, two orders
    ("c", "7", "2024-03-20", 12.0, True, "p9"),  # only cancelled: left out
]


@pytest.fixture
def log():
    lines = lines_of(LOG)
    return lines, order_table(lines)


def test_each_feature_follows_its_definition(log):
    lines, orders = log
    f = behaviour_features(orders, CUTOFF, lines)
    assert list(f.index) == ["a", "b"]
    a, b = f.loc["a"], f.loc["b"]
    assert a["frequency"] == 3 and a["repeat_orders"] == 2
    assert a["monetary"] == 65.0 and a["aov"] == pytest.approx(65 / 3)
    assert a["recency_days"] == (CUTOFF - pd.Timestamp("2024-01-31")).days
    assert a["tenure_days"] == (CUTOFF - pd.Timestamp("2024-01-01")).days
    assert a["mean_days_between"] == 15.0
    assert a["distinct_products"] == 3  # p4 was in the cancelled order
    assert a["return_rate"] == 0.25
    assert b["frequency"] == 2 and b["repeat_orders"] == 0
    assert np.isnan(b["mean_days_between"])
    assert b["monetary"] == 75.0 and b["return_rate"] == 0.0


def test_a_refund_line_reduces_revenue_but_never_below_zero():
    lines = lines_of(
        [
            ("a", "1", "2024-01-01", 100.0, False, None),
            ("a", "C2", "2024-01-05", -30.0, True, None),
            ("b", "3", "2024-01-01", 10.0, False, None),
            ("b", "C4", "2024-01-02", -50.0, True, None),
        ]
    )
    f = behaviour_features(order_table(lines), CUTOFF)
    assert f.loc["a", "monetary"] == 70.0 and f.loc["a", "return_rate"] == 0.5
    assert f.loc["b", "monetary"] == 0.0


def test_a_negative_quantity_makes_an_order_a_return():
    lines = lines_of([("a", "1", "2024-01-01", 10.0, False, None)]).assign(quantity=-1.0)
    assert order_table(lines)["cancelled"].tolist() == [True]


def test_an_order_after_the_cutoff_changes_no_feature_and_adds_one_to_the_label(log):
    lines, orders = log
    later = lines_of([("b", "99", "2024-04-01", 500.0, False, "p7")])
    lines2 = pd.concat([lines, later], ignore_index=True)
    orders2 = order_table(lines2)
    pd.testing.assert_frame_equal(
        behaviour_features(orders, CUTOFF, lines), behaviour_features(orders2, CUTOFF, lines2)
    )
    days, days2 = order_days(orders), order_days(orders2)
    pd.testing.assert_frame_equal(model_features(days, CUTOFF), model_features(days2, CUTOFF))
    window_end = CUTOFF + pd.Timedelta(days=30)
    before = window_counts(days, CUTOFF, window_end).reindex(["a", "b"], fill_value=0)
    after = window_counts(days2, CUTOFF, window_end).reindex(["a", "b"], fill_value=0)
    assert (after - before).to_dict() == {"a": 0, "b": 1}


def test_an_order_on_the_cutoff_is_a_feature_not_a_label():
    days = order_days(order_table(lines_of([*LOG, ("a", "9", "2024-03-31", 5.0, False, "p1")])))
    assert model_features(days, CUTOFF).loc["a", "orders"] == 4
    assert "a" not in window_counts(days, CUTOFF, CUTOFF + pd.Timedelta(days=30)).index


def test_features_at_a_random_cutoff_ignore_every_later_order():
    rng = np.random.default_rng(3)
    n = 400
    lines = pd.DataFrame(
        {
            "customer_id": rng.integers(0, 40, n).astype(str),
            "order_id": np.arange(n).astype(str),
            "order_date": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 300, n), "D"),
            "amount": rng.uniform(1, 100, n).round(2),
            "cancelled": rng.random(n) < 0.1,
            "product_id": rng.integers(0, 20, n).astype(str),
        }
    )
    for cutoff in pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(30, 290, 5), "D"):
        kept = lines[lines["order_date"] <= cutoff]
        pd.testing.assert_frame_equal(
            behaviour_features(order_table(lines), cutoff, lines),
            behaviour_features(order_table(kept), cutoff, kept),
        )
        pd.testing.assert_frame_equal(
            model_features(order_days(order_table(lines)), cutoff),
            model_features(order_days(order_table(kept)), cutoff),
        )
