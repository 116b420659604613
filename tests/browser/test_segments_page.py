"""The segment explorer in headless Chromium: figures, live count, cross-filtering, the URL and
the CSV export, checked against pandas on the same customers."""

import csv
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.keys import Keys

from analytics.config import Settings
from dashapp.app import create_app
from dashapp.data import queries
from dashapp.logic import explorer, explorer_link
from dashapp.pages.segments import ids as segments_ids
from dashapp.ui import ids
from tests.browser.plots import points_drawn

pytestmark = pytest.mark.browser


def run_data(db: str):
    run_id = queries.latest_run(db).id
    return queries.customers(db, run_id), queries.overview(db, run_id).segments


def count_text(matching) -> str:
    return explorer.count_text(int(matching.sum()), len(matching))


def open_page(dash_duo, db: str, query: str = "") -> None:
    dash_duo.start_server(create_app(Settings(database_url=db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/segments{query}")
    dash_duo.wait_for_contains_text(f"#{segments_ids.SEG_COUNT}", "customers match", timeout=20)


def url_query(dash_duo) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(dash_duo.driver.current_url).query).items()}


def label_for(dash_duo, component_id: str, text: str):
    """The label of a checklist or radio option, by its text (clicking it toggles the input)."""
    for label in dash_duo.find_elements(f"#{component_id} label"):
        if label.text == text:
            return label
    raise AssertionError(f"no option {text!r} in #{component_id}")


PLOTLY_DOUBLE_CLICK_SECONDS = 0.5


def click_bar(dash_duo, position: int) -> None:
    # Plotly listens on the layer over the bars, so click where the bar is rather than on it.
    bar = dash_duo.find_elements(f"#{segments_ids.SEG_DISTRIBUTION} .bars .point")[position]
    ActionChains(dash_duo.driver).move_to_element(bar).click().perform()


def drag_box_across_the_middle(dash_duo, graph_id: str) -> None:
    """Press, drag and release over the middle half of a plot, as a user draws a box."""
    layer = dash_duo.find_element(f"#{graph_id} .nsewdrag")
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", layer
    )
    # Selenium cannot aim at offsets inside an SVG element, so aim at the page coordinates.
    box = dash_duo.driver.execute_script("return arguments[0].getBoundingClientRect()", layer)
    left, top = box["left"] + box["width"] / 4, box["top"] + box["height"] / 4
    right, bottom = left + box["width"] / 2, top + box["height"] / 2
    actions = ActionBuilder(dash_duo.driver)
    actions.pointer_action.move_to_location(int(left), int(top)).pointer_down()
    actions.pointer_action.move_to_location(int((left + right) / 2), int((top + bottom) / 2))
    actions.pointer_action.move_to_location(int(right), int(bottom)).pointer_up()
    actions.perform()


