"""The segment explorer on an order-log run, in headless Chromium: a Customers-page grid link
(`?run=<id>&r=5&fm=5`) selects exactly that cell's customers, the RFM group filter narrows
and sets the link, the export carries the behaviour columns, and `run` values that are not an
order-log run's fall back to the default run."""

import csv
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import func, select

from analytics.config import Settings
from analytics.db.models import CustomerBehaviour
from analytics.db.session import session_factory
from analytics.runs import order_log_run
from dashapp.app import create_app
from dashapp.logic import explorer, export
from dashapp.pages.segments import ids as segments_ids
from dashapp.ui import ids
from tests.browser.plots import points_drawn
from tests.browser.test_segments_page import label_for, until
from tests.conftest import ROOT, copy_sqlite_database

pytestmark = pytest.mark.browser

ORDER_LOG = ROOT / "data" / "sample_transactions.csv"
COUNT = f"#{segments_ids.SEG_COUNT}"


@pytest.fixture(scope="module")
def both_kinds(published_db, tmp_path_factory) -> tuple[str, int]:
    """The sample customer-file run, then an order-log run of the sample order log."""
    url = copy_sqlite_database(published_db, tmp_path_factory.mktemp("orders-explorer"))
    return url, order_log_run.run(ORDER_LOG, url).run_id


@pytest.fixture(scope="module")
def orders_only(tmp_path_factory) -> tuple[str, int]:
    url = f"sqlite:///{tmp_path_factory.mktemp('orders-only') / 'orders.db'}"
    return url, order_log_run.run(ORDER_LOG, url).run_id


def customers_where(url: str, run_id: int, *conditions) -> int:
    """How many of the run's customers the database holds that meet the conditions."""
    with session_factory(url)() as session:
        return session.scalar(
            select(func.count())
            .select_from(CustomerBehaviour)
            .where(CustomerBehaviour.run_id == run_id, *conditions)
        )


def open_page(dash_duo, url: str, query: str = "") -> None:
    dash_duo.start_server(create_app(Settings(database_url=url)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/segments{query}")
    dash_duo.wait_for_contains_text(COUNT, "customers match", timeout=20)


def url_query(dash_duo) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(dash_duo.driver.current_url).query).items()}


def checked(dash_duo, component_id: str) -> list[str]:
    return [
        element.get_attribute("value")
        for element in dash_duo.find_elements(f"#{component_id} input:checked")
    ]


def test_a_grid_cell_link_shows_that_cells_customers(dash_duo, both_kinds):
    url, run_id = both_kinds
    total = customers_where(url, run_id)
    cell = customers_where(
        url, run_id, CustomerBehaviour.r_score == 5, CustomerBehaviour.fm_score == 5
    )
    assert 0 < cell < total

    open_page(dash_duo, url, f"?run={run_id}&r=5&fm=5")
    dash_duo.wait_for_text_to_equal(COUNT, explorer.count_text(cell, total))
    assert (
        f"Run {run_id} · sample_transactions.csv" in dash_duo.find_element(f"#{ids.RUN_BADGE}").text
    )
    assert checked(dash_duo, segments_ids.SEG_R_SCORE) == ["5"]
    assert checked(dash_duo, segments_ids.SEG_FM_SCORE) == ["5"]
    assert len(checked(dash_duo, segments_ids.SEG_RFM_GROUP)) == 10
    assert points_drawn(dash_duo, segments_ids.SEG_SCATTER) == cell
    # The customer-file filters are not shown for an order log.
    assert not dash_duo.find_element(f"#{segments_ids.SEG_GENDER}").is_displayed()
    axes = [o.text for o in dash_duo.find_elements(f"#{segments_ids.SEG_X_AXIS} option") if o.text]
    assert axes[:3] == ["Recency (days)", "Orders", "Spend ($)"]

    # Adding R score 4 widens the audience to two cells.
    label_for(dash_duo, segments_ids.SEG_R_SCORE, "4").click()
    two_cells = customers_where(
        url, run_id, CustomerBehaviour.r_score.in_([4, 5]), CustomerBehaviour.fm_score == 5
    )
    dash_duo.wait_for_text_to_equal(COUNT, explorer.count_text(two_cells, total))
    until(lambda: url_query(dash_duo) == {"run": str(run_id), "r": "4,5", "fm": "5"})
    assert dash_duo.get_logs() == []


