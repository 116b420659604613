"""The model page's order-log section in headless Chromium: the repeat-purchase model and its
backtest drawn with the stored data, beside (or without) a customer-file run."""

import pytest

from analytics.config import Settings
from dashapp.app import create_app
from dashapp.data import orders
from dashapp.pages.model import ids as model_ids
from dashapp.ui import ids, theme
from tests.browser.order_logs import published_order_log
from tests.browser.plots import points_drawn

pytestmark = pytest.mark.browser

_TRACES = """
const plot = document.querySelector(arguments[0] + ' .js-plotly-plot');
return plot._fullData.map((trace) => ({name: trace.name, x: Array.from(trace.x),
                                       y: Array.from(trace.y)}));
"""


def drawn_traces(dash_duo, graph_id: str) -> list[dict]:
    dash_duo.wait_for_element(f"#{graph_id} .main-svg")
    return dash_duo.driver.execute_script(_TRACES, f"#{graph_id}")


def _summary(db: str) -> orders.OrderSummary:
    return orders.order_summary(db, orders.latest_order_run(db).id)


def test_an_order_log_run_alone_shows_its_repeat_model_and_backtest(dash_duo, tmp_path):
    db = published_order_log(tmp_path)
    summary = _summary(db)
    backtest, model = summary["backtest"], summary.repeat_model
    dash_duo.start_server(create_app(Settings(database_url=db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/model")
    dash_duo.wait_for_element(f"#{model_ids.MODEL_BACKTEST_WEEKLY} .main-svg", timeout=20)

    weekly = drawn_traces(dash_duo, model_ids.MODEL_BACKTEST_WEEKLY)
    assert [trace["name"] for trace in weekly] == ["Actual", "Predicted"]
    assert weekly[0]["x"] == [row["week"] for row in backtest["weekly"]]
    assert weekly[0]["y"] == [row["actual"] for row in backtest["weekly"]]
    assert weekly[1]["y"] == pytest.approx([row["predicted"] for row in backtest["weekly"]])
    assert sum(weekly[0]["y"]) > 0

    by_frequency = drawn_traces(dash_duo, model_ids.MODEL_BACKTEST_FREQUENCY)
    assert by_frequency[0]["x"] == [row["frequency"] for row in backtest["by_frequency"]]
    assert by_frequency[0]["y"] == pytest.approx([r["actual"] for r in backtest["by_frequency"]])
    assert by_frequency[1]["y"] == pytest.approx(
        [row["predicted"] for row in backtest["by_frequency"]]
    )
    assert points_drawn(dash_duo, model_ids.MODEL_REPEAT_IMPORTANCE) == len(model["importance"])

    section = dash_duo.find_element(f"#{model_ids.MODEL_REPEAT}").text
    assert f"Chosen model: {model['name']}" in section
    assert f"CV ROC-AUC {theme.number(model['metrics']['cv']['roc_auc'], 3)}" in section
    assert f"{theme.count(backtest['predicted_repeat_orders'])} predicted" in section
    assert f"{theme.count(backtest['actual_repeat_orders'])} actual" in section
    assert f"ROC-AUC {theme.number(backtest['roc_auc'], 3)}" in section
    assert theme.percent(backtest["interval_coverage"]) in section
    rows = dash_duo.find_elements(f"#{model_ids.MODEL_REPEAT_TABLE} tbody tr")
    candidates = model["card"]["evaluation"]["candidates"]
    assert [row.find_element("css selector", "td").text for row in rows] == [
        candidate["name"] for candidate in candidates
    ]
    chosen = [row.text for row in rows if "Chosen" in row.text]
    assert len(chosen) == 1 and chosen[0].startswith(model["name"])

    # The repeat model's fairness on the holdout, by the log's Gender and Age.
    fairness = model["metrics"]["fairness"]["attributes"]
    groups = dash_duo.find_elements(f"#{model_ids.MODEL_REPEAT_FAIRNESS} tbody tr")
    assert len(groups) == sum(len(report["groups"]) for report in fairness.values())
    assert groups[0].text.startswith("Gender Female") and "Male" in groups[1].text
    verdicts = dash_duo.find_element(f"#{model_ids.MODEL_REPEAT_FAIRNESS_VERDICT}").text
    assert fairness["gender"]["verdict"] in verdicts

    # No customer-file run: the page says so instead of "No results yet".
    page = dash_duo.find_element("#_pages_content").text
    assert "No customer file has been analysed yet" in page
    assert not dash_duo.find_elements(f"#{ids.EMPTY_STATE}")
    assert dash_duo.get_logs() == []


def test_both_kinds_of_run_show_both_models(dash_duo, tmp_path):
    db = published_order_log(tmp_path, backtest=False, customer_file_too=True)
    dash_duo.start_server(create_app(Settings(database_url=db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/model")
    dash_duo.wait_for_element(f"#{model_ids.MODEL_ROC} .main-svg", timeout=20)
    assert points_drawn(dash_duo, model_ids.MODEL_ROC) > 2
    assert dash_duo.find_element(f"#{ids.RUN_BADGE}").text.startswith("Run 1 ·")
    assert dash_duo.find_element(f"#{model_ids.MODEL_REPEAT_RUN}").text.startswith("Run 2 ·")
    assert points_drawn(dash_duo, model_ids.MODEL_REPEAT_IMPORTANCE) > 0
    assert dash_duo.find_element(f"#{model_ids.MODEL_BACKTEST}").text.startswith(
        "No backtest in this run"
    )
    assert not dash_duo.find_elements(f"#{model_ids.MODEL_BACKTEST_WEEKLY}")
    assert not dash_duo.find_elements(f"#{model_ids.MODEL_REPEAT_FAIRNESS}")
    assert dash_duo.get_logs() == []


def test_a_customer_file_run_alone_says_what_an_order_log_would_add(dash_duo, published_db):
    dash_duo.start_server(create_app(Settings(database_url=published_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/model")
    dash_duo.wait_for_contains_text(
        f"#{model_ids.MODEL_ORDER_LOG_HINT}", "An order log", timeout=20
    )
    assert dash_duo.find_elements(f"#{model_ids.MODEL_TABLE}")
    assert not dash_duo.find_elements(f"#{model_ids.MODEL_REPEAT}")
    assert dash_duo.get_logs() == []