def test_figures_have_data_and_filters_set_the_count_and_the_url(dash_duo, published_db):
    customers, segments = run_data(published_db)
    open_page(dash_duo, published_db)
    dash_duo.wait_for_text_to_equal(f"#{segments_ids.SEG_COUNT}", "3,000 of 3,000 customers match")

    assert points_drawn(dash_duo, segments_ids.SEG_SCATTER) == 3_000
    assert points_drawn(dash_duo, segments_ids.SEG_DISTRIBUTION) == len(segments)
    assert len(dash_duo.find_elements(f"#{segments_ids.SEG_PROFILE_TABLE} tbody tr")) == len(
        segments
    )
    assert len(dash_duo.find_elements(f"#{segments_ids.SEG_COMPARISON} tbody tr")) == 8
    assert dash_duo.find_element(f"#{segments_ids.SEG_SAMPLE_NOTE}").text == (
        "Showing all 3,000 matching customers."
    )
    # The PNG download sits in the always-visible mode bar of each figure; nothing is shared.
    for graph in (segments_ids.SEG_SCATTER, segments_ids.SEG_DISTRIBUTION):
        titles = [
            button.get_attribute("data-title")
            for button in dash_duo.find_elements(f"#{graph} .modebar-btn")
        ]
        assert "Download plot as a PNG" in titles and "Share chart..." not in titles

    label_for(dash_duo, segments_ids.SEG_PURCHASED, "Buyers").click()
    buyers = customers["Purchased"] == 1
    dash_duo.wait_for_text_to_equal(f"#{segments_ids.SEG_COUNT}", count_text(buyers))

    label_for(dash_duo, segments_ids.SEG_GENDER, "Male").click()
    female_buyers = buyers & (customers["Gender"] == "Female")
    dash_duo.wait_for_text_to_equal(f"#{segments_ids.SEG_COUNT}", count_text(female_buyers))

    low_age = dash_duo.find_element(f"#{segments_ids.SEG_AGE} .dash-range-slider-min-input")
    low_age.send_keys(Keys.CONTROL, "a")
    low_age.send_keys("40", Keys.TAB)  # the slider takes a typed value when the field is left
    expected = female_buyers & (customers["Age"] >= 40)
    dash_duo.wait_for_text_to_equal(f"#{segments_ids.SEG_COUNT}", count_text(expected))
    assert points_drawn(dash_duo, segments_ids.SEG_SCATTER) == expected.sum()

    dash_duo.wait_for_text_to_equal(f"#{segments_ids.SEG_COUNT}", count_text(expected))
    until(lambda: url_query(dash_duo).get("age", "").startswith("40-"))
    assert url_query(dash_duo) | {"age": ""} == {
        "gender": "Female",
        "age": "",
        "purchased": "buyers",
    }

    # A click on a segment bar narrows everything else to that segment; again, to all.
    click_bar(dash_duo, 2)
    in_segment = expected & (customers["segment"] == segments["segment"].iloc[2])
    dash_duo.wait_for_text_to_equal(f"#{segments_ids.SEG_COUNT}", count_text(in_segment))
    assert len(dash_duo.find_elements(f"#{segments_ids.SEG_PROFILE_TABLE} tbody tr")) == 1
    assert url_query(dash_duo)["segment"] == str(segments["segment"].iloc[2] + 1)
    # Two clicks on one spot within Plotly's double-click window (300 ms) are a double-click,
    # which resets the axes instead of clicking the bar: wait it out, as a person does.
    time.sleep(PLOTLY_DOUBLE_CLICK_SECONDS)
    click_bar(dash_duo, 2)
    dash_duo.wait_for_text_to_equal(f"#{segments_ids.SEG_COUNT}", count_text(expected))

    minimum = dash_duo.find_element(f"#{segments_ids.SEG_PROBABILITY} input[type=number]")
    minimum.send_keys(Keys.CONTROL, "a")
    minimum.send_keys("0.6", Keys.TAB)
    likely = expected & (customers["purchase_probability"] >= 0.6)
    assert 0 < likely.sum() < expected.sum()
    dash_duo.wait_for_text_to_equal(f"#{segments_ids.SEG_COUNT}", count_text(likely))
    until(lambda: url_query(dash_duo).get("min_probability") == "0.6")

    dash_duo.find_element(f"#{segments_ids.SEG_RESET}").click()
    dash_duo.wait_for_text_to_equal(f"#{segments_ids.SEG_COUNT}", "3,000 of 3,000 customers match")
    until(lambda: urlparse(dash_duo.driver.current_url).query == "")
    assert dash_duo.get_logs() == []


def test_url_sets_the_filters_and_a_scatter_selection_cross_filters(dash_duo, published_db):
    customers, _ = run_data(published_db)
    open_page(dash_duo, published_db, "?gender=Female&age=30-50&segment=1,3&purchased=non-buyers")
    expected = (
        (customers["Gender"] == "Female")
        & customers["Age"].between(30, 50)
        & customers["segment"].isin([0, 2])
        & (customers["Purchased"] == 0)
    )
    dash_duo.wait_for_text_to_equal(f"#{segments_ids.SEG_COUNT}", count_text(expected))
    checked = [
        element.get_attribute("value")
        for element in dash_duo.find_elements(f"#{segments_ids.SEG_GENDER} input:checked")
    ]
    assert checked == ["Female"]
    assert len(dash_duo.find_elements(f"#{segments_ids.SEG_SEGMENTS} input:checked")) == 2
    assert dash_duo.find_element(f"#{segments_ids.SEG_PURCHASED} input:checked").get_attribute(
        "value"
    ) == ("non-buyers")
    age_inputs = dash_duo.find_elements(f"#{segments_ids.SEG_AGE} input[type=number]")
    assert [element.get_attribute("value") for element in age_inputs] == ["30", "50"]
    assert points_drawn(dash_duo, segments_ids.SEG_SCATTER) == expected.sum()

    drag_box_across_the_middle(dash_duo, segments_ids.SEG_SCATTER)

    until(lambda: "sel" in url_query(dash_duo))
    selection, _ = explorer_link.from_query(url_query(dash_duo), run_choices(published_db))
    box = selection.selection
    assert (box["kind"], box["x"], box["y"]) == ("box", "Age", "Salary")
    selected = (
        expected & customers["Age"].between(*box["xs"]) & customers["Salary"].between(*box["ys"])
    )
    assert 0 < selected.sum() < expected.sum()
    dash_duo.wait_for_text_to_equal(f"#{segments_ids.SEG_COUNT}", count_text(selected))
    assert dash_duo.find_element(f"#{segments_ids.SEG_SELECTION_NOTE}").text.startswith(
        "Box selection: Age"
    )
    profile_customers = dash_duo.find_elements(
        f"#{segments_ids.SEG_PROFILE_TABLE} tbody tr td:nth-child(2)"
    )
    assert sum(int(cell.text.replace(",", "")) for cell in profile_customers) == selected.sum()

    dash_duo.find_element(f"#{segments_ids.SEG_CLEAR_SELECTION}").click()
    dash_duo.wait_for_text_to_equal(f"#{segments_ids.SEG_COUNT}", count_text(expected))
    until(lambda: "sel" not in url_query(dash_duo))
    assert dash_duo.get_logs() == []


