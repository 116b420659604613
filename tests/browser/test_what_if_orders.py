"""The what-if page's repeat-customer section in headless Chromium: the chance of another order
a salesperson sees is the one the run's stored models give, and it moves with recency."""

import pytest
from selenium.webdriver.common.keys import Keys

from analytics.config import Settings
from dashapp.app import create_app
from dashapp.data import orders
from dashapp.logic import repeat_whatif
from dashapp.logic.repeat_whatif import RepeatCustomer
from dashapp.pages.what_if import ids as what_if_ids
from dashapp.pages.what_if.repeat import run_models
from dashapp.ui import ids, theme
from tests.browser.order_logs import published_order_log
from tests.browser.plots import points_drawn

pytestmark = pytest.mark.browser

PROPENSITY = f"#{what_if_ids.WI_REPEAT_PROPENSITY}"


def _type(dash_duo, component_id: str, text: str) -> None:
    field = dash_duo.find_element(f"#{component_id}")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(text)


def _value(dash_duo, component_id: str) -> float:
    return float(dash_duo.find_element(f"#{component_id}").get_attribute("value"))


def _bar_texts(dash_duo) -> list[str]:
    """The contribution bars' labels ("+1.2 pts"), without the typical and this customer."""
    return dash_duo.driver.execute_script(
        f"return document.querySelector('#{what_if_ids.WI_REPEAT_CONTRIBUTIONS} .js-plotly-plot')"
        ".data[0].text"
    )[1:-1]


