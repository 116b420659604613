import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashapp.logic import pricing
from dashapp.ui import theme
from dashapp.ui.figures.what_if import price_sensitivity, whatif_contributions


def test_price_grid_is_round_covers_the_range_and_holds_the_current_price():
    grid = pricing.price_grid(2_000, 7_000, 3_456)
    assert grid[0] == 2_000 and grid[-1] == 7_000
    assert 3_456 in grid
    round_prices = grid[grid != 3_456]
    assert np.all(round_prices % 100 == 0) and len(round_prices) == 51
    assert np.all(np.diff(grid) > 0)


def test_price_grid_stretches_to_a_price_outside_the_data():
    grid = pricing.price_grid(2_000, 7_000, 9_000)
    assert grid[0] == 2_000 and grid[-1] == 9_000 and len(grid) <= 61


def test_price_grid_of_a_single_price_still_spans_a_range():
    grid = pricing.price_grid(3_000, 3_000, 3_000)
    assert grid[0] < 3_000 < grid[-1] and 3_000 in grid


def test_at_prices_repeats_the_customer_once_per_price():
    customer = pd.DataFrame({"Age": [30.0], "Salary": [50_000.0], "Price": [1.0], "Gender": ["F"]})
    batch = pricing.at_prices(customer, np.array([100.0, 200.0, 300.0]))
    assert list(batch["Price"]) == [100.0, 200.0, 300.0]
    assert list(batch["Age"]) == [30.0] * 3 and list(batch["Gender"]) == ["F"] * 3
    assert customer["Price"].iat[0] == 1.0


PRICES = np.array([1_000.0, 2_000.0, 3_000.0, 4_000.0, 5_000.0])


def test_smallest_crossing_lowers_the_price_for_an_unlikely_buyer():
    probabilities = np.array([0.7, 0.55, 0.45, 0.3, 0.2])
    crossing = pricing.smallest_crossing(PRICES, probabilities, 4_000.0, 0.5)
    assert crossing == pricing.PriceChange(price=2_000.0, change=-2_000.0, probability=0.55)
    assert pricing.counterfactual_text(crossing, likely_now=False, low=1_000, high=5_000) == (
        "Lowering the price by $2,000 (to $2,000) makes a purchase likely (55.0%)."
    )


def test_smallest_crossing_raises_the_price_for_a_likely_buyer_and_takes_the_nearest():
    # Not monotonic (trees): the nearest flip wins, here above the current price.
    probabilities = np.array([0.4, 0.6, 0.7, 0.45, 0.8])
    crossing = pricing.smallest_crossing(PRICES, probabilities, 3_000.0, 0.5)
    assert crossing == pricing.PriceChange(price=4_000.0, change=1_000.0, probability=0.45)
    assert pricing.counterfactual_text(crossing, likely_now=True, low=1_000, high=5_000) == (
        "Raising the price by $1,000 (to $4,000) makes a purchase unlikely (45.0%)."
    )


def test_smallest_crossing_prefers_the_lower_price_on_equal_distance():
    probabilities = np.array([0.2, 0.6, 0.3, 0.6, 0.2])
    crossing = pricing.smallest_crossing(PRICES, probabilities, 3_000.0, 0.5)
    assert crossing.price == 2_000.0


def test_a_probability_exactly_at_the_threshold_counts_as_likely():
    probabilities = np.array([0.5, 0.4, 0.4, 0.4, 0.4])
    crossing = pricing.smallest_crossing(PRICES, probabilities, 3_000.0, 0.5)
    assert crossing.price == 1_000.0


def test_no_crossing_says_the_prediction_holds_over_the_range():
    crossing = pricing.smallest_crossing(PRICES, np.full(5, 0.9), 3_000.0, 0.5)
    assert crossing is None
    assert pricing.counterfactual_text(None, likely_now=True, low=1_000, high=5_000) == (
        "A purchase stays likely at every price from $1,000 to $5,000: no price change in that "
        "range flips the prediction."
    )


def test_typical_prices_take_the_most_common_price_and_the_lower_on_a_tie():
    customers = pd.DataFrame(
        {
            "Product ID": ["B", "B", "B", "A", "A", "C", "C", "C", "C"],
            "Price": [5.0, 5.0, 7.0, 3.0, 2.0, 9.0, 9.0, 8.0, 8.0],
        }
    )
    table = typical_prices(customers)
    assert list(table["product"]) == ["C", "B", "A"]
    assert list(table["customers"]) == [4, 3, 2]
    assert list(table["price"]) == [8.0, 5.0, 2.0]


def test_typical_prices_are_empty_without_product_ids():
    customers = pd.DataFrame({"Product ID": [None, None], "Price": [1.0, 2.0]})
    assert typical_prices(customers).empty


def typical_prices(customers: pd.DataFrame) -> pd.DataFrame:
    database = duckdb.connect()
    database.register("customers", customers)
    return database.execute(pricing.typical_prices_query("customers")).df()


def test_segment_outcome_sums_probabilities_and_probability_times_price():
    prices = np.array([100.0, 200.0])
    outcome = pricing.segment_outcome(
        prices, np.array([0.5, 0.2]), np.array([0.6, 0.4]), -10, customers=2
    )
    assert outcome.purchases_now == pytest.approx(0.7)
    assert outcome.purchases_changed == pytest.approx(1.0)
    assert outcome.revenue_now == pytest.approx(0.5 * 100 + 0.2 * 200)
    assert outcome.revenue_changed == pytest.approx(0.6 * 90 + 0.4 * 180)
    assert pricing.segment_sample_note(outcome) == (
        "Predicted for all 2 customers at their own prices."
    )