def test_export_downloads_the_matching_customers_as_safe_csv(dash_duo, published_db):
    customers, segments = run_data(published_db)
    open_page(dash_duo, published_db, "?gender=Male&purchased=buyers&min_probability=0.7")
    male_buyers = (customers["Gender"] == "Male") & (customers["Purchased"] == 1)
    expected = customers[male_buyers & (customers["purchase_probability"] >= 0.7)]
    assert 0 < len(expected) < male_buyers.sum()
    dash_duo.wait_for_text_to_equal(
        f"#{segments_ids.SEG_COUNT}", count_text(customers.index.isin(expected.index))
    )

    dash_duo.find_element(f"#{segments_ids.SEG_EXPORT}").click()
    # Named for what it holds: no saved audience, all segments, other filters narrowing them.
    run_id, day = queries.latest_run(published_db).id, datetime.now(UTC).date()
    target = Path(dash_duo.download_path) / f"audience-filtered-run-{run_id}-{day}.csv"
    # The file can appear before its last bytes do: wait for the header and every row.
    until(lambda: target.is_file() and target.read_bytes().count(b"\n") > len(expected))
    with target.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [row["Customer ID"] for row in rows] == expected["Customer ID"].tolist()
    names = dict(zip(segments["segment"], segments["name"], strict=True))
    first = expected.iloc[0]
    assert rows[0]["Segment"] == str(first["segment"] + 1)
    assert rows[0]["Segment name"] == names[first["segment"]]
    assert {row["Gender"] for row in rows} == {"Male"}
    exported = [float(row["Purchase probability"]) for row in rows]
    assert exported == expected["purchase_probability"].round(4).tolist()
    assert dash_duo.get_logs() == []


def test_empty_database_shows_the_empty_state(dash_duo, empty_db):
    dash_duo.start_server(create_app(Settings(database_url=empty_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/segments")
    dash_duo.wait_for_element(f"#{ids.EMPTY_STATE}", timeout=20)
    assert "No results yet" in dash_duo.find_element(f"#{ids.EMPTY_STATE}").text
    assert dash_duo.get_logs() == []


def run_choices(db: str) -> explorer.Choices:
    run_id = queries.latest_run(db).id
    return explorer.choices_for(queries.customers(db, run_id), run_data(db)[1]["segment"])


def until(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {condition}")
        time.sleep(0.1)


def test_invalid_link_values_are_ignored_and_named(dash_duo, published_db):
    customers, _ = run_data(published_db)
    open_page(dash_duo, published_db, "?age=abc&gender=robot&purchased=buyers")
    # The valid value applies; the others are left at their defaults, not matching nobody.
    expected = customers["Purchased"] == 1
    dash_duo.wait_for_text_to_equal(f"#{segments_ids.SEG_COUNT}", count_text(expected))
    note = dash_duo.find_element(f"#{segments_ids.SEG_LINK_NOTE}").text
    assert note.startswith(
        "Ignored in this link, as not valid for this run: gender=robot, age=abc."
    )
    until(lambda: url_query(dash_duo) == {"purchased": "buyers"})
    assert dash_duo.get_logs() == []


def test_top_n_by_propensity_keeps_the_likeliest_and_the_export_holds_them(dash_duo, published_db):
    customers, _ = run_data(published_db)
    open_page(dash_duo, published_db, "?purchased=non-buyers")
    non_buyers = customers[customers["Purchased"] == 0]
    top = non_buyers.sort_values("purchase_probability", ascending=False, kind="stable")[:7]
    top_input = dash_duo.find_element(f"#{segments_ids.SEG_TOP_N}")
    top_input.send_keys("7", Keys.ENTER)
    dash_duo.wait_for_text_to_equal(
        f"#{segments_ids.SEG_COUNT}", count_text(customers.index.isin(top.index))
    )
    until(lambda: url_query(dash_duo) == {"purchased": "non-buyers", "top": "7"})
    export = dash_duo.find_element(f"#{segments_ids.SEG_EXPORT}")
    until(lambda: "top=7" in (export.get_attribute("href") or ""))
    export.click()
    # Named for what it holds: non-buyers, the top 7 of them (issue #21's export names).
    run_id = queries.latest_run(published_db).id
    name = f"audience-filtered-run-{run_id}-{datetime.now(UTC).date()}.csv"
    target = Path(dash_duo.download_path) / name
    until(lambda: target.is_file() and target.read_bytes().count(b"\n") > len(top))
    with target.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    # In file order, as every export.
    assert [row["Customer ID"] for row in rows] == top.sort_index()["Customer ID"].tolist()
    assert dash_duo.get_logs() == []