def test_the_rfm_group_filter_narrows_and_resets(dash_duo, both_kinds):
    url, run_id = both_kinds
    total = customers_where(url, run_id)
    lost = customers_where(url, run_id, CustomerBehaviour.rfm_group == "Lost")
    at_risk = customers_where(url, run_id, CustomerBehaviour.rfm_group == "At Risk")
    assert lost and at_risk

    open_page(dash_duo, url, f"?run={run_id}&rfm=lost")
    dash_duo.wait_for_text_to_equal(COUNT, explorer.count_text(lost, total))
    assert checked(dash_duo, segments_ids.SEG_RFM_GROUP) == ["Lost"]

    label_for(dash_duo, segments_ids.SEG_RFM_GROUP, "At Risk").click()
    dash_duo.wait_for_text_to_equal(COUNT, explorer.count_text(lost + at_risk, total))
    until(lambda: url_query(dash_duo) == {"run": str(run_id), "rfm": "At Risk,Lost"})
    profile_customers = dash_duo.find_elements(
        f"#{segments_ids.SEG_PROFILE_TABLE} tbody tr td:nth-child(2)"
    )
    assert sum(int(cell.text.replace(",", "")) for cell in profile_customers) == lost + at_risk

    dash_duo.find_element(f"#{segments_ids.SEG_RESET}").click()
    dash_duo.wait_for_text_to_equal(COUNT, explorer.count_text(total, total))
    until(lambda: url_query(dash_duo) == {"run": str(run_id)})
    assert dash_duo.get_logs() == []


def test_export_carries_the_behaviour_and_predictions(dash_duo, both_kinds):
    url, run_id = both_kinds
    champions = customers_where(url, run_id, CustomerBehaviour.rfm_group == "Champions")
    open_page(dash_duo, url, f"?run={run_id}&rfm=Champions")
    dash_duo.wait_for_text_to_equal(
        COUNT, explorer.count_text(champions, customers_where(url, run_id))
    )

    dash_duo.find_element(f"#{segments_ids.SEG_EXPORT}").click()
    day = datetime.now(UTC).date()
    target = Path(dash_duo.download_path) / export.audience_filename(run_id, day, order_log=True)
    until(lambda: target.is_file() and target.read_bytes().count(b"\n") > champions)
    with target.open(newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        rows = list(reader)
    assert tuple(reader.fieldnames) == export.ORDER_AUDIENCE_COLUMNS
    assert len(rows) == champions
    assert {row["rfm_group"] for row in rows} == {"Champions"}
    for row in rows:
        assert float(row["expected_orders_lo"]) <= float(row["expected_orders_hi"])
        assert 0 <= float(row["p_alive"]) <= 1 and 0 <= float(row["p_repeat"]) <= 1
        assert float(row["expected_value"]) >= 0 and row["segment_name"]
    assert dash_duo.get_logs() == []


def test_a_run_that_is_not_an_order_log_falls_back(dash_duo, both_kinds):
    url, run_id = both_kinds
    customer_run = run_id - 1
    open_page(dash_duo, url, f"?run={customer_run}&r=5")
    # The customer-file run, unfiltered: its explorer as without any link.
    dash_duo.wait_for_text_to_equal(COUNT, "3,000 of 3,000 customers match")
    assert dash_duo.find_element(f"#{segments_ids.SEG_GENDER}").is_displayed()
    assert not dash_duo.find_element(f"#{segments_ids.SEG_RFM_GROUP}").is_displayed()

    # The page points to the order-log run, and its link opens it.
    link = dash_duo.driver.find_element("link text", "explore it")
    assert link.get_attribute("href").endswith(f"/segments?run={run_id}")
    link.click()
    total = customers_where(url, run_id)
    dash_duo.wait_for_text_to_equal(COUNT, explorer.count_text(total, total))
    assert dash_duo.find_element(f"#{segments_ids.SEG_RFM_GROUP}").is_displayed()
    assert dash_duo.get_logs() == []


def test_without_a_customer_file_run_the_latest_order_log_run_is_shown(dash_duo, orders_only):
    url, run_id = orders_only
    total = customers_where(url, run_id)
    open_page(dash_duo, url, "?run=12345")
    dash_duo.wait_for_text_to_equal(COUNT, explorer.count_text(total, total))
    assert f"Run {run_id} · " in dash_duo.find_element(f"#{ids.RUN_BADGE}").text
    assert dash_duo.get_logs() == []
