"""A run of a customer file without Salary and Gender, with a column of its own named in
--features, in headless Chromium: the overview shows designed empty states for the charts that
need the absent columns, the what-if disables their inputs and still answers, and the browser
logs no error."""

import functools

import pandas as pd
import pytest

from analytics.config import Settings
from analytics.runs import customer_file
from analytics.steps.classifier import CANDIDATES, choose_model, predict_probability
from dashapp.app import create_app
from dashapp.data import queries
from dashapp.pages.overview import ids as overview_ids
from dashapp.ui import ids, theme
from tests.conftest import SAMPLE_CSV

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shop_db(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("absent")
    frame = pd.read_csv(SAMPLE_CSV, nrows=600).drop(columns=["Salary", "Gender"])
    frame["Tenure Months"] = (frame["Customer ID"] * 7) % 60
    path = folder / "shop.csv"
    frame.to_csv(path, index=False)
    url = f"sqlite:///{folder / 'shop.db'}"
    fast = {"Logistic Regression": CANDIDATES["Logistic Regression"]}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            customer_file, "choose_model", functools.partial(choose_model, candidates=fast)
        )
        options = customer_file.RunOptions(features=("age", "price", "tenure_months"))
        customer_file.run(path, url, options)
    return url


def test_the_overview_and_what_if_of_a_file_without_salary_and_gender(dash_duo, shop_db):
    run = queries.latest_run(shop_db)
    model = queries.purchase_model(shop_db, run.id)
    assert model.features == ["Age", "Price", "Tenure Months"]
    dash_duo.start_server(create_app(Settings(database_url=shop_db)))

    dash_duo.wait_for_page(url=dash_duo.server_url)
    dash_duo.wait_for_contains_text(
        f"#{overview_ids.SALARY_BY_PURCHASE}", "this run's file has no Salary column", 20
    )
    dash_duo.wait_for_contains_text(
        f"#{overview_ids.CLUSTER_SCATTER}", "this run's file has no Salary column"
    )
    assert not dash_duo.find_element(f"#{ids.WHATIF_SALARY}").is_enabled()
    assert not dash_duo.find_element(f"#{ids.WHATIF_GENDER}").is_enabled()

    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/what-if")
    # The what-if starts from the run's first customer.
    first = queries.customers(shop_db, run.id).iloc[0]
    age, price = first["Age"], first["Price"]
    assert float(dash_duo.find_element(f"#{ids.WHATIF_PRICE}").get_attribute("value")) == price
    inputs = {"Age": age, "Price": price, "Tenure Months": model.reference["Tenure Months"]}
    expected = predict_probability(model.estimator, model.features, inputs)
    dash_duo.wait_for_text_to_equal(f"#{ids.WHATIF_PROBABILITY}", theme.percent(expected), 20)
    assert not dash_duo.find_element(f"#{ids.WHATIF_SALARY}").is_enabled()
    assert "The model also reads Tenure Months" in dash_duo.driver.page_source
    assert dash_duo.get_logs() == []
