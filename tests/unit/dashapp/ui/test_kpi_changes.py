"""The KPI cards' change line and the overview's last-refreshed line, built without a browser."""

from dashapp.logic.kpi_changes import UP, Kpi, kpi_change
from dashapp.ui import theme
from dashapp.ui.components import kpi_card
from dashapp.ui.kpi_changes import refreshed_line
from dashapp.ui.orders import order_kpi_cards, repeat_rate_card

KPIS = {
    "customers": 549,
    "orders": 4114,
    "revenue": 225051.51,
    "repeat_rate": 0.7905,
    "expected_orders": 642.08,
    "expected_revenue": 38318.69,
    "horizon_days": 92,
    "as_of": "2024-09-30",
}


def parts(card) -> list:
    return [part for part in card.children.children if part is not None]


def test_a_better_kpi_shows_arrow_sign_and_blue_with_the_previous_value_on_hover():
    card = kpi_card(
        "Revenue", "$1,100", "sum of prices bought", kpi_change(Kpi("money", UP), 1100, 1000, 4)
    )
    label, value, detail, change = parts(card)
    assert (label.children, value.children, detail.children) == (
        "Revenue",
        "$1,100",
        "sum of prices bought",
    )
    assert change.children == "▲ +$100 (+10.0%) since run 4"
    assert change.title == "Previous run (4): $1,000"
    assert change.style == {"color": theme.CHANGE_COLOURS["good"]}


def test_a_worse_kpi_is_orange_and_a_neutral_one_grey():
    worse = parts(kpi_card("Rate", "40%", None, kpi_change(Kpi("rate", UP), 0.4, 0.5, 1)))[-1]
    neutral = parts(kpi_card("Customers", "3", None, kpi_change(Kpi("count"), 3, 4, 1)))[-1]
    assert worse.style["color"] == theme.CHANGE_COLOURS["bad"] != theme.CHANGE_COLOURS["good"]
    assert neutral.style["color"] == theme.CHANGE_COLOURS["neutral"]
    assert worse.children.startswith("▼ −") and neutral.children.startswith("▼ −")


def test_the_first_run_is_said_not_left_blank():
    change = parts(kpi_card("Revenue", "$5", None, kpi_change(Kpi("money", UP), 5, None, None)))[-1]
    assert change.children == "first run" and "▲" not in change.children


def test_a_card_without_a_comparison_has_no_change_line():
    assert [p.children for p in parts(kpi_card("Customers", "5"))] == ["Customers", "5"]


def test_the_order_log_cards_carry_their_changes():
    previous = {**KPIS, "repeat_rate": 0.75, "revenue": 200000.0}
    changes = {
        name: kpi_change(
            Kpi("rate" if name == "repeat_rate" else "money", UP), KPIS[name], previous[name], 6
        )
        for name in ("repeat_rate", "revenue")
    }
    cards = order_kpi_cards(KPIS, changes)
    revenue, repeat = parts(cards[2]), parts(cards[3])
    assert revenue[-1].children.startswith("▲ +$25,052 (+12.5%) since run 6")
    assert repeat[-1].children == "▲ +4.0 pts since run 6"
    assert repeat[-1].title == "Previous run (6): 75.0%"
    # Those not given show none.
    assert len(parts(cards[0])) == 3
    assert (
        parts(repeat_rate_card(KPIS, changes["repeat_rate"]))[-1].children
        == "▲ +4.0 pts since run 6"
    )


def test_the_refreshed_line_says_when_by_which_run_and_file_with_the_exact_time_on_hover():
    line = refreshed_line(
        "2 hours ago", "05 Dec 2026 10:00 UTC", "order-log run 7", "shop.csv", "refreshed"
    )
    start, when, rest = line.children
    assert line.id == "refreshed"
    assert (
        start + when.children + rest == "Last refreshed 2 hours ago by order-log run 7 (shop.csv)."
    )
    assert when.title == "05 Dec 2026 10:00 UTC"
