"""Every page at a phone's width (390 × 844 CSS px) in headless Chromium: nothing wider than the
screen but what scrolls sideways inside its own box (the wide tables), nothing sticking out of
its card, every legend whole and below its plot, and the KPI cards one above the other, each as
wide as the screen allows."""

import itertools

import pytest
from dash.testing.wait import until

from analytics.config import Settings
from analytics.runs import customer_file
from dashapp.app import create_app
from dashapp.hosting import accounts
from dashapp.pages.customers import ids as customers_ids
from dashapp.pages.model import ids as model_ids
from dashapp.pages.overview import ids as overview_ids
from dashapp.pages.runs import ids as runs_ids
from dashapp.pages.segments import ids as segments_ids
from dashapp.pages.users import ids as users_ids
from dashapp.pages.what_if import ids as what_if_ids
from dashapp.ui import ids
from tests.browser.databases import published_order_log
from tests.browser.order_logs import HOLDOUT_FROM
from tests.conftest import SAMPLE_CSV, TEST_SECRET_KEY, copy_sqlite_database

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
# Each page, and what it shows once drawn, its callbacks' output included: an element, and a text
# in it when the element is there from the start.
PAGES = {
    "/": (f"#{ids.WHATIF_PROBABILITY}", "%"),
    "/customers": (f"#{customers_ids.RFM_GRID} .main-svg", None),
    "/segments": (f"#{segments_ids.SEG_COMPARISON} table", None),
    "/model": (f"#{model_ids.MODEL_REACH}", "contact"),
    "/what-if": (f"#{what_if_ids.WI_SEGMENT_RESULT} table", None),
    "/runs": (f"#{runs_ids.RUNS_MOVES} .main-svg", None),
    "/no-such-page": (f"#{ids.NOT_FOUND}", None),
}
KPI_ROWS = {
    "/": (overview_ids.KPI_CARDS, overview_ids.ORDER_LOG_SUMMARY),
    "/customers": (customers_ids.CUSTOMERS_KPIS,),
}
PASSWORD = "browser password"

# Drawn: no callback under way and every graph has its SVG; then the page's height, which stops
# changing once the callbacks' output and the graphs' resizing are in.
DRAWN_HEIGHT = """
const drawn = document.querySelector('[data-dash-is-loading="true"]') === null
    && [...document.querySelectorAll('.dash-graph')].every((g) => g.querySelector('.main-svg'));
return drawn ? document.documentElement.scrollHeight : null;
"""
# What sticks out: past the screen's edges, or past its card's, unless inside a box that scrolls
# sideways on purpose (a .table-responsive, the navigation links).
STICKING_OUT = """
const width = window.innerWidth;
const scrolls = (el) => {
    for (let box = el.parentElement; box; box = box.parentElement) {
        if (['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) return true;
    }
    return false;
};
const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.getAttribute('class') ? '.' + el.getAttribute('class').split(' ').join('.') : '')
    + ' in #' + (el.closest('[id]') || {id: '?'}).id;
const out = [];
for (const el of document.body.querySelectorAll('*')) {
    // A graph's SVG clips what it draws; Plotly measures text in an SVG of its own off screen.
    const svg = el.closest('svg');
    if ((svg && svg !== el) || el.closest('#js-plotly-tester')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || scrolls(el)) continue;
    const card = el.closest('.card');
    const edge = card && card !== el ? card.getBoundingClientRect() : {left: 0, right: width};
    if (box.left < edge.left - 1 || box.right > edge.right + 1) out.push(name(el));
}
return {page: document.documentElement.scrollWidth, screen: width, out: out.slice(0, 10)};
"""
# Legends cut off at the graph's edge, or not below their plot (above it, the mode bar covers
# them; beside it, they take half a phone's width).
MISPLACED_LEGENDS = """
const out = [];
for (const graph of document.querySelectorAll('.js-plotly-plot')) {
    const name = graph.closest('[id]').id;
    const svg = graph.querySelector('.main-svg').getBoundingClientRect();
    const plot = graph.querySelector('.nsewdrag');
    for (const legend of graph.querySelectorAll('g.legend')) {
        const box = legend.getBoundingClientRect();
        if (box.left < svg.left - 1 || box.right > svg.right + 1 || box.bottom > svg.bottom + 1) {
            out.push(name + ': legend cut off');
        }
        if (plot && box.top < plot.getBoundingClientRect().bottom) {
            out.push(name + ': legend not below the plot');
        }
    }
}
return out;
"""
KPI_CARD_BOXES = """
return [...document.querySelectorAll('#' + arguments[0] + ' .kpi-card')].map((card) => {
    const box = card.getBoundingClientRect();
    return {left: box.left, top: box.top, bottom: box.bottom, width: box.width};
});
"""