def test_segment_outcome_scales_a_sample_up_to_the_segment():
    outcome = pricing.segment_outcome(
        np.array([100.0, 100.0]), np.array([0.5, 0.5]), np.array([0.25, 0.25]), 50, customers=10
    )
    assert outcome.purchases_now == pytest.approx(5.0)
    assert outcome.revenue_changed == pytest.approx(10 * 0.25 * 150)
    assert pricing.segment_sample_note(outcome) == (
        "Predicted for a random sample of 2 of 10 customers at their own prices, scaled up ×5.00."
    )


def test_segment_outcome_rows_show_signed_changes():
    outcome = pricing.SegmentOutcome(
        customers=1_000,
        predicted_rows=1_000,
        purchases_now=400.0,
        purchases_changed=300.0,
        revenue_now=1_000_000.0,
        revenue_changed=1_100_000.0,
    )
    assert pricing.segment_outcome_rows(outcome) == [
        ("Expected purchases", "400", "300", "−100 (−25.0%)"),
        ("Expected revenue", "$1,000,000", "$1,100,000", "+$100,000 (+10.0%)"),
    ]


def test_percent_change_labels_use_a_true_minus():
    assert [pricing.percent_change_label(v) for v in (-25, 0, 50, 2.5)] == [
        "−25%",
        "0%",
        "+50%",
        "+2.5%",
    ]


def test_contributions_are_a_waterfall_from_the_typical_customer_named_by_their_inputs():
    shares = pd.Series({"Age": 0.01, "Salary": 0.08, "Price": -0.12, "Gender": 0.0})
    labels = {"Salary": "Salary = 1,000,000", "Price": "Price = 2,000", "Age": "Age = 49"}
    figure = whatif_contributions(shares, baseline=0.45, labels=labels)
    bars = figure.data[0]
    assert isinstance(bars, go.Waterfall) and bars.orientation == "h"
    assert list(bars.y) == [
        "Typical customer",
        "Price = 2,000",
        "Salary = 1,000,000",
        "Age = 49",
        "Gender",  # no label given: the input's name
        "This customer",
    ]
    assert list(bars.measure) == ["absolute", *["relative"] * 4, "total"]
    assert list(bars.x) == pytest.approx([45.0, -12.0, 8.0, 1.0, 0.0, 42.0])
    assert list(bars.text) == ["45.0%", "−12.0 pts", "+8.0 pts", "+1.0 pts", "+0.0 pts", "42.0%"]
    assert bars.customdata[2] == "Salary = 1,000,000: +8.0 pts"
    assert bars.increasing.marker.color == theme.RAISES_COLOUR
    assert bars.decreasing.marker.color == theme.LOWERS_COLOUR
    assert figure.layout.yaxis.autorange == "reversed"
    # Room for every bar's end and its label.
    low, high = figure.layout.xaxis.range
    assert low <= 0 and high > 45


def test_a_lowering_bar_ending_near_zero_has_room_for_its_label_left_of_the_axis():
    # The first sample customer of an order log: lapsed, nearly every input lowers the chance.
    shares = pd.Series({"Recency": -0.228, "Orders": -0.01})
    figure = whatif_contributions(shares, baseline=0.25)
    low, high = figure.layout.xaxis.range
    assert low < -5  # room for "−22.8 pts" left of the bar that ends at 1.2 %
    ticks = list(figure.layout.xaxis.tickvals)
    assert min(ticks) >= 0 and max(ticks) <= high and len(ticks) >= 3


def test_contribution_bars_without_contributions_are_a_designed_placeholder():
    figure = whatif_contributions(pd.Series(dtype=float), baseline=0.5)
    assert figure.data == () and figure.layout.annotations[0].text == "No contributions to show"


def test_price_sensitivity_draws_the_curve_the_current_price_and_the_threshold():
    curve = pd.DataFrame({"price": [1_000.0, 2_000.0, 3_000.0], "probability": [0.8, 0.5, 0.2]})
    figure = price_sensitivity(curve, 2_000.0, 0.5, 0.5)
    line, current = figure.data
    assert isinstance(line, go.Scatter) and line.mode == "lines"
    assert list(line.x) == [1_000.0, 2_000.0, 3_000.0] and list(line.y) == [0.8, 0.5, 0.2]
    assert line.line.color == theme.PRICE_CURVE_COLOUR
    assert list(current.x) == [2_000.0] and list(current.y) == [0.5]
    assert current.marker.color == theme.CURRENT_PRICE_COLOUR
    assert current.name == "Now: $2,000 → 50.0%"
    (threshold,) = figure.layout.shapes
    assert (threshold.y0, threshold.y1) == (0.5, 0.5) and threshold.line.dash == "dash"
    assert figure.layout.annotations[0].text == "Buy threshold 50%"
    assert tuple(figure.layout.yaxis.range) == (0, 1)


def test_price_sensitivity_without_prices_is_a_designed_placeholder():
    figure = price_sensitivity(pd.DataFrame({"price": [], "probability": []}), 1, 0, 0.5)
    assert figure.data == () and figure.layout.annotations[0].text == "No prices to show"