def test_the_repeat_what_if_answers_a_change_of_recency(dash_duo, tmp_path):
    db = published_order_log(tmp_path, backtest=False)
    models = run_models(db, orders.latest_order_run(db).id)
    first = repeat_whatif.first_customer(models.customers)
    start = repeat_whatif.stored_customer(first)
    now = repeat_whatif.outlook(models.scorer, start)
    lapsed = RepeatCustomer(**{**start.as_dict(), "recency_days": 200}).coherent()
    later = repeat_whatif.outlook(models.scorer, lapsed)
    assert theme.percent(now.p_repeat) != theme.percent(later.p_repeat)

    dash_duo.start_server(create_app(Settings(database_url=db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/what-if")
    # The page starts from the run's first customer, not the typical one.
    dash_duo.wait_for_text_to_equal(PROPENSITY, theme.percent(now.p_repeat), 20)
    assert _value(dash_duo, what_if_ids.WI_REPEAT_RECENCY) == start.recency_days
    assert _value(dash_duo, what_if_ids.WI_REPEAT_ORDERS) == start.orders
    assert dash_duo.find_element(f"#{what_if_ids.WI_REPEAT_PICKED}").text.startswith(
        f"Customer {first['customer_id']} as stored: {theme.percent(first['p_repeat'])} chance"
    )
    assert dash_duo.find_element(f"#{what_if_ids.WI_REPEAT_SURE}").text.startswith(
        f"90% interval: {int(now.orders_low)}"
    )
    # "Why this chance" has something to say from the start: not every bar is ±0.0 points.
    assert points_drawn(dash_duo, what_if_ids.WI_REPEAT_CONTRIBUTIONS) == 4 + 2
    assert any(text not in ("+0.0 pts", "−0.0 pts") for text in _bar_texts(dash_duo))

    _type(dash_duo, what_if_ids.WI_REPEAT_RECENCY, "200")
    dash_duo.wait_for_text_to_equal(PROPENSITY, theme.percent(later.p_repeat))
    value = dash_duo.find_element(f"#{what_if_ids.WI_REPEAT_VALUE}").text
    assert theme.money(later.expected_value) in value
    why = dash_duo.find_element(f"#{what_if_ids.WI_REPEAT_WHY}").text
    assert why.startswith("Against a typical customer") and "days since last order" in why
    # A waterfall: the typical customer, a bar per input, this customer.
    assert points_drawn(dash_duo, what_if_ids.WI_REPEAT_CONTRIBUTIONS) == 4 + 2
    bars = dash_duo.driver.execute_script(
        f"return document.querySelector('#{what_if_ids.WI_REPEAT_CONTRIBUTIONS} .js-plotly-plot')"
        ".data[0].y"
    )
    assert "Days since last order = 200" in bars
    curve = repeat_whatif.recency_curve(models.scorer, lapsed)
    # Both curves over the grid, and this customer's marker.
    assert points_drawn(dash_duo, what_if_ids.WI_REPEAT_RECENCY_CURVE) == 2 * len(curve) + 1

    _type(dash_duo, what_if_ids.WI_REPEAT_ORDERS, "0")
    dash_duo.wait_for_text_to_equal(
        f"#{what_if_ids.WI_REPEAT_SURE}", "Orders must be between 1 and 1,000."
    )
    assert dash_duo.find_element(PROPENSITY).text == "—"
    assert dash_duo.get_logs() == []


def test_a_real_customer_of_the_run_is_the_starting_point(dash_duo, tmp_path):
    db = published_order_log(tmp_path, backtest=False)
    models = run_models(db, orders.latest_order_run(db).id)
    stored = models.customers.sort_values("repeat_orders").iloc[-1]
    customer = repeat_whatif.stored_customer(stored)
    expected = repeat_whatif.outlook(models.scorer, customer)

    dash_duo.start_server(create_app(Settings(database_url=db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/what-if")
    dash_duo.wait_for_element(f"{PROPENSITY}:not(:empty)", timeout=20)
    _type(dash_duo, what_if_ids.WI_REPEAT_CUSTOMER, f"{stored['customer_id']}{Keys.ENTER}")
    dash_duo.wait_for_text_to_equal(PROPENSITY, theme.percent(expected.p_repeat))
    assert _value(dash_duo, what_if_ids.WI_REPEAT_RECENCY) == customer.recency_days
    assert _value(dash_duo, what_if_ids.WI_REPEAT_ORDERS) == customer.orders
    assert _value(dash_duo, what_if_ids.WI_REPEAT_TENURE) == customer.tenure_days
    picked = dash_duo.find_element(f"#{what_if_ids.WI_REPEAT_PICKED}").text
    assert picked.startswith(
        f"Customer {stored['customer_id']} as stored: {theme.percent(stored['p_repeat'])} chance"
    )

    _type(dash_duo, what_if_ids.WI_REPEAT_CUSTOMER, f"no-such-customer{Keys.ENTER}")
    dash_duo.wait_for_text_to_equal(
        f"#{what_if_ids.WI_REPEAT_PICKED}", "No customer with this id in this run."
    )
    dash_duo.find_element(f"#{what_if_ids.WI_REPEAT_TYPICAL}").click()
    dash_duo.wait_for_text_to_equal(
        PROPENSITY, theme.percent(repeat_whatif.outlook(models.scorer, models.typical).p_repeat)
    )
    assert _value(dash_duo, what_if_ids.WI_REPEAT_RECENCY) == models.typical.recency_days
    assert dash_duo.get_logs() == []


def test_both_kinds_of_run_keep_the_purchase_what_if(dash_duo, tmp_path):
    db = published_order_log(tmp_path, backtest=False, customer_file_too=True)
    dash_duo.start_server(create_app(Settings(database_url=db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/what-if")
    dash_duo.wait_for_element(f"#{ids.WHATIF_PROBABILITY}:not(:empty)", timeout=20)
    dash_duo.wait_for_element(f"{PROPENSITY}:not(:empty)", timeout=20)
    assert dash_duo.find_element(f"#{ids.WHATIF_PROBABILITY}").text.endswith("%")
    assert dash_duo.find_element(PROPENSITY).text.endswith("%")
    assert dash_duo.get_logs() == []


def test_a_customer_file_run_alone_says_what_an_order_log_would_add(dash_duo, published_db):
    dash_duo.start_server(create_app(Settings(database_url=published_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/what-if")
    dash_duo.wait_for_contains_text(f"#{what_if_ids.WI_ORDER_LOG_HINT}", "An order log", timeout=20)
    dash_duo.wait_for_element(f"#{ids.WHATIF_PROBABILITY}:not(:empty)", timeout=20)
    assert not dash_duo.find_elements(f"#{what_if_ids.WI_REPEAT}")
    assert dash_duo.get_logs() == []
