"""/what-if in headless Chromium: the numbers a salesperson sees equal the model's and the CLI's."""

import json
import subprocess
import sys

import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from analytics.config import Settings
from analytics.steps.classifier import predict_probability
from dashapp.app import create_app
from dashapp.data import derived, queries
from dashapp.logic import whatif
from dashapp.pages.what_if import ids as what_if_ids
from dashapp.ui import ids, theme
from tests.browser.databases import published_first_rows
from tests.browser.plots import points_drawn
from tests.conftest import ROOT

pytestmark = pytest.mark.browser


def _model(db: str):
    return queries.purchase_model(db, queries.latest_run(db).id)


def _probability(db: str, age, salary, price, gender) -> float:
    model = _model(db)
    inputs = {"Age": age, "Salary": salary, "Price": price, "Gender": gender}
    return predict_probability(model.estimator, model.features, inputs)


def _typical_price(db: str, product: str) -> float:
    customers = queries.customers(db, queries.latest_run(db).id)
    prices = customers.loc[customers["Product ID"] == product, "Price"].value_counts()
    return float(prices[prices == prices.max()].index.min())


def _segment_expectations(db: str, segment: int, change_percent: float) -> dict[str, str]:
    """Expected purchases and revenue of a segment now and after a price change, with pandas."""
    model = _model(db)
    customers = queries.customers(db, queries.latest_run(db).id)
    members = customers.loc[customers["segment"] == segment, model.features]
    changed = members.assign(Price=members["Price"] * (1 + change_percent / 100))
    now = model.estimator.predict_proba(members)[:, 1]
    after = model.estimator.predict_proba(changed)[:, 1]
    return {
        "purchases_now": theme.count(now.sum()),
        "purchases_after": theme.count(after.sum()),
        "revenue_now": theme.money((now * members["Price"]).sum()),
        "revenue_after": theme.money((after * changed["Price"]).sum()),
    }


def _first_customer(db: str) -> tuple:
    """Age, salary, price and gender of the run's first customer: where the what-if starts."""
    run_id = queries.latest_run(db).id
    first = queries.customers(db, run_id).iloc[0]
    inputs = whatif.customer_inputs(first, queries.overview(db, run_id).feature_ranges)
    return inputs["Age"], inputs["Salary"], inputs["Price"], inputs["Gender"]


def _type(dash_duo, component_id: str, text: str) -> None:
    field = dash_duo.find_element(f"#{component_id}")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(text)


