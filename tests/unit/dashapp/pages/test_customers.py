"""The Customers page's pure parts: a clicked grid cell, its explorer link, what a click does for
each role, and the order-log KPI cards it shares with the overview."""

import pytest
from dash import dcc, no_update

from dashapp.data import queries
from dashapp.hosting import roles
from dashapp.pages.customers import cell
from dashapp.ui.orders import order_kpi_cards

GRID = {"customers": [[r * 10 + fm for fm in range(1, 6)] for r in range(1, 6)]}


def click(r, fm) -> dict:
    return {"points": [{"curveNumber": 0, "x": fm, "y": r, "z": 1}]}


@pytest.mark.parametrize(("r", "fm"), [(1, 1), (5, 4), (3, 5)])
def test_a_click_names_its_cell(r, fm):
    assert cell.clicked_cell(click(r, fm)) == (r, fm)


@pytest.mark.parametrize(
    "click_data",
    [
        None,
        {},
        {"points": []},
        {"points": [{"x": 1}]},
        click(0, 3),
        click(6, 1),
        click(2.5, 1),
        click(True, 1),
        click("5", "4"),
        "points",
    ],
)
def test_anything_but_a_cell_is_no_cell(click_data):
    assert cell.clicked_cell(click_data) is None


def test_the_explorer_link_carries_the_run_and_both_scores():
    assert cell.explorer_link(12, 5, 4) == "/segments?run=12&r=5&fm=4"


@pytest.fixture
def published(monkeypatch):
    """Run 7 is the only published order-log run; its grid is GRID."""
    monkeypatch.setattr(
        cell.orders, "published_order_run_id", lambda value: 7 if value == 7 else None
    )
    monkeypatch.setattr(cell.orders, "order_summary", lambda url, run: {"rfm_grid": GRID})
    monkeypatch.setattr(cell.queries, "app_database_url", lambda: "sqlite://")


def test_an_analyst_goes_to_the_explorer_with_the_cell_as_audience(published, monkeypatch):
    monkeypatch.setattr(cell.auth, "current_role", lambda: roles.ANALYST)
    href, line = cell.open_cell(click(5, 4), 7)
    assert href == "/segments?run=7&r=5&fm=4"
    assert isinstance(line, dcc.Link) and line.href == href
    assert line.children == "Open R5 × FM4 (54 customers) in the explorer"


def test_a_viewer_is_told_the_explorer_needs_an_analyst_and_stays(published, monkeypatch):
    monkeypatch.setattr(cell.auth, "current_role", lambda: roles.VIEWER)
    href, line = cell.open_cell(click(2, 3), 7)
    assert href is no_update
    assert line.startswith("R2 × FM3 (23 customers): ") and "needs an analyst account" in line
    assert "analyst account" in cell.hint(cell.may_open_explorer())


@pytest.mark.parametrize("run_id", [8, "7", None, [7], True])
def test_a_run_that_is_not_a_published_order_log_run_is_refused(published, run_id):
    assert cell.open_cell(click(5, 4), run_id) == (no_update, queries.NO_PUBLISHED_RUN)


def test_a_click_outside_the_cells_changes_nothing(published, monkeypatch):
    monkeypatch.setattr(cell.auth, "current_role", lambda: roles.ADMIN)
    assert cell.open_cell({"points": []}, 7) == (no_update, no_update)


def card_texts(card) -> list[str]:
    return [part.children for part in card.children.children if part is not None]


def test_the_kpi_cards_state_the_stored_kpis_and_the_horizon():
    kpis = {
        "customers": 549,
        "orders": 4114,
        "revenue": 225051.51,
        "repeat_rate": 0.7905,
        "expected_orders": 642.08,
        "expected_revenue": 38318.69,
        "horizon_days": 92,
        "as_of": "2024-09-30",
    }
    cards = [card_texts(card) for card in order_kpi_cards(kpis)]
    assert cards[0] == ["Customers", "549", "as of 2024-09-30"]
    assert cards[1] == ["Orders", "4,114", "7.5 per customer"]
    assert cards[2][:2] == ["Revenue", "$225,052"]
    assert cards[3][:2] == ["Repeat rate", "79.0%"]
    assert cards[4] == ["Expected orders", "642", "next 92 days"]
    assert cards[5] == ["Expected revenue", "$38,319", "next 92 days"]


def test_no_customers_gives_a_dash_not_a_division_by_zero():
    kpis = dict.fromkeys(("customers", "orders", "revenue", "repeat_rate"), 0)
    cards = order_kpi_cards(
        {**kpis, "expected_orders": 0.0, "expected_revenue": 0.0, "horizon_days": 90, "as_of": "x"}
    )
    assert card_texts(cards[1])[2] == "— per customer"


def test_the_hint_under_the_grid_follows_the_role(monkeypatch):
    monkeypatch.setattr(cell.auth, "current_role", lambda: roles.ANALYST)
    assert cell.hint(cell.may_open_explorer()).startswith("Click a cell")
    monkeypatch.setattr(cell.auth, "current_role", lambda: None)
    assert "needs an analyst account" in cell.hint(cell.may_open_explorer())
