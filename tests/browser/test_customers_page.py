"""The Customers page in headless Chromium against order-log runs of the bundled sample order
log: the R × FM grid holds the stored counts, a click opens that cell in the explorer, the other
cards show the stored aggregates, and the overview carries the order log's KPIs (or says what
one would add)."""

from datetime import date
from urllib.parse import urlparse

import pytest
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.support.wait import WebDriverWait

from analytics.config import Settings
from analytics.db import repository
from analytics.db.session import session_factory
from dashapp.app import create_app
from dashapp.pages.customers import ids as customers_ids
from dashapp.pages.overview import ids as overview_ids
from dashapp.ui import ids, theme
from dashapp.ui.orders import ORDER_LOG_COMMAND
from tests.browser.databases import published_order_log
from tests.conftest import copy_sqlite_database

pytestmark = pytest.mark.browser

_GRID_Z = """
const plot = document.querySelector('#rfm-grid .js-plotly-plot');
if (!plot || !plot.data) return null;
return plot.data.map((trace) => (trace.z || []).map((row) => Array.from(row)));
"""
# Where the centre of cell (R, FM) is on the page, from Plotly's own axes.
_CELL_CENTRE = """
const plot = document.querySelector('#rfm-grid .js-plotly-plot');
const [x, y] = [plot._fullLayout.xaxis, plot._fullLayout.yaxis];
const box = plot.getBoundingClientRect();
return [box.left + x._offset + x.l2p(arguments[1]), box.top + y._offset + y.l2p(arguments[0])];
"""