@pytest.fixture
def both_samples(tmp_path, published_db) -> str:
    """Two runs of each kind, so that every card has something to show (runs compared, who
    moved between segments and groups, the backtest): the bundled customer file and then its
    first 300 customers, the bundled order log, and then again with a backtest."""
    db = copy_sqlite_database(published_db, tmp_path)
    head = tmp_path / "first-300.csv"
    head.write_text("".join(SAMPLE_CSV.read_text().splitlines(keepends=True)[:301]))
    customer_file.run(head, db)
    published_order_log(db)
    published_order_log(db, holdout_from=HOLDOUT_FROM)
    return db


def test_every_page_fits_a_phone(dash_duo, both_samples):
    dash_duo.start_server(create_app(Settings(database_url=both_samples)), navigate=False)
    # Headless Chromium lays no window out narrower than 500 px: emulate the phone's screen.
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    for path, drawn in PAGES.items():
        dash_duo.driver.get(f"{dash_duo.server.url}{path}")
        _assert_fits(dash_duo, path, *drawn)
        for row_id in KPI_ROWS.get(path, ()):
            _assert_stacked(dash_duo, row_id)
    assert dash_duo.get_logs() == []


def test_the_hosted_pages_fit_a_phone(dash_duo, published_db, tmp_path):
    db = copy_sqlite_database(published_db, tmp_path)
    accounts.add_user(db, "owner", PASSWORD, "admin")
    accounts.create_token(db, "owner")
    settings = Settings(database_url=db, secret_key=TEST_SECRET_KEY)
    dash_duo.start_server(create_app(settings, hosted=True), navigate=False)
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    dash_duo.driver.get(f"{dash_duo.server.url}/login?next=/users")
    _assert_fits(dash_duo, "/login", "#login-form")

    dash_duo.find_element("#username").send_keys("owner")
    dash_duo.find_element("#password").send_keys(PASSWORD)
    dash_duo.find_element("#login-submit").click()
    _assert_fits(dash_duo, "/users", f"#{users_ids.TOKENS_TABLE}")
    assert dash_duo.get_logs() == []


def _assert_fits(dash_duo, path: str, drawn: str, text: str | None = None) -> None:
    dash_duo.wait_for_element(drawn, timeout=30)
    if text:
        dash_duo.wait_for_contains_text(drawn, text, timeout=30)
    _wait_until_settled(dash_duo.driver)
    found = dash_duo.driver.execute_script(STICKING_OUT)
    assert found["screen"] == PHONE["width"], path
    assert found["page"] <= found["screen"], f"{path} is wider than the phone: {found}"
    assert found["out"] == [], f"{path}: these stick out: {found['out']}"
    assert dash_duo.driver.execute_script(MISPLACED_LEGENDS) == [], path


def _wait_until_settled(driver) -> None:
    heights = [None]

    def settled() -> bool:
        heights.append(driver.execute_script(DRAWN_HEIGHT))
        return heights[-1] is not None and heights[-1] == heights[-2]

    until(settled, timeout=30, poll=0.5)


def _assert_stacked(dash_duo, row_id: str) -> None:
    cards = dash_duo.driver.execute_script(KPI_CARD_BOXES, row_id)
    assert len(cards) >= 3, row_id
    for above, below in itertools.pairwise(cards):
        assert below["top"] >= above["bottom"], f"{row_id}: KPI cards side by side"
    # Each as wide as the screen less the page's margins (12 px a side).
    assert all(card["width"] >= PHONE["width"] - 30 for card in cards), (row_id, cards)
    assert len({round(card["left"]) for card in cards}) == 1, (row_id, cards)
