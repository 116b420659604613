"""The model page in headless Chromium: its figures, its table and its threshold slider."""

import numpy as np
import pytest
from selenium.webdriver.common.keys import Keys

from analytics.config import Settings
from analytics.db import repository
from analytics.db.session import session_factory
from dashapp.app import create_app
from dashapp.pages.model import ids as model_ids
from dashapp.ui import ids, theme
from tests.browser.databases import published_first_rows
from tests.browser.plots import points_drawn

pytestmark = pytest.mark.browser

_HEATMAP_COUNTS = """
const plot = document.querySelector(arguments[0] + ' .js-plotly-plot');
return plot._fullData[0].z.map((row) => Array.from(row));
"""


def stored_model(db: str):
    """The published run's selected model row, read straight from the database."""
    with session_factory(db)() as session:
        run = repository.latest_published_run(session)
        model = repository.selected_model(session, run.id)
        session.expunge_all()
        return model


def numpy_confusion(model, threshold: float) -> list[list[int]]:
    """[[tn, fp], [fn, tp]] of the stored holdout at `threshold`, computed with plain numpy."""
    holdout = model.curves["holdout"]
    bought = np.array(holdout["y"]) == 1
    contacted = np.array(holdout["score"]) >= threshold
    customers = np.array(holdout["customers"])
    return [
        [int(customers[~bought & ~contacted].sum()), int(customers[~bought & contacted].sum())],
        [int(customers[bought & ~contacted].sum()), int(customers[bought & contacted].sum())],
    ]


def reach_prefix(threshold: float, matrix: list[list[int]]) -> str:
    (tn, fp), (fn, tp) = matrix
    return (
        f"At {threshold:.2f}: contact {fp + tp:,} of {tn + fp + fn + tp:,} holdout customers, "
        f"reaching {tp:,} of {fn + tp:,} buyers"
    )


def drawn_counts(dash_duo) -> list[list[int]]:
    # The reach sentence can arrive while the matrix is being redrawn: read it once it is drawn.
    dash_duo.wait_for_element(f"#{model_ids.MODEL_CONFUSION} .js-plotly-plot .main-svg")
    return dash_duo.driver.execute_script(_HEATMAP_COUNTS, f"#{model_ids.MODEL_CONFUSION}")


