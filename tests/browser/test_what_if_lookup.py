"""The what-if starts from a real customer in headless Chromium: the lookup fills every input
with a stored customer's values and shows their stored probability, the overview starts from
the same customer, a number outside the data is called an extrapolation, and each contribution
bar names the value that produced it."""

import pytest
from selenium.webdriver.common.keys import Keys

from analytics.config import Settings
from dashapp.app import create_app
from dashapp.data import queries
from dashapp.pages.what_if import ids as what_if_ids
from dashapp.ui import ids, theme

pytestmark = pytest.mark.browser
INPUTS = (ids.WHATIF_AGE, ids.WHATIF_SALARY, ids.WHATIF_PRICE, ids.WHATIF_GENDER)


def _values(dash_duo) -> list[str]:
    return [dash_duo.find_element(f"#{field}").get_attribute("value") for field in INPUTS]


def _enter(dash_duo, component_id: str, text: str) -> None:
    field = dash_duo.find_element(f"#{component_id}")
    field.send_keys(Keys.CONTROL, "a", Keys.DELETE)
    field.send_keys(text, Keys.ENTER)


def _numbers(values: list[str]) -> list:
    return [float(v) for v in values[:3]] + values[3:]


def test_the_lookup_fills_every_input_and_shows_the_stored_probability(dash_duo, published_db):
    customers = queries.customers(published_db, queries.latest_run(published_db).id)
    first, other = customers.iloc[0], customers.iloc[7]
    dash_duo.start_server(create_app(Settings(database_url=published_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/what-if")
    dash_duo.wait_for_text_to_equal(
        f"#{ids.WHATIF_PROBABILITY}", theme.percent(first["purchase_probability"]), 20
    )
    # The page starts from the run's first customer, and says so.
    lookup = dash_duo.find_element(f"#{what_if_ids.WI_CUSTOMER}")
    assert lookup.get_attribute("value") == str(first["Customer ID"])
    assert _numbers(_values(dash_duo)) == [
        first["Age"],
        first["Salary"],
        first["Price"],
        first["Gender"],
    ]
    assert dash_duo.find_element(f"#{what_if_ids.WI_CUSTOMER_NOTE}").text.startswith(
        f"Customer {first['Customer ID']}: {theme.percent(first['purchase_probability'])}"
    )
    # The run's ids are offered as suggestions.
    suggestions = dash_duo.find_elements(f"#{what_if_ids.WI_CUSTOMER_IDS} option")
    assert suggestions[0].get_attribute("value") == str(first["Customer ID"])

    _enter(dash_duo, what_if_ids.WI_CUSTOMER, str(other["Customer ID"]))
    stored = theme.percent(other["purchase_probability"])
    dash_duo.wait_for_contains_text(
        f"#{what_if_ids.WI_CUSTOMER_NOTE}", f"Customer {other['Customer ID']}: {stored}"
    )
    dash_duo.wait_for_text_to_equal(f"#{ids.WHATIF_PROBABILITY}", stored)
    assert _numbers(_values(dash_duo)) == [
        other["Age"],
        other["Salary"],
        other["Price"],
        other["Gender"],
    ]
    assert dash_duo.find_element(f"#{what_if_ids.WI_PRODUCT}").text.startswith(other["Product ID"])

    before = _values(dash_duo)
    _enter(dash_duo, what_if_ids.WI_CUSTOMER, "no-such-customer")
    dash_duo.wait_for_text_to_equal(
        f"#{what_if_ids.WI_CUSTOMER_NOTE}", "No customer with id no-such-customer in this run."
    )
    assert _values(dash_duo) == before
    assert dash_duo.get_logs() == []


def test_outside_the_data_is_an_extrapolation_and_bars_name_their_values(dash_duo, published_db):
    run_id = queries.latest_run(published_db).id
    salaries = queries.overview(published_db, run_id).feature_ranges["Salary"]
    salary = 10 * salaries["max"]
    dash_duo.start_server(create_app(Settings(database_url=published_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/what-if")
    dash_duo.wait_for_element(f"#{what_if_ids.WI_CONTRIBUTIONS} .main-svg", timeout=20)
    # The first customer is within the data: no warning.
    assert dash_duo.find_element(f"#{ids.WHATIF_RANGE_WARNING}").text == ""

    _enter(dash_duo, ids.WHATIF_SALARY, f"{salary:.0f}")
    dash_duo.wait_for_contains_text(
        f"#{ids.WHATIF_RANGE_WARNING}",
        f"Salary {salary:,.0f} is outside the range the model was trained on "
        f"({salaries['min']:,.0f} to {salaries['max']:,.0f})",
    )
    assert "extrapolation" in dash_duo.find_element(f"#{ids.WHATIF_RANGE_WARNING}").text
    dash_duo.wait_for_contains_text(
        f"#{what_if_ids.WI_CONTRIBUTIONS}", f"Salary = {salary:,.0f}", timeout=10
    )
    bars = dash_duo.driver.execute_script(
        f"return document.querySelector('#{what_if_ids.WI_CONTRIBUTIONS} .js-plotly-plot')"
        ".data[0].customdata"
    )
    assert bars[0].startswith("Typical customer: ") and bars[-1].startswith("This customer: ")
    assert any(bar.startswith(f"Salary = {salary:,.0f}: ") and "pts" in bar for bar in bars)

    _enter(dash_duo, ids.WHATIF_SALARY, f"{salaries['median']:.0f}")
    dash_duo.wait_for_text_to_equal(f"#{ids.WHATIF_RANGE_WARNING}", "")
    assert dash_duo.get_logs() == []


def test_the_overview_starts_from_the_same_customer_as_the_what_if(dash_duo, published_db):
    dash_duo.start_server(create_app(Settings(database_url=published_db)))
    dash_duo.wait_for_element(f"#{ids.WHATIF_AGE}", timeout=20)
    dash_duo.wait_for_contains_text(f"#{ids.WHATIF_PROBABILITY}", "%", timeout=20)
    on_overview = _values(dash_duo)
    probability = dash_duo.find_element(f"#{ids.WHATIF_PROBABILITY}").text

    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/what-if")
    dash_duo.wait_for_text_to_equal(f"#{ids.WHATIF_PROBABILITY}", probability, 20)
    assert _values(dash_duo) == on_overview
    assert dash_duo.get_logs() == []