@pytest.fixture(scope="module")
def orders_only(tmp_path_factory) -> tuple[str, int, int]:
    """A database of two order-log runs and no customer-file run: (url, first, latest id)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('orders-only') / 'orders.db'}"
    first = published_order_log(url, holdout_from=date(2024, 10, 1))
    return url, first, published_order_log(url)


@pytest.fixture(scope="module")
def both_kinds(tmp_path_factory, published_db) -> str:
    """The sample customer-file run and, after it, one order-log run."""
    url = copy_sqlite_database(published_db, tmp_path_factory.mktemp("both"))
    published_order_log(url)
    return url


def stored(db: str, run_id: int, name: str):
    with session_factory(db)() as session:
        return repository.aggregate(session, run_id, name)


def open_page(dash_duo, db: str, path: str) -> None:
    dash_duo.start_server(create_app(Settings(database_url=db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}{path}")


def drawn_grid(dash_duo) -> list:
    dash_duo.wait_for_element(f"#{customers_ids.RFM_GRID} .main-svg", timeout=20)
    return dash_duo.driver.execute_script(_GRID_Z)


def click_cell(dash_duo, r: int, fm: int) -> None:
    layer = dash_duo.find_element(f"#{customers_ids.RFM_GRID} .nsewdrag")
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", layer
    )
    # Selenium cannot aim at offsets inside an SVG element, so aim at the page coordinates.
    x, y = dash_duo.driver.execute_script(_CELL_CENTRE, r, fm)
    actions = ActionBuilder(dash_duo.driver)
    actions.pointer_action.move_to_location(int(x), int(y)).click()
    actions.perform()


def test_the_grid_holds_the_stored_counts_and_a_click_opens_the_cell_in_the_explorer(
    dash_duo, orders_only
):
    db, _, run_id = orders_only
    grid = stored(db, run_id, "rfm_grid")
    kpis = stored(db, run_id, "order_kpis")
    open_page(dash_duo, db, "/customers")

    # One trace, and its z is exactly the stored counts: they add up to the run's customers.
    assert drawn_grid(dash_duo) == [grid["customers"]]
    assert sum(map(sum, grid["customers"])) == kpis["customers"]
    badge = dash_duo.find_element(f"#{ids.RUN_BADGE}").text
    assert badge.startswith(f"Order-log run {run_id} · sample_transactions.csv")
    cards = dash_duo.find_element(f"#{customers_ids.CUSTOMERS_KPIS}").text
    assert theme.percent(kpis["repeat_rate"]) in cards
    assert f"{theme.money(kpis['expected_revenue'])}\nnext {kpis['horizon_days']} days" in cards
    assert dash_duo.find_element(f"#{customers_ids.RFM_CELL}").text.startswith("Click a cell")

    click_cell(dash_duo, 5, 4)
    # The page changes without a reload: wait on the address itself.
    explorer = f"{dash_duo.server_url}/segments?run={run_id}&r=5&fm=4"
    WebDriverWait(dash_duo.driver, 10).until(lambda driver: driver.current_url == explorer)
    assert dash_duo.get_logs() == []


def test_groups_moves_value_and_customers_at_risk_show_the_stored_aggregates(dash_duo, orders_only):
    db, first, run_id = orders_only
    groups = stored(db, run_id, "rfm_groups")
    moves = stored(db, run_id, "rfm_moves")
    value = stored(db, run_id, "value_by_segment")
    at_risk = stored(db, run_id, "at_risk")
    open_page(dash_duo, db, "/customers")
    dash_duo.wait_for_element(f"#{customers_ids.RFM_MOVES} .main-svg", timeout=20)

    plots = dash_duo.driver.execute_script(
        """
        const data = (id) => document.querySelector('#' + id + ' .js-plotly-plot').data;
        return [data(arguments[0]), data(arguments[1])];
        """,
        customers_ids.RFM_GROUPS,
        customers_ids.RFM_MOVES,
    )
    bars, heatmap = plots
    assert bars[0]["y"] == [g["group"] for g in groups]
    assert bars[0]["x"] == pytest.approx([g["share"] for g in groups])
    assert moves["previous_run_id"] == first and moves["moves"]
    moved = sum(n for row in heatmap[0]["z"] for n in row if n)
    assert moved == sum(m["customers"] for m in moves["moves"])

    value_rows = dash_duo.find_elements(f"#{customers_ids.SEGMENT_VALUE_TABLE} tbody tr")
    assert [row.find_elements("css selector", "td")[1].text for row in value_rows] == [
        theme.count(s["customers"]) for s in value
    ]
    risk_rows = dash_duo.find_elements(f"#{customers_ids.AT_RISK_TABLE} tbody tr")
    assert len(risk_rows) == len(at_risk) > 0
    first_row = risk_rows[0].find_elements("css selector", "td")
    assert first_row[0].text == at_risk[0]["customer_id"]
    assert first_row[2].text == theme.money(at_risk[0]["expected_value"])
    assert dash_duo.get_logs() == []


def test_the_overview_of_order_logs_only_leads_to_the_customers_page(dash_duo, orders_only):
    db, _, run_id = orders_only
    kpis = stored(db, run_id, "order_kpis")
    open_page(dash_duo, db, "/")
    note = dash_duo.wait_for_element(f"#{overview_ids.ORDER_LOG_SUMMARY}", timeout=20)
    assert "order logs only" in note.text
    assert (
        theme.percent(kpis["repeat_rate"])
        in dash_duo.find_element(f"#{overview_ids.KPI_CARDS}").text
    )
    note.find_element("link text", "Customers").click()
    dash_duo.wait_for_element(f"#{customers_ids.RFM_GRID} .main-svg", timeout=20)
    assert urlparse(dash_duo.driver.current_url).path == "/customers"
    assert dash_duo.get_logs() == []


def test_the_overview_adds_repeat_rate_and_expected_revenue_beside_a_customer_file(
    dash_duo, both_kinds
):
    with session_factory(both_kinds)() as session:
        kpis = repository.aggregate(
            session, repository.latest_published_run(session, "orders").id, "order_kpis"
        )
    open_page(dash_duo, both_kinds, "/")
    cards = dash_duo.wait_for_element(f"#{overview_ids.ORDER_LOG_SUMMARY}", timeout=20).text
    assert f"REPEAT RATE\n{theme.percent(kpis['repeat_rate'])}" in cards.upper()
    assert f"{theme.money(kpis['expected_revenue'])}\nnext {kpis['horizon_days']} days" in cards
    # The customer-file overview is all still there.
    dash_duo.wait_for_element(f"#{overview_ids.CLUSTER_SCATTER} .main-svg")

    # A single order-log run: nothing to compare with yet, said so.
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/customers")
    empty = dash_duo.wait_for_element(f"#{customers_ids.RFM_MOVES_EMPTY}", timeout=20)
    assert "first order-log run" in empty.text
    assert dash_duo.get_logs() == []


def test_without_an_order_log_both_pages_say_what_one_adds(dash_duo, published_db):
    open_page(dash_duo, published_db, "/customers")
    state = dash_duo.wait_for_element(f"#{ids.EMPTY_STATE}", timeout=20).text
    assert state.startswith("No order log analysed yet")
    assert ORDER_LOG_COMMAND in state and "Runs & data" in state

    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/")
    line = dash_duo.wait_for_element(f"#{overview_ids.ORDER_LOG_SUMMARY}", timeout=20).text
    assert line.startswith("An order log") and ORDER_LOG_COMMAND in line
    assert dash_duo.get_logs() == []
