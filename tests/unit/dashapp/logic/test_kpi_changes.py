"""How a KPI moved since the previous run of its kind, in numbers and in its card's words, and
a run's time in words."""

from datetime import UTC, datetime, timedelta

import pytest

from dashapp.logic import kpi_changes
from dashapp.logic.kpi_changes import (
    BAD,
    DOWN,
    GOOD,
    NEUTRAL,
    SAME,
    UP,
    Kpi,
    kpi_change,
    time_ago,
)


def test_more_revenue_is_better_and_shown_with_its_arrow_sign_and_share():
    change = kpi_change(Kpi("money", UP), 1_100.0, 1_000.0, 4)
    assert (change.direction, change.tone) == (UP, GOOD)
    assert change.difference == pytest.approx(100.0)
    assert change.relative == pytest.approx(0.1)
    assert change.text == "▲ +$100 (+10.0%) since run 4"
    assert change.title == "Previous run (4): $1,000"


def test_a_lower_rate_is_worse_in_percentage_points_with_a_true_minus():
    change = kpi_change(Kpi("rate", UP), 0.40, 0.45, 2)
    assert (change.direction, change.tone) == (DOWN, BAD)
    assert change.text == "▼ −5.0 pts since run 2"
    assert change.title == "Previous run (2): 45.0%"


def test_where_better_is_not_clear_the_change_is_neutral_but_still_has_its_arrow():
    change = kpi_change(Kpi("count"), 300, 400, 1)
    assert (change.direction, change.tone) == (DOWN, NEUTRAL)
    assert change.text == "▼ −100 (−25.0%) since run 1"


def test_a_score_changes_in_hundredths():
    assert kpi_change(Kpi("score", UP), 0.91, 0.88, 3).text == "▲ +0.03 since run 3"


@pytest.mark.parametrize(
    ("kind", "current", "previous"),
    [("count", 400.4, 400), ("money", 10.2, 10), ("rate", 0.4502, 0.45), ("score", 0.881, 0.88)],
)
def test_a_change_too_small_to_show_is_no_change(kind, current, previous):
    change = kpi_change(Kpi(kind, UP), current, previous, 5)
    assert (change.direction, change.tone) == (SAME, NEUTRAL)
    assert change.text == "no change since run 5"


def test_the_first_run_says_so_without_an_arrow():
    change = kpi_change(Kpi("money", UP), 1_000.0, None, None)
    assert change.first_run and change.direction is None and change.tone == NEUTRAL
    assert change.text == "first run"
    assert "No earlier published run" in change.title


def test_a_value_missing_from_either_run_is_named_not_compared():
    missing_before = kpi_change(Kpi("score", UP), 0.9, None, 3)
    assert missing_before.direction is None and missing_before.text == "not in run 3"
    missing_now = kpi_change(Kpi("score", UP), None, 0.85, 3)
    assert missing_now.direction is None and missing_now.text == "0.85 in run 3"
    assert kpi_change(Kpi("money"), float("nan"), 5.0, 3).direction is None


def test_a_change_from_zero_has_no_share():
    change = kpi_change(Kpi("count", UP), 12, 0, 1)
    assert change.relative is None and change.text == "▲ +12 since run 1"


def test_every_kpi_of_a_kind_is_compared_and_the_first_run_has_no_previous():
    current = {"customers": 500, "purchase_rate": 0.3, "revenue": 9.0, "average_price": 3.0}
    current |= {"segments": 4, "roc_auc": 0.9}
    changes = kpi_changes.kpi_changes(kpi_changes.CUSTOMER_FILE_KPIS, current, None, None)
    assert set(changes) == set(kpi_changes.CUSTOMER_FILE_KPIS)
    assert all(change.text == "first run" for change in changes.values())
    previous = {**current, "segments": 3, "roc_auc": None}
    changes = kpi_changes.kpi_changes(kpi_changes.CUSTOMER_FILE_KPIS, current, previous, 8)
    assert changes["segments"].text == "▲ +1 (+33.3%) since run 8"
    assert changes["segments"].tone == NEUTRAL
    assert changes["roc_auc"].text == "not in run 8"
    assert changes["revenue"].text == "no change since run 8"


NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ago", "said"),
    [
        (timedelta(seconds=20), "just now"),
        (timedelta(minutes=1, seconds=5), "1 minute ago"),
        (timedelta(minutes=59), "59 minutes ago"),
        (timedelta(hours=2, minutes=10), "2 hours ago"),
        (timedelta(days=1, hours=1), "1 day ago"),
        (timedelta(days=30), "30 days ago"),
        (timedelta(days=40), "on 26 Oct 2026"),
        (timedelta(minutes=-3), "just now"),
    ],
)
def test_a_time_in_words(ago, said):
    assert time_ago(NOW - ago, NOW) == said


def test_a_stored_time_without_zone_is_utc():
    naive = datetime(2026, 12, 5, 10, 0)
    assert time_ago(naive, NOW) == "2 hours ago"
    assert kpi_changes.exact_time(naive) == "05 Dec 2026 10:00 UTC"