def test_what_if_matches_the_cli_explains_and_draws_every_figure(dash_duo, published_db):
    age, salary, price, gender = _first_customer(published_db)
    probability = _probability(published_db, age, salary, price, gender)

    dash_duo.start_server(create_app(Settings(database_url=published_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/what-if")
    dash_duo.wait_for_text_to_equal(f"#{ids.WHATIF_PROBABILITY}", theme.percent(probability), 20)

    cli = subprocess.run(
        [sys.executable, "-m", "analytics", "predict", "--db", published_db, "--json",
         "--age", str(age), "--salary", str(salary), "--price", str(price), "--gender", gender],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    assert theme.percent(json.loads(cli.stdout)["probability"]) == theme.percent(probability)

    model = _model(published_db)
    # A waterfall: the typical customer, a bar per input, this customer.
    assert points_drawn(dash_duo, what_if_ids.WI_CONTRIBUTIONS) == len(model.features) + 2
    assert points_drawn(dash_duo, what_if_ids.WI_SENSITIVITY) > 50  # the price grid and the marker
    assert dash_duo.find_element(f"#{what_if_ids.WI_WHY}").text.startswith(
        "Against a typical customer"
    )
    band = dash_duo.find_element(f"#{ids.WHATIF_BAND}").text
    assert band.endswith("chance of purchase") and band.split()[0] in {"Low", "Medium", "High"}
    # Beside it, the probability's interval from the run's fold models ("Uncertain: …" if wide).
    dash_duo.wait_for_contains_text(f"#{what_if_ids.WI_INTERVAL}", "90 % interval ", timeout=10)
    # The counterfactual's price really is on the other side of the threshold.
    counterfactual = dash_duo.find_element(f"#{what_if_ids.WI_COUNTERFACTUAL}").text
    flipped_price = float(counterfactual.split("(to $")[1].split(")")[0].replace(",", ""))
    flipped = _probability(published_db, age, salary, flipped_price, gender)
    assert (flipped >= model.threshold) != (probability >= model.threshold)
    assert f"({theme.percent(flipped)})" in counterfactual
    assert dash_duo.get_logs() == []


def test_inputs_product_and_segment_price_change_update_the_answers(dash_duo, published_db):
    run = queries.latest_run(published_db)
    age, salary, _price, gender = _first_customer(published_db)
    dash_duo.start_server(create_app(Settings(database_url=published_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/what-if")
    dash_duo.wait_for_element(f"#{what_if_ids.WI_SEGMENT_RESULT} table", timeout=20)

    expected = _segment_expectations(published_db, 0, -10)
    result = dash_duo.find_element(f"#{what_if_ids.WI_SEGMENT_RESULT}").text
    assert f"Expected purchases {expected['purchases_now']} {expected['purchases_after']}" in result
    assert f"Expected revenue {expected['revenue_now']} {expected['revenue_after']}" in result
    assert "Predicted for all" in result

    dash_duo.select_dcc_dropdown(f"#{what_if_ids.WI_PRODUCT}", index=2)
    product = derived.product_prices(published_db, run.id)["product"].iat[2]
    price = _typical_price(published_db, product)
    dash_duo.wait_for_text_to_equal(
        f"#{ids.WHATIF_PROBABILITY}",
        theme.percent(_probability(published_db, age, salary, price, gender)),
    )
    assert float(dash_duo.find_element(f"#{ids.WHATIF_PRICE}").get_attribute("value")) == price

    _type(dash_duo, ids.WHATIF_AGE, "23")
    dash_duo.wait_for_text_to_equal(
        f"#{ids.WHATIF_PROBABILITY}",
        theme.percent(_probability(published_db, 23, salary, price, gender)),
    )

    _type(dash_duo, ids.WHATIF_PRICE, "3456")  # not a round price: the browser must still send it
    dash_duo.wait_for_text_to_equal(
        f"#{ids.WHATIF_PROBABILITY}",
        theme.percent(_probability(published_db, 23, salary, 3456, gender)),
    )
    _type(dash_duo, ids.WHATIF_AGE, "130")
    dash_duo.wait_for_text_to_equal(f"#{ids.WHATIF_BAND}", "Age must be between 0 and 120.")
    dash_duo.find_element(f"#{ids.WHATIF_AGE}").send_keys(Keys.CONTROL, "a", Keys.DELETE)
    dash_duo.wait_for_text_to_equal(f"#{ids.WHATIF_BAND}", "Enter the age to see a prediction.")
    assert dash_duo.find_element(f"#{ids.WHATIF_PROBABILITY}").text == "—"

    Select(dash_duo.find_element(f"#{what_if_ids.WI_SEGMENT}")).select_by_value("2")
    dash_duo.find_element(f"#{what_if_ids.WI_PRICE_CHANGE} [role=slider]").send_keys(Keys.END)
    expected = _segment_expectations(published_db, 2, 50)
    dash_duo.wait_for_contains_text(
        f"#{what_if_ids.WI_SEGMENT_RESULT}",
        f"Expected purchases {expected['purchases_now']} {expected['purchases_after']}",
    )
    result = dash_duo.find_element(f"#{what_if_ids.WI_SEGMENT_RESULT}").text
    assert "At +50%" in result
    assert f"Expected revenue {expected['revenue_now']} {expected['revenue_after']}" in result
    assert dash_duo.get_logs() == []


def test_empty_database_shows_the_empty_state(dash_duo, empty_db):
    dash_duo.start_server(create_app(Settings(database_url=empty_db)))
    # The first page migrates the new database; navigating before it has finished would race it.
    dash_duo.wait_for_element(f"#{ids.EMPTY_STATE}", timeout=20)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/what-if")
    dash_duo.wait_for_element(f"#{ids.EMPTY_STATE}", timeout=20)
    assert "No results yet" in dash_duo.find_element(f"#{ids.EMPTY_STATE}").text
    assert dash_duo.driver.current_url.endswith("/what-if")
    assert dash_duo.get_logs() == []


def test_a_run_without_a_model_says_why(dash_duo, tmp_path):
    dash_duo.start_server(create_app(Settings(database_url=published_first_rows(tmp_path, 40))))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/what-if")
    dash_duo.wait_for_contains_text("#_pages_content", "This run has no purchase model", 20)
    text = dash_duo.find_element("#_pages_content").text
    assert "at least 50 are needed" in text
    assert not dash_duo.find_elements(f"#{ids.WHATIF_PROBABILITY}")
    assert dash_duo.get_logs() == []