def test_model_page_draws_every_figure_and_compares_every_candidate(dash_duo, published_db):
    model = stored_model(published_db)
    dash_duo.start_server(create_app(Settings(database_url=published_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/model")
    dash_duo.wait_for_element(f"#{model_ids.MODEL_IMPORTANCE} .main-svg", timeout=20)

    curves = model.curves
    # Each curve figure also draws its two-point reference line.
    assert points_drawn(dash_duo, model_ids.MODEL_ROC) == len(curves["roc"]["fpr"]) + 2
    assert points_drawn(dash_duo, model_ids.MODEL_PR) == len(curves["pr"]["recall"]) + 2
    assert (
        points_drawn(dash_duo, model_ids.MODEL_CALIBRATION)
        == len(curves["calibration"]["predicted"]) + 2
    )
    assert points_drawn(dash_duo, model_ids.MODEL_LIFT) == 2 * 10  # lift bars and the gain line
    assert points_drawn(dash_duo, model_ids.MODEL_IMPORTANCE) == len(model.features)
    assert drawn_counts(dash_duo) == numpy_confusion(model, model.threshold)

    with session_factory(published_db)() as session:
        candidates = repository.run_models(session, model.run_id)
    cells = [
        [cell.text for cell in row.find_elements("css selector", "td")]
        for row in dash_duo.find_elements(f"#{model_ids.MODEL_TABLE} tbody tr")
    ]
    stored_auc = {c.name: theme.number(c.metrics["cv"]["roc_auc"], 3) for c in candidates}
    assert len(cells) == len(candidates) == 7
    assert cells[0][0] == model.name and cells[0][-1].startswith("Chosen")
    assert all(row[-1] == "" for row in cells[1:])
    assert {row[0]: row[1] for row in cells} == stored_auc
    assert [row[1] for row in cells[1:]] == sorted((row[1] for row in cells[1:]), reverse=True)

    page = dash_duo.find_element("#_pages_content").text
    assert f"{model.name} was chosen because it had the highest cross-validated ROC-AUC" in page
    assert f"sha256 {model.card['data']['sha256'][:12]}" in page
    assert dash_duo.get_logs() == []


def test_model_page_shows_fairness_by_group_and_the_sampling_study(dash_duo, published_db):
    model = stored_model(published_db)
    fairness, sampling = model.metrics["fairness"], model.metrics["sampling"]
    dash_duo.start_server(create_app(Settings(database_url=published_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/model")
    dash_duo.wait_for_element(f"#{model_ids.MODEL_FAIRNESS} tbody tr", timeout=20)

    rows = [
        [cell.text for cell in row.find_elements("css selector", "td")]
        for row in dash_duo.find_elements(f"#{model_ids.MODEL_FAIRNESS} tbody tr")
    ]
    expected = [
        (group, theme.count(stats["size"]), theme.percent(stats["selection_rate"]))
        for report in fairness["attributes"].values()
        for group, stats in report["groups"].items()
    ]
    assert [(row[1], row[2], row[4]) for row in rows] == expected
    verdicts = dash_duo.find_element(f"#{model_ids.MODEL_FAIRNESS_VERDICT}").text
    for report in fairness["attributes"].values():
        assert report["verdict"] in verdicts
    parts = dash_duo.find_elements(f"#{model_ids.MODEL_SAMPLING} tbody tr")
    assert len(parts) == 3 + len(sampling["fold_rates"])
    assert parts[0].text.split()[-1] == theme.percent(sampling["population_rate"])
    assert dash_duo.get_logs() == []


def test_threshold_slider_recomputes_the_confusion_matrix(dash_duo, published_db):
    model = stored_model(published_db)
    dash_duo.start_server(create_app(Settings(database_url=published_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/model")
    reach = f"#{model_ids.MODEL_REACH}"
    dash_duo.wait_for_contains_text(
        reach, reach_prefix(model.threshold, numpy_confusion(model, model.threshold)), timeout=20
    )

    typed = dash_duo.find_element(f"#{model_ids.MODEL_THRESHOLD} input")
    typed.send_keys(Keys.CONTROL, "a")
    typed.send_keys("0.3", Keys.TAB)
    at_030 = numpy_confusion(model, 0.3)
    assert at_030 != numpy_confusion(model, model.threshold)
    dash_duo.wait_for_contains_text(reach, reach_prefix(0.3, at_030), timeout=10)
    assert drawn_counts(dash_duo) == at_030

    handle = dash_duo.find_element(f"#{model_ids.MODEL_THRESHOLD} [role=slider]")
    handle.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    at_033 = numpy_confusion(model, 0.33)
    dash_duo.wait_for_contains_text(reach, reach_prefix(0.33, at_033), timeout=10)
    assert drawn_counts(dash_duo) == at_033
    assert dash_duo.get_logs() == []


def test_run_without_a_model_says_why(dash_duo, tmp_path):
    dash_duo.start_server(create_app(Settings(database_url=published_first_rows(tmp_path, 30))))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/model")
    dash_duo.wait_for_contains_text(
        f"#{model_ids.MODEL_MISSING}",
        "This run has no purchase model: 30 rows; at least 50 are needed.",
        timeout=20,
    )
    assert not dash_duo.find_elements(f"#{model_ids.MODEL_THRESHOLD}")
    assert dash_duo.get_logs() == []


def test_empty_database_shows_the_empty_state_on_the_model_page(dash_duo, empty_db):
    dash_duo.start_server(create_app(Settings(database_url=empty_db)))
    # The first request migrates the new database; until get_engine guards that against two
    # threads at once, let the home page finish it before /model asks for its own.
    dash_duo.wait_for_element(f"#{ids.EMPTY_STATE}", timeout=20)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/model")
    dash_duo.wait_for_contains_text(f"#{ids.EMPTY_STATE}", "No results yet", timeout=20)
    assert dash_duo.get_logs() == []
