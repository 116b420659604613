"""The segment explorer's pure parts: filter state and its URL, masks, selection, profiles and
figures."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashapp.logic import explorer, explorer_link
from dashapp.ui import theme
from dashapp.ui.figures.segments import explorer_distribution, explorer_scatter
from tests.unit.dashapp.explorer_data import SEGMENTS


@pytest.fixture
def choices(customers) -> explorer.Choices:
    return explorer.choices_for(customers, [0, 1, 2])


def filters_for(choices: explorer.Choices, **changes) -> explorer.Filters:
    default = explorer.default_filters(choices)
    return explorer.Filters(
        genders=changes.get("genders", default.genders),
        ranges={**default.ranges, **changes.get("ranges", {})},
        segments=changes.get("segments", default.segments),
        purchased=changes.get("purchased", "all"),
        selection=changes.get("selection"),
        min_probability=changes.get("min_probability", 0.0),
    )


# Choices and sliders


def test_choices_list_genders_by_frequency_and_a_slider_per_column_with_data(customers):
    choices = explorer.choices_for(customers.assign(Price=np.nan), [2, 0, 1])
    assert choices.genders == ("Female", "Male")
    assert choices.segments == (0, 1, 2)
    assert set(choices.sliders) == {"Age", "Salary"}
    assert choices.axes == ("Age", "Salary")
    assert choices.has_probability
    without_model = explorer.choices_for(customers.assign(purchase_probability=np.nan), [0])
    assert not without_model.has_probability


def test_sliders_have_round_steps_and_ends_rounded_outwards():
    salary = explorer.slider_for(pd.Series([15_300.0, 149_900.0]))
    assert salary == explorer.Slider(15_000, 150_000, 1_000)
    # Whole-number data (ages) never gets fractional steps.
    assert explorer.slider_for(pd.Series([18.0, 64.0])).step == 1
    assert explorer.slider_for(pd.Series([0.512, 2.25])) == explorer.Slider(0.51, 2.25, 0.01)


# The URL


def test_default_state_gives_an_empty_query(choices):
    view = explorer.default_view(choices)
    assert explorer_link.query_string(explorer.default_filters(choices), view, choices) == ""
    assert view == explorer.View("Age", "Salary", (0, 1))


def test_query_round_trips_every_filter_and_the_view(choices):
    filters = filters_for(
        choices,
        genders=("Female",),
        ranges={"Age": (25.0, 45.0), "Price": (2_000.0, 4_500.5)},
        segments=(0, 2),
        purchased="non-buyers",
        selection={"kind": "box", "x": "Age", "y": "Salary", "xs": [20, 30], "ys": [1e4, 5e4]},
        min_probability=0.65,
    )
    view = explorer.View("Salary", "Price", (2, 0))
    query = explorer_link.query_string(filters, view, choices)
    assert query == (
        "?gender=Female&age=25-45&price=2000-4500.5&segment=1,3&purchased=non-buyers"
        "&min_probability=0.65&sel=box,Age,Salary,20,30,10000,50000&x=Salary&y=Price&compare=3,1"
    )
    params = dict(pair.split("=", 1) for pair in query[1:].split("&"))
    assert explorer_link.from_query(params, choices) == (filters, view)


def test_no_gender_or_segment_chosen_is_kept_in_the_url(choices):
    filters = filters_for(choices, genders=(), segments=())
    query = explorer_link.query_string(filters, explorer.default_view(choices), choices)
    assert query == "?gender=&segment="
    parsed, _ = explorer_link.from_query({"gender": "", "segment": ""}, choices)
    assert parsed.genders == () and parsed.segments == ()


def test_lasso_round_trips_through_the_url(choices):
    lasso = {"kind": "lasso", "x": "Age", "y": "Price", "xs": [20, 40, 30], "ys": [1, 2, 5.5]}
    filters = filters_for(choices, selection=lasso)
    query = explorer_link.query_string(filters, explorer.default_view(choices), choices)
    assert query == "?sel=lasso,Age,Price,20,1,40,2,30,5.5"
    parsed, _ = explorer_link.from_query({"sel": query.split("=", 1)[1]}, choices)
    assert parsed.selection == lasso


def test_bad_query_values_fall_back_to_defaults(choices):
    default = explorer.default_filters(choices)
    filters, view = explorer_link.from_query(
        {
            "gender": "FEMALE,robot",
            "age": "70-10",  # reversed and beyond the data: sorted and clamped
            "salary": "lots",
            "segment": "2,9",
            "purchased": "maybe",
            "min_probability": "1.5",
            "sel": "box,Age,Height,1,2,3,4",
            "x": "Height",
            "compare": "1,7",
        },
        choices,
    )
    assert filters.genders == ("Female",)
    assert filters.ranges["Age"] == (20.0, 60.0)
    assert filters.ranges["Salary"] == default.ranges["Salary"]
    assert filters.segments == (1,)
    assert filters.purchased == "all"
    assert filters.min_probability == 0.0
    assert filters.selection is None
    assert view == explorer.default_view(choices)


def test_ignored_query_values_are_named_and_a_list_of_only_unknowns_keeps_the_default(choices):
    default = explorer.default_filters(choices)
    filters, _view, ignored = explorer_link.read_query(
        {
            "age": "abc",
            "gender": "robot",
            "segment": "2,9",
            "purchased": "maybe",
            "min_probability": "1.5",
            "x": "Height",
            "compare": "1,7",
            "sel": "box,Age,Height,1,2,3,4",
        },
        choices,
    )
    assert ignored == [
        "gender=robot",
        "age=abc",
        "segment=9",
        "purchased=maybe",
        "sel=box,Age,Height,1,2,3,4",
        "min_probability=1.5",
        "x=Height",
        "compare=1,7",
    ]
    # Nothing the link named exists: every gender, as without the parameter (not none).
    assert filters.genders == default.genders
    assert filters.ranges["Age"] == default.ranges["Age"]
    assert filters.segments == (1,)
    assert explorer_link.read_query({"age": "20-30", "min_probability": "0"}, choices)[2] == []
    long = explorer_link.read_query({"x": "y" * 100}, choices)[2]
    assert long == [f"x={'y' * explorer_link.MAX_SHOWN}…"]


def test_a_minimum_probability_is_ignored_for_a_run_without_a_model(customers):
    choices = explorer.choices_for(customers.assign(purchase_probability=np.nan), [0, 1, 2])
    filters, _ = explorer_link.from_query({"min_probability": "0.5"}, choices)
    assert filters.min_probability == 0.0
    wanted = filters_for(choices, min_probability=0.5)
    assert explorer_link.query_string(wanted, explorer.default_view(choices), choices) == ""
    assert explorer.masks(customers, wanted, choices).matching.all()


def test_repeated_parameters_are_read_as_one_list(choices):
    filters, _ = explorer_link.from_query({"segment": ["1", "3"]}, choices)
    assert filters.segments == (0, 2)


# Which customers match


def test_masks_match_what_pandas_selects(customers, choices):
    filters = filters_for(
        choices, genders=("Female",), ranges={"Age": (30.0, 60.0)}, purchased="buyers"
    )
    masks = explorer.masks(customers, filters, choices)
    expected = (
        (customers["Gender"] == "Female")
        & customers["Age"].between(30, 60)
        & (customers["Purchased"] == 1)
    )
    assert masks.matching.tolist() == expected.tolist()
    assert customers.loc[masks.matching, "Customer ID"].tolist() == ["c3", "c5", "c6"]


def test_a_full_range_keeps_customers_without_a_value_and_a_narrowed_one_does_not(
    customers, choices
):
    everyone = explorer.masks(customers, filters_for(choices), choices)
    assert everyone.matching.all()
    narrowed = filters_for(choices, ranges={"Price": (1_000.0, 4_900.0)})
    matching = explorer.masks(customers, narrowed, choices).matching
    assert customers.loc[matching, "Customer ID"].tolist() == ["c1", "c2", "c4", "c6"]


def test_a_minimum_probability_keeps_the_likelier_buyers(customers, choices):
    filters = filters_for(choices, min_probability=0.55)
    matching = explorer.masks(customers, filters, choices).matching
    assert customers.loc[matching, "Customer ID"].tolist() == ["c2", "c3", "c5", "c6"]
    assert explorer.masks(customers, filters_for(choices), choices).matching.all()


def test_choosing_no_gender_or_segment_matches_nobody(customers, choices):
    assert not explorer.masks(customers, filters_for(choices, genders=()), choices).matching.any()
    assert not explorer.masks(customers, filters_for(choices, segments=()), choices).matching.any()


def test_segment_choice_and_selection_are_kept_apart_for_cross_filtering(customers, choices):
    box = {"kind": "box", "x": "Age", "y": "Salary", "xs": [25, 45], "ys": [0, 1e6]}
    masks = explorer.masks(customers, filters_for(choices, segments=(1,), selection=box), choices)
    assert masks.any_segment.tolist() == [False, True, True, False, False, True]
    assert masks.matching.tolist() == [False, False, True, False, False, True]


# The scatter selection


def test_box_selection_event_is_stored_sorted_and_rounded():
    event = {"points": [], "range": {"x": [45.123456789, 20], "y": [9e4, 1e4]}}
    assert explorer.selection_from_event(event, "Age", "Salary") == {
        "kind": "box",
        "x": "Age",
        "y": "Salary",
        "xs": [20.0, 45.1235],
        "ys": [10_000.0, 90_000.0],
    }
    assert explorer.selection_from_event(None, "Age", "Salary") is None
    assert explorer.selection_from_event({"points": []}, "Age", "Salary") is None


def test_lasso_selection_keeps_a_bounded_number_of_vertices():
    angles = np.linspace(0, 2 * np.pi, 500, endpoint=False)
    event = {"lassoPoints": {"x": list(np.cos(angles)), "y": list(np.sin(angles))}}
    selection = explorer.selection_from_event(event, "Age", "Price")
    assert selection["kind"] == "lasso" and (selection["x"], selection["y"]) == ("Age", "Price")
    assert 3 <= len(selection["xs"]) == len(selection["ys"]) <= explorer.LASSO_VERTICES
    assert selection["xs"][0] == 1.0


def test_points_inside_a_box_and_a_lasso():
    xs = np.array([1.0, 5.0, 9.0, 8.0, np.nan])
    ys = np.array([1.0, 5.0, 1.0, 9.0, 5.0])
    box = {"kind": "box", "xs": [0, 6], "ys": [0, 6]}
    assert explorer.inside_selection(box, xs, ys).tolist() == [True, True, False, False, False]
    triangle = {"kind": "lasso", "xs": [0, 10, 5], "ys": [0, 0, 10]}
    assert explorer.inside_selection(triangle, xs, ys).tolist() == [
        True,
        True,
        True,
        False,
        False,
    ]


def test_selection_is_described_in_words():
    box = {"kind": "box", "x": "Age", "y": "Salary", "xs": [20, 30], "ys": [1e4, 5e4]}
    assert explorer.describe_selection(box) == "Box selection: Age 20–30, Salary $10,000–$50,000."
    lasso = {**box, "kind": "lasso"}
    assert explorer.describe_selection(lasso) == "Lasso selection on Age × Salary."
    assert explorer.describe_selection(None).startswith("None")


# Sampling, counts, profiles


def test_sample_is_bounded_ordered_and_stable_when_filters_narrow():
    mask = np.ones(50_000, dtype=bool)
    sample = explorer.sample_positions(mask, limit=1_000)
    assert len(sample) == 1_000 and np.all(np.diff(sample) > 0)
    assert np.array_equal(sample, explorer.sample_positions(mask, limit=1_000))
    narrowed = mask.copy()
    narrowed[25_000:] = False
    kept = explorer.sample_positions(narrowed, limit=1_000)
    assert set(sample[sample < 25_000]) <= set(kept)
    few = np.zeros(50_000, dtype=bool)
    few[[3, 7]] = True
    assert explorer.sample_positions(few, limit=1_000).tolist() == [3, 7]


def test_texts_for_the_count_and_the_sample():
    assert explorer.count_text(1234, 3000) == "1,234 of 3,000 customers match"
    assert explorer.sample_note(80, 80) == "Showing all 80 matching customers."
    assert explorer.sample_note(20_000, 85_000) == (
        "Showing a random sample of 20,000 of 85,000 customers."
    )


def test_a_bar_click_shows_one_segment_and_a_second_click_all():
    assert explorer.toggle_segment([0, 1, 2], 1, [0, 1, 2]) == [1]
    assert explorer.toggle_segment([1], 1, [2, 0, 1]) == [0, 1, 2]
    assert explorer.toggle_segment([1], 2, [0, 1, 2]) == [2]


def test_segment_counts_cover_every_segment(customers):
    mask = customers["Gender"].eq("Female").to_numpy()
    counts = explorer.segment_counts(customers, SEGMENTS, mask)
    assert counts["size"].tolist() == [1, 2, 1]
    assert counts["share"].tolist() == [0.25, 0.5, 0.25]
    assert counts["name"].tolist() == SEGMENTS["name"].tolist()
    nobody = explorer.segment_counts(customers, SEGMENTS, np.zeros(6, dtype=bool))
    assert nobody["share"].tolist() == [0, 0, 0]


def test_segment_profiles_match_pandas(customers):
    profiles = explorer.segment_profiles(customers).set_index("segment")
    one = profiles.loc[1]
    assert one["customers"] == 3 and one["share"] == 0.5
    assert one["age_mean"] == pytest.approx((40 + 50 + 35) / 3)
    assert one["price_mean"] == pytest.approx(3_500)  # the customer without a price is left out
    assert one["purchase_rate"] == pytest.approx(2 / 3)
    assert one["revenue"] == 3_000  # c3 bought without a price, c4 did not buy
    assert one["revenue_per_customer"] == 1_000
    assert (one["top_gender"], one["top_gender_share"]) == ("Female", pytest.approx(2 / 3))
    assert explorer.segment_profiles(customers.iloc[0:0]).empty


def test_profiles_without_prices_have_no_revenue(customers):
    profiles = explorer.segment_profiles(customers.assign(Price=np.nan))
    assert profiles["revenue"].isna().all() and profiles["price_mean"].isna().all()


def test_comparison_rows_show_both_profiles_and_signed_differences(customers):
    profiles = explorer.segment_profiles(customers).set_index("segment")
    rows = {row[0]: row[1:] for row in explorer.comparison_rows(profiles.loc[0], profiles.loc[1])}
    assert rows["Customers"] == ("2", "3", "+1")
    assert rows["Average age"] == ("25.0", "41.7", "+16.7 years")
    assert rows["Average salary"] == ("$30,000", "$63,333", "+$33,333")
    assert rows["Purchase rate"] == ("50.0%", "66.7%", "+16.7 pts")
    assert rows["Revenue"] == ("$2,000", "$3,000", "+$1,000")
    assert rows["Most common gender"] == ("Female (50.0%)", "Female (66.7%)", "")
    reverse = {row[0]: row[3] for row in explorer.comparison_rows(profiles.loc[1], profiles.loc[0])}
    assert reverse["Average salary"] == "−$33,333"


def test_comparison_with_an_empty_segment_shows_dashes(customers):
    profile = explorer.segment_profiles(customers).set_index("segment").loc[0]
    rows = {row[0]: row[1:] for row in explorer.comparison_rows(profile, None)}
    assert rows["Customers"] == ("2", theme.MISSING, theme.MISSING)
    assert rows["Most common gender"][1] == theme.MISSING


# Figures


def scatter_points(selected: list[bool] | None = None) -> pd.DataFrame:
    points = pd.DataFrame(
        {
            "Age": [20.0, 30.0, 40.0, 50.0],
            "Salary": [1.0, 2.0, 3.0, 4.0],
            "Price": [5.0, 6.0, 7.0, 8.0],
            "segment": [0, 1, 0, 1],
        }
    )
    return points if selected is None else points.assign(selected=selected)


def test_explorer_scatter_selects_by_dragging_and_states_the_sample():
    figure = explorer_scatter(scatter_points(), SEGMENTS, 10, "Age", "Price")
    assert all(isinstance(trace, go.Scattergl) for trace in figure.data)
    assert [list(trace.y) for trace in figure.data] == [[5.0, 7.0], [6.0, 8.0]]
    assert figure.layout.dragmode == "select"
    assert figure.layout.selections == ()
    assert all(trace.selectedpoints is None for trace in figure.data)
    assert "random sample of 4 of 10 customers" in figure.layout.annotations[0].text


def test_explorer_scatter_highlights_and_draws_the_selection():
    box = {"kind": "box", "x": "Age", "y": "Salary", "xs": [25, 45], "ys": [0, 10]}
    points = scatter_points([False, True, True, False])
    figure = explorer_scatter(points, SEGMENTS, 4, "Age", "Salary", box)
    assert [list(trace.selectedpoints) for trace in figure.data] == [[1], [0]]
    drawn = figure.layout.selections[0]
    assert (drawn.type, drawn.x0, drawn.x1, drawn.y0, drawn.y1) == ("rect", 25, 45, 0, 10)
    # On other axes the selected customers stay highlighted, but the box is not drawn.
    other_axes = explorer_scatter(points, SEGMENTS, 4, "Age", "Price", box)
    assert [list(trace.selectedpoints) for trace in other_axes.data] == [[1], [0]]
    assert other_axes.layout.selections == ()
    lasso = {"kind": "lasso", "x": "Age", "y": "Salary", "xs": [1, 2, 3], "ys": [4, 5, 6]}
    drawn = explorer_scatter(points, SEGMENTS, 4, "Age", "Salary", lasso)
    assert drawn.layout.selections[0].path == "M1,4L2,5L3,6Z"


def test_explorer_distribution_fades_unchosen_segments_and_carries_segment_ids(customers):
    counts = explorer.segment_counts(customers, SEGMENTS, np.ones(6, dtype=bool))
    bars = explorer_distribution(counts, [1]).data[0]
    assert list(bars.x) == [2, 3, 1]
    assert list(bars.customdata) == [0, 1, 2]
    assert list(bars.marker.opacity) == [0.3, 1.0, 0.3]
    assert list(bars.marker.color) == [theme.segment_colour(s) for s in (0, 1, 2)]
    assert list(bars.y) == ["1. Younger, budget", "2. Older", "3. Rich"]


def test_explorer_distribution_without_matches_says_so(customers):
    counts = explorer.segment_counts(customers, SEGMENTS, np.zeros(6, dtype=bool))
    figure = explorer_distribution(counts, [0, 1, 2])
    assert figure.data == ()
    assert figure.layout.annotations[0].text == "No customers match these filters"


# The CSV export
