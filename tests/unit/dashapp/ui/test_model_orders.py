"""The model page's backtest charts, from rows shaped as analytics.steps.backtest stores them."""

import plotly.graph_objects as go

from dashapp.ui.figures.model_orders import (
    ACTUAL_COLOUR,
    PREDICTED_COLOUR,
    backtest_by_frequency,
    backtest_weekly,
)

WEEKLY = [
    {"week": "2024-10-02", "actual": 58, "predicted": 58.5},
    {"week": "2024-10-09", "actual": 51, "predicted": 56.9},
    {"week": "2024-10-16", "actual": 49, "predicted": 55.2},
]
BY_FREQUENCY = [
    {"frequency": "0", "customers": 115, "actual": 0.43, "predicted": 0.60},
    {"frequency": "1", "customers": 88, "actual": 0.52, "predicted": 0.44},
    {"frequency": "7+", "customers": 157, "actual": 2.19, "predicted": 2.35},
]


def _message(figure: go.Figure) -> str:
    return figure.layout.annotations[0].text


def test_weekly_draws_actual_and_predicted_for_every_week():
    figure = backtest_weekly(WEEKLY)
    actual, predicted = figure.data
    assert (actual.name, predicted.name) == ("Actual", "Predicted")
    assert list(actual.x) == list(predicted.x) == ["2024-10-02", "2024-10-09", "2024-10-16"]
    assert list(actual.y) == [58, 51, 49]
    assert list(predicted.y) == [58.5, 56.9, 55.2]
    assert (actual.line.color, predicted.line.color) == (ACTUAL_COLOUR, PREDICTED_COLOUR)
    # Weeks are labels, not a time axis that would invent days between them.
    assert figure.layout.xaxis.type == "category"


def test_by_frequency_groups_mean_orders_per_bucket_with_the_customers_behind_them():
    figure = backtest_by_frequency(BY_FREQUENCY)
    actual, predicted = figure.data
    assert figure.layout.barmode == "group"
    assert list(actual.x) == ["0", "1", "7+"]
    assert list(actual.y) == [0.43, 0.52, 2.19] and list(predicted.y) == [0.60, 0.44, 2.35]
    assert list(actual.customdata) == [115, 88, 157]
    assert (actual.marker.color, predicted.marker.color) == (ACTUAL_COLOUR, PREDICTED_COLOUR)


def test_without_a_backtest_both_say_so():
    for builder in (backtest_weekly, backtest_by_frequency):
        for nothing in (None, []):
            figure = builder(nothing)
            assert not figure.data
            assert _message(figure) == "No backtest in this run"
