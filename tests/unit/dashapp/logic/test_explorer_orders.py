"""The segment explorer on an order-log run's customers: what they can be filtered on, which
match, the link (a Customers-page grid cell `?r=5&fm=5`, a group `?rfm=…`), and profiles."""

import pandas as pd
import pytest

from analytics.steps.rfm import GROUPS
from dashapp.logic import explorer, explorer_link, explorer_orders
from dashapp.ui import theme
from tests.unit.dashapp.behaviour_data import behaviour_customers


@pytest.fixture
def customers() -> pd.DataFrame:
    return behaviour_customers()


@pytest.fixture
def choices(customers) -> explorer.Choices:
    return explorer_orders.choices_for(customers, [1, 0])


def matching_ids(customers, filters, choices) -> list[str]:
    return customers.loc[
        explorer.masks(customers, filters, choices).matching, "customer_id"
    ].tolist()


def parsed(query: dict, choices) -> explorer.Filters:
    return explorer_link.from_query(query, choices)[0]


def test_an_order_log_run_offers_behaviour_filters_and_axes(choices):
    assert choices.genders == () and choices.segments == (0, 1)
    assert set(choices.sliders) == {"expected_value", "p_alive"}
    assert choices.picks == {
        "rfm_group": GROUPS,
        "r_score": (1, 2, 3, 4, 5),
        "fm_score": (1, 2, 3, 4, 5),
    }
    assert choices.axes == explorer_orders.AXES
    assert choices.has_probability and choices.probability_column == "p_repeat"
    assert explorer.default_view(choices) == explorer.View("recency_days", "frequency", (0, 1))


def test_default_filters_match_everyone_and_give_an_empty_link(customers, choices):
    default = explorer.default_filters(choices)
    assert explorer.masks(customers, default, choices).matching.all()
    view = explorer.default_view(choices)
    assert explorer_link.query_string(default, view, choices) == ""
    assert explorer_link.query_string(default, view, choices, run_id=7) == "?run=7"


def test_a_grid_cell_link_selects_exactly_that_cell(customers, choices):
    filters = parsed({"run": "7", "r": "5", "fm": "5"}, choices)
    assert filters.picks == {"rfm_group": GROUPS, "r_score": (5,), "fm_score": (5,)}
    cell = (customers["r_score"] == 5) & (customers["fm_score"] == 5)
    assert matching_ids(customers, filters, choices) == customers.loc[cell, "customer_id"].tolist()
    assert matching_ids(customers, filters, choices) == ["=c1", "c6"]
    view = explorer.default_view(choices)
    assert explorer_link.query_string(filters, view, choices, run_id=7) == "?run=7&r=5&fm=5"


def test_an_rfm_group_link_is_read_whatever_its_case(customers, choices):
    filters = parsed({"rfm": "lost,Potential loyalist"}, choices)
    assert filters.picks["rfm_group"] == ("Potential Loyalist", "Lost")
    assert matching_ids(customers, filters, choices) == ["c3", "c4", "c5"]
    query = explorer_link.query_string(filters, explorer.default_view(choices), choices)
    assert query == "?rfm=Potential+Loyalist,Lost"
    assert parsed({"rfm": ["Lost", "Champions"]}, choices).picks["rfm_group"] == (
        "Champions",
        "Lost",
    )


def test_unknown_scores_and_groups_are_ignored_and_named_an_empty_choice_matches_nobody(
    customers, choices
):
    everyone = matching_ids(customers, parsed({}, choices), choices)
    assert everyone
    for query in ({"r": "9"}, {"fm": "x"}, {"rfm": "Whales"}):
        assert matching_ids(customers, parsed(query, choices), choices) == everyone, query
        (name, value), *_ = query.items()
        assert explorer_link.read_query(query, choices)[2] == [f"{name}={value.lower()}"]
    assert matching_ids(customers, parsed({"rfm": ""}, choices), choices) == []
    assert explorer_link.read_query({"rfm": ""}, choices)[2] == []


def test_value_p_alive_and_propensity_filter_and_round_trip(customers, choices):
    filters = explorer.Filters(
        genders=(),
        ranges={"expected_value": (25.0, 300.0), "p_alive": (0.5, 1.0)},
        segments=(0, 1),
        min_probability=0.6,
        picks=dict(choices.picks),
    )
    assert matching_ids(customers, filters, choices) == ["c2", "c6"]
    view = explorer.View("monetary", "p_alive", (1, 0))
    query = explorer_link.query_string(filters, view, choices, run_id=3)
    assert query.startswith("?run=3&value=25-300&")
    assert "min_propensity=0.6" in query and "x=monetary&y=p_alive" in query
    params = dict(pair.split("=", 1) for pair in query[1:].split("&"))
    back, back_view = explorer_link.from_query(params, choices)
    assert back_view == view
    assert back.ranges["expected_value"] == (25.0, 300.0)
    assert back.min_probability == 0.6
    assert matching_ids(customers, back, choices) == ["c2", "c6"]


def test_customer_file_parameters_do_nothing_on_an_order_log(customers, choices):
    filters, view = explorer_link.from_query(
        {"gender": "Female", "age": "20-30", "purchased": "buyers", "x": "Age"}, choices
    )
    assert matching_ids(customers, filters, choices) == customers["customer_id"].tolist()
    assert view.x == "recency_days"


def test_a_selection_on_behaviour_axes_is_described_with_their_units():
    box = {"kind": "box", "x": "recency_days", "y": "p_alive", "xs": [1, 30], "ys": [0.5, 0.9]}
    assert explorer.describe_selection(box) == (
        "Box selection: Recency (days) 1–30, P(alive) 0.50–0.90."
    )
    lasso = {**box, "kind": "lasso", "x": "monetary", "y": "expected_value"}
    assert (
        explorer.describe_selection(lasso) == "Lasso selection on Spend ($) × Expected value ($)."
    )


def test_behaviour_profiles_match_pandas(customers):
    profiles = explorer_orders.segment_profiles(
        customers[explorer_orders.PROFILE_COLUMNS]
    ).set_index("segment")
    frequent = profiles.loc[1]
    assert frequent["customers"] == 3 and frequent["share"] == 0.5
    assert frequent["recency_mean"] == pytest.approx((2 + 10 + 5) / 3)
    assert frequent["expected_value"] == pytest.approx(310.456 + 90 + 250)
    assert frequent["revenue"] == pytest.approx(900 + 300.5 + 700)
    assert explorer_orders.profile_cells(frequent)[:3] == ["3", "50.0%", "6"]
    assert explorer_orders.profile_cells(None)[0] == "0"
    assert explorer_orders.segment_profiles(customers.iloc[0:0]).empty


def test_behaviour_comparison_rows(customers):
    profiles = explorer_orders.segment_profiles(customers).set_index("segment")
    rows = {
        row[0]: row[1:]
        for row in explorer.measure_rows(profiles.loc[0], profiles.loc[1], explorer_orders.COMPARED)
    }
    assert rows["Customers"] == ("3", "3", "+0")
    assert rows["Days since last order"] == ("180 days", "6 days", "−174 days")
    assert rows["P(alive)"] == ("33.3%", "92.7%", "+59.3 pts")
    empty = explorer.measure_rows(profiles.loc[0], None, explorer_orders.COMPARED)
    assert empty[0] == ("Customers", "3", theme.MISSING, theme.MISSING)
