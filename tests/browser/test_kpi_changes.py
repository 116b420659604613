"""The KPI cards say in headless Chromium how each KPI moved since the previous published run of
its kind (the previous value on hover), and the overview when its data was last refreshed."""

import re

import pytest

from analytics.config import Settings
from analytics.runs import customer_file, order_log_run
from dashapp.app import create_app
from dashapp.pages.customers import ids as customers_ids
from dashapp.pages.overview import ids as overview_ids
from tests.browser.databases import SAMPLE_ORDERS, published_first_rows
from tests.conftest import SAMPLE_CSV

pytestmark = pytest.mark.browser

EXACT_TIME = re.compile(r"^\d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d UTC$")


def _first_lines(source, folder, lines: int):
    head = folder / f"{source.stem}-{lines}{source.suffix}"
    head.write_text("".join(source.read_text().splitlines(keepends=True)[: lines + 1]))
    return head


def _changes(dash_duo, row_id: str) -> dict[str, tuple[str, str]]:
    """{card label: (change line, its hover title)} of a row of KPI cards."""
    cards = dash_duo.find_elements(f"#{row_id} .kpi-card")
    return {
        card.find_element("css selector", ".kpi-label").text.lower(): (
            card.find_element("css selector", ".kpi-change").text,
            card.find_element("css selector", ".kpi-change").get_attribute("title"),
        )
        for card in cards
    }


def _refreshed(dash_duo) -> tuple[str, str]:
    line = dash_duo.wait_for_element(f"#{overview_ids.LAST_REFRESHED}", timeout=20)
    return line.text, line.find_element("css selector", "span").get_attribute("title")


def test_the_overview_compares_each_kpi_with_the_previous_customer_file_run(dash_duo, tmp_path):
    url = published_first_rows(tmp_path, 300)
    customer_file.run(_first_lines(SAMPLE_CSV, tmp_path, 600), url)

    dash_duo.start_server(create_app(Settings(database_url=url)))
    dash_duo.wait_for_element(f"#{overview_ids.KPI_CARDS} .kpi-change", timeout=20)
    changes = _changes(dash_duo, overview_ids.KPI_CARDS)
    assert changes["customers"] == ("▲ +300 (+100.0%) since run 1", "Previous run (1): 300")
    assert set(changes) == {
        "customers",
        "purchase rate",
        "revenue",
        "average price",
        "segments",
        "purchase model",
    }
    for text, title in changes.values():
        assert text.endswith("since run 1") and title.startswith("Previous run (1): ")
    # Twice the customers: the revenue moved, with its arrow and sign.
    assert re.match(r"^[▲▼] [+−]\$[\d,]+ \([+−][\d.]+%\) since run 1$", changes["revenue"][0])

    text, exact = _refreshed(dash_duo)
    said = (
        r"^Last refreshed (just now|\d+ minutes? ago) "
        r"by customer-file run 2 \(sample_customers-600\.csv\)\.$"
    )
    assert re.match(said, text)
    assert EXACT_TIME.match(exact)
    assert dash_duo.get_logs() == []


def test_order_log_kpis_compare_with_the_previous_order_log_run(dash_duo, tmp_path):
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    options = order_log_run.OrderRunOptions(k=2)
    order_log_run.run(_first_lines(SAMPLE_ORDERS, tmp_path, 2500), url, options)
    dash_duo.start_server(create_app(Settings(database_url=url)))

    # One order-log run: the first, said rather than left blank.
    dash_duo.wait_for_element(f"#{overview_ids.KPI_CARDS} .kpi-change", timeout=20)
    first = _changes(dash_duo, overview_ids.KPI_CARDS)
    assert len(first) == 6
    assert all(text == "first run" for text, _ in first.values())

    order_log_run.run(SAMPLE_ORDERS, url, options)
    for path, row_id in (
        ("/", overview_ids.KPI_CARDS),
        ("/customers", customers_ids.CUSTOMERS_KPIS),
    ):
        dash_duo.wait_for_page(url=f"{dash_duo.server_url}{path}")
        dash_duo.wait_for_element(f"#{row_id} .kpi-change", timeout=20)
        changes = _changes(dash_duo, row_id)
        # Twice the order lines: more orders, better, with the previous count on hover.
        assert re.match(r"^▲ \+[\d,]+ \(\+[\d.]+%\) since run 1$", changes["orders"][0])
        assert re.match(r"^Previous run \(1\): [\d,]+$", changes["orders"][1])
        assert re.match(r"^Previous run \(1\): [\d.]+%$", changes["repeat rate"][1])
    dash_duo.wait_for_page(url=dash_duo.server_url)
    text, exact = _refreshed(dash_duo)
    assert text.endswith("by order-log run 2 (sample_transactions.csv).") and EXACT_TIME.match(
        exact
    )
    assert dash_duo.get_logs() == []
