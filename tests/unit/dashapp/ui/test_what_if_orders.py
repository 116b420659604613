"""The what-if page's order-log chart."""

import pandas as pd

from dashapp.ui.figures.what_if_orders import recency_curve

CURVE = pd.DataFrame(
    {
        "recency_days": [0, 30, 60, 90],
        "p_repeat": [0.6, 0.5, 0.3, 0.1],
        "p_alive": [1, 0.9, 0.7, 0.4],
    }
)


def test_recency_curve_draws_both_probabilities_and_marks_the_customer():
    figure = recency_curve(CURVE, 60, 90)
    propensity, alive, marker = figure.data
    assert propensity.name == "Chance of an order in 90 days"
    assert list(propensity.x) == [0, 30, 60, 90] and list(propensity.y) == [0.6, 0.5, 0.3, 0.1]
    assert list(alive.y) == [1, 0.9, 0.7, 0.4] and alive.line.dash == "dash"
    assert list(marker.x) == [60] and list(marker.y) == [0.3]
    assert marker.name == "This customer: 60 days"
    assert figure.layout.yaxis.tickformat == ".0%"


def test_an_empty_curve_says_so():
    figure = recency_curve(CURVE.iloc[:0], 10, 90)
    assert not figure.data and figure.layout.annotations[0].text == "Nothing to show"
