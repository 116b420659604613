"""The real app in headless Chromium, checked on what a user sees."""

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.keys import Keys

from analytics.config import Settings
from analytics.steps.classifier import predict_probability
from dashapp.app import create_app
from dashapp.data import queries
from dashapp.logic import whatif
from dashapp.pages.overview import ids as overview_ids
from dashapp.ui import ids, theme
from tests.browser.plots import points_drawn

pytestmark = pytest.mark.browser

GRAPHS = [
    overview_ids.AGE_DISTRIBUTION,
    overview_ids.SALARY_BY_PURCHASE,
    overview_ids.CORRELATION_HEATMAP,
    overview_ids.SEGMENT_DISTRIBUTION,
    overview_ids.CLUSTER_SCATTER,
]


def expected_probability(db: str, age, salary, price, gender) -> str:
    model = queries.purchase_model(db, queries.latest_run(db).id)
    inputs = {"Age": age, "Salary": salary, "Price": price, "Gender": gender}
    return theme.percent(predict_probability(model.estimator, model.features, inputs))


def test_overview_draws_every_figure_with_data(dash_duo, published_db):
    dash_duo.start_server(create_app(Settings(database_url=published_db)))
    dash_duo.wait_for_element(f"#{overview_ids.CLUSTER_SCATTER} .main-svg", timeout=20)

    for graph in GRAPHS:
        assert points_drawn(dash_duo, graph) > 0, f"{graph} drew nothing"
    overview = queries.overview(published_db, queries.latest_run(published_db).id)
    assert points_drawn(dash_duo, overview_ids.CLUSTER_SCATTER) == 3_000
    assert points_drawn(dash_duo, overview_ids.SEGMENT_DISTRIBUTION) == len(overview.segments)
    kpis = dash_duo.find_element(f"#{overview_ids.KPI_CARDS}").text
    assert "3,000" in kpis and theme.percent(overview.kpis["purchase_rate"]) in kpis
    table_rows = dash_duo.find_elements(f"#{overview_ids.SEGMENT_TABLE} tbody tr")
    assert len(table_rows) == len(overview.segments)
    assert dash_duo.get_logs() == []


def test_whatif_follows_the_model_when_price_changes(dash_duo, published_db):
    dash_duo.start_server(create_app(Settings(database_url=published_db)))
    run = queries.latest_run(published_db)
    ranges = queries.overview(published_db, run.id).feature_ranges
    # The quick what-if starts from the run's first customer, as /what-if does.
    start = whatif.customer_inputs(queries.customers(published_db, run.id).iloc[0], ranges)
    age, salary, gender = start["Age"], start["Salary"], start["Gender"]
    initial = expected_probability(published_db, age, salary, start["Price"], gender)
    dash_duo.wait_for_text_to_equal(f"#{ids.WHATIF_PROBABILITY}", initial, timeout=20)

    price = dash_duo.find_element(f"#{ids.WHATIF_PRICE}")
    price.send_keys(Keys.CONTROL, "a")
    price.send_keys("7000")
    changed = expected_probability(published_db, age, salary, 7000, gender)
    assert changed != initial
    dash_duo.wait_for_text_to_equal(f"#{ids.WHATIF_PROBABILITY}", changed, timeout=10)
    assert "chance of purchase" in dash_duo.find_element(f"#{ids.WHATIF_BAND}").text

    price.send_keys(Keys.CONTROL, "a", Keys.DELETE)
    dash_duo.wait_for_text_to_equal(f"#{ids.WHATIF_BAND}", "Enter the price to see a prediction.")
    assert dash_duo.get_logs() == []


def test_empty_database_says_which_command_to_run(dash_duo, empty_db):
    dash_duo.start_server(create_app(Settings(database_url=empty_db)))
    dash_duo.wait_for_element(f"#{ids.EMPTY_STATE}", timeout=20)
    text = dash_duo.find_element(f"#{ids.EMPTY_STATE}").text
    assert "No results yet" in text
    assert "python -m analytics run --input data/sample_customers.csv" in text
    assert dash_duo.get_logs() == []


def test_unreadable_database_shows_results_unavailable(dash_duo, tmp_path):
    not_a_database = tmp_path / "broken.db"
    not_a_database.write_text("this is not SQLite")
    dash_duo.start_server(create_app(Settings(database_url=f"sqlite:///{not_a_database}")))
    dash_duo.wait_for_element(f"#{ids.ERROR_STATE}", timeout=20)
    text = dash_duo.find_element(f"#{ids.ERROR_STATE}").text
    assert "Results unavailable" in text and "broken.db could not be used" in text
    assert "Traceback" not in dash_duo.driver.page_source
    assert dash_duo.get_logs() == []


def test_narrow_screen_shows_the_page_links_behind_the_menu_button(dash_duo, published_db):
    dash_duo.driver.set_window_size(600, 900)  # below Bootstrap's md breakpoint (768 px)
    dash_duo.start_server(create_app(Settings(database_url=published_db)))
    dash_duo.wait_for_element(f"#{overview_ids.KPI_CARDS}", timeout=20)
    segments_link = dash_duo.find_element(f"#{ids.NAV_COLLAPSE} a[href='/segments']")
    assert not segments_link.is_displayed()

    dash_duo.find_element(f"#{ids.NAV_TOGGLER}").click()
    until(segments_link.is_displayed, timeout=5)
    segments_link.click()
    dash_duo.wait_for_text_to_equal("h1", "Segment explorer", timeout=20)
    # Following a link closes the menu again: the bar stays on screen across pages.
    until(lambda: not segments_link.is_displayed(), timeout=5)
    assert dash_duo.get_logs() == []
