"""Saved audiences on the segment explorer in headless Chromium: the designed empty list, an
empty or taken name refused with a message, an audience saved and listed with its owner and
size, an export named after it, and the audience reopened with the same filters and count."""

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import pytest
from selenium.webdriver.common.keys import Keys

from analytics.db import audience_repository
from analytics.db.models import CUSTOMER_FILE, CustomerBehaviour
from analytics.db.session import session_factory
from analytics.runs import order_log_run
from dashapp.data import queries
from dashapp.logic import explorer
from dashapp.pages.segments import ids
from tests.browser.order_logs import SAMPLE_ORDERS
from tests.browser.test_segments_orders import customers_where
from tests.browser.test_segments_page import (
    count_text,
    label_for,
    open_page,
    run_data,
    until,
    url_query,
)

pytestmark = pytest.mark.browser

COUNT = f"#{ids.SEG_COUNT}"
MESSAGE = f"#{ids.SEG_AUDIENCE_MESSAGE}"
ROWS = f"#{ids.SEG_AUDIENCE_LIST} tbody tr"


def into_view(dash_duo, element):
    """The element, scrolled into view at once: Bootstrap scrolls smoothly, and a click during
    the scroll lands elsewhere."""
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element
    )
    return element


def click(dash_duo, selector: str) -> None:
    into_view(dash_duo, dash_duo.find_element(selector)).click()


def save_as(dash_duo, name: str, press_enter: bool = False) -> None:
    """Type the name and press Save audience (or Enter in the field)."""
    field = into_view(dash_duo, dash_duo.find_element(f"#{ids.SEG_AUDIENCE_NAME}"))
    field.clear()
    field.send_keys(name)
    if press_enter:
        field.send_keys(Keys.ENTER)
    else:
        click(dash_duo, f"#{ids.SEG_AUDIENCE_SAVE}")


def test_save_list_export_and_reopen_an_audience(dash_duo, own_db):
    customers, _ = run_data(own_db)
    run_id = queries.latest_run(own_db).id
    open_page(dash_duo, own_db, "?gender=Female&purchased=buyers")
    female_buyers = (customers["Gender"] == "Female") & (customers["Purchased"] == 1)
    dash_duo.wait_for_text_to_equal(COUNT, count_text(female_buyers))
    dash_duo.wait_for_contains_text(f"#{ids.SEG_AUDIENCES_EMPTY}", "No saved audiences yet")

    save_as(dash_duo, "   ")
    dash_duo.wait_for_text_to_equal(MESSAGE, "Give the audience a name.")
    assert dash_duo.find_elements(f"#{ids.SEG_AUDIENCES_EMPTY}")

    save_as(dash_duo, " Female  buyers ")
    dash_duo.wait_for_text_to_equal(MESSAGE, "Saved “Female buyers”.")
    until(lambda: len(dash_duo.find_elements(ROWS)) == 1)
    cells = [cell.text for cell in dash_duo.find_elements(f"{ROWS} th, {ROWS} td")]
    assert cells[:2] == ["Female buyers", "local"]
    assert cells[3] == f"run {run_id}: {int(female_buyers.sum()):,}"
    with session_factory(own_db)() as session:
        [saved] = audience_repository.audiences(session, CUSTOMER_FILE)
    assert (saved.name, saved.owner, saved.query) == (
        "Female buyers",
        "local",
        "gender=Female&purchased=buyers",
    )

    save_as(dash_duo, "FEMALE BUYERS", press_enter=True)
    dash_duo.wait_for_text_to_equal(MESSAGE, "There is already an audience named “Female buyers”.")
    assert len(dash_duo.find_elements(ROWS)) == 1

    # The export of the saved filters carries the audience's name.
    click(dash_duo, f"#{ids.SEG_EXPORT}")
    day = datetime.now(UTC).date()
    target = Path(dash_duo.download_path) / f"audience-female-buyers-run-{run_id}-{day}.csv"
    until(lambda: target.is_file() and target.read_bytes().count(b"\n") > female_buyers.sum())

    # Other filters, then the audience reopened: its filters and count come back.
    click(dash_duo, f"#{ids.SEG_RESET}")
    dash_duo.wait_for_text_to_equal(COUNT, "3,000 of 3,000 customers match")
    click(dash_duo, f"{ROWS} a")
    until(lambda: url_query(dash_duo).get("audience") == str(saved.id))
    assert urlparse(dash_duo.driver.current_url).path == ids.PATH
    dash_duo.wait_for_text_to_equal(COUNT, count_text(female_buyers))
    checked = dash_duo.find_elements(f"#{ids.SEG_GENDER} input:checked")
    assert [element.get_attribute("value") for element in checked] == ["Female"]
    assert dash_duo.find_element(f"#{ids.SEG_PURCHASED} input:checked").get_attribute("value") == (
        "buyers"
    )
    until(lambda: len(dash_duo.find_elements(ROWS)) == 1)

    # Changed filters are no longer the audience: the export says what they hold instead.
    into_view(dash_duo, label_for(dash_duo, ids.SEG_PURCHASED, "All")).click()
    dash_duo.wait_for_text_to_equal(COUNT, count_text(customers["Gender"] == "Female"))
    click(dash_duo, f"#{ids.SEG_EXPORT}")
    other = Path(dash_duo.download_path) / f"audience-filtered-run-{run_id}-{day}.csv"
    until(other.is_file)
    assert dash_duo.get_logs() == []


@pytest.fixture
def orders_only(tmp_path) -> tuple[str, int]:
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    return url, order_log_run.run(SAMPLE_ORDERS, url).run_id


def test_an_order_log_audience_reopens_on_the_latest_order_log_run(dash_duo, orders_only):
    url, run_id = orders_only
    champions = customers_where(url, run_id, CustomerBehaviour.rfm_group == "Champions")
    everyone = customers_where(url, run_id)
    open_page(dash_duo, url, f"?run={run_id}&rfm=Champions")
    dash_duo.wait_for_text_to_equal(COUNT, explorer.count_text(champions, everyone))

    save_as(dash_duo, "Champions")
    dash_duo.wait_for_text_to_equal(MESSAGE, "Saved “Champions”.")
    until(lambda: len(dash_duo.find_elements(ROWS)) == 1)
    size = dash_duo.find_element(f"{ROWS} td:nth-child(4)").text
    assert size == f"run {run_id}: {champions:,}"
    click(dash_duo, f"#{ids.SEG_EXPORT}")
    day = datetime.now(UTC).date()
    target = Path(dash_duo.download_path) / f"audience-champions-run-{run_id}-{day}.csv"
    until(lambda: target.is_file() and target.read_bytes().count(b"\n") > champions)

    click(dash_duo, f"#{ids.SEG_RESET}")
    dash_duo.wait_for_text_to_equal(COUNT, explorer.count_text(everyone, everyone))
    click(dash_duo, f"{ROWS} a")
    until(lambda: url_query(dash_duo).get("audience") is not None)
    assert url_query(dash_duo)["run"] == str(run_id)
    dash_duo.wait_for_text_to_equal(COUNT, explorer.count_text(champions, everyone))
    assert dash_duo.get_logs() == []
