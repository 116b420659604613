"""The Customers page's figures, built from aggregates computed by the step that stores them
(analytics.steps.order_summaries), so that the figures and the stored shapes cannot drift."""

import pandas as pd
import plotly.graph_objects as go
import pytest

from analytics.steps import order_summaries
from analytics.steps.rfm import GROUPS
from dashapp.ui import theme
from dashapp.ui.figures.customers import (
    rfm_grid_heatmap,
    rfm_group_bars,
    rfm_moves_heatmap,
    segment_value_bars,
)


@pytest.fixture
def scored() -> pd.DataFrame:
    """Seven customers of an order-log run as order_summaries reads them."""
    return pd.DataFrame(
        {
            "r_score": [5, 5, 5, 1, 1, 3, 4],
            "fm_score": [4, 4, 5, 1, 2, 3, 1],
            "rfm_group": [
                "Champions",
                "Champions",
                "Champions",
                "Lost",
                "Lost",
                "Need Attention",
                "Promising",
            ],
            "monetary": [100.0, 300.0, 600.0, 10.0, 20.0, 50.0, 20.0],
            "segment": [0, 0, 0, 1, 1, 1, 0],
            "expected_value": [50.0, 60.0, 90.0, 1.0, 2.0, 10.0, 7.0],
            "p_alive": [0.9, 0.8, 0.95, 0.1, 0.2, 0.5, 0.7],
            "p_repeat": [0.7, 0.6, 0.9, 0.05, 0.1, 0.3, 0.4],
        },
        index=pd.Index([f"c{i}" for i in range(7)], name="customer_id"),
    )


def test_the_grid_draws_exactly_the_stored_counts_with_revenue_and_share_on_hover(scored):
    grid = order_summaries.rfm_grid(scored)
    figure = rfm_grid_heatmap(grid)
    [heatmap] = figure.data
    assert isinstance(heatmap, go.Heatmap)
    assert [list(row) for row in heatmap.z] == grid["customers"]
    assert sum(map(sum, heatmap.z)) == len(scored)
    assert list(heatmap.x) == [1, 2, 3, 4, 5] and list(heatmap.y) == [1, 2, 3, 4, 5]
    # Cell R5 × FM4: two customers, $400, 2/7 of all.
    assert heatmap.z[4][3] == 2
    assert heatmap.customdata[4][3] == [400.0, pytest.approx(2 / 7)]
    assert sum(share for row in heatmap.customdata for _, share in row) == pytest.approx(1)
    assert "customers" in heatmap.hovertemplate and "Revenue" in heatmap.hovertemplate
    assert heatmap.colorscale == go.Heatmap(colorscale=theme.COUNT_SCALE).colorscale
    assert figure.layout.xaxis.title.text.startswith("FM")
    assert figure.layout.yaxis.title.text.startswith("R")


def test_a_grid_without_customers_is_a_placeholder_not_a_heatmap():
    empty = {"r_scores": [1, 2, 3, 4, 5], "fm_scores": [1, 2, 3, 4, 5]}
    figure = rfm_grid_heatmap({**empty, "customers": [[0] * 5] * 5, "revenue": [[0.0] * 5] * 5})
    assert figure.data == () and figure.layout.annotations[0].text.startswith("No customers")


def test_group_bars_compare_shares_of_customers_and_revenue_in_each_group_colour(scored):
    groups = order_summaries.rfm_groups(scored)
    figure = rfm_group_bars(groups, {"Champions": "R 5 · FM 4–5"})
    customers, revenue = figure.data
    assert list(customers.y) == list(revenue.y) == list(GROUPS)
    assert list(customers.x) == pytest.approx([g["share"] for g in groups])
    champions = GROUPS.index("Champions")
    assert customers.x[champions] == pytest.approx(3 / 7)
    assert revenue.x[champions] == pytest.approx(1000 / 1100)
    assert sum(revenue.x) == pytest.approx(1)
    assert list(customers.marker.color) == [theme.RFM_GROUP_COLOURS[g] for g in GROUPS]
    # Revenue differs from customers by its hatching, not only by colour.
    assert revenue.marker.pattern.shape == "/" and not customers.marker.pattern.shape
    assert customers.customdata[champions][1] == "R 5 · FM 4–5"
    assert customers.text[champions] == "3 · 43%"


def test_group_bars_without_groups_are_a_placeholder():
    assert rfm_group_bars([]).data == ()


def test_moves_put_the_previous_group_down_the_rows_and_the_group_now_across(scored):
    previous = pd.DataFrame(
        {
            "customer_id": ["c0", "c1", "c3", "gone"],
            "rfm_group": ["Lost", "Champions", "Champions", "Lost"],
        }
    )
    moves = order_summaries.rfm_moves(scored, previous, 1)["moves"]
    figure = rfm_moves_heatmap(moves, list(GROUPS))
    [heatmap] = figure.data
    lost, champions = GROUPS.index("Lost"), GROUPS.index("Champions")
    assert heatmap.z[lost][champions] == 1  # c0: Lost then, Champions now
    assert heatmap.z[champions][champions] == 1  # c1 stayed
    assert heatmap.z[champions][lost] == 1  # c3 fell
    assert sum(n for row in heatmap.z for n in row if n) == 3  # "gone" is not in this run
    assert heatmap.z[0][1] is None and heatmap.hoverongaps is False
    assert heatmap.customdata[champions][champions] == pytest.approx(0.5)
    assert figure.layout.yaxis.autorange == "reversed"


def test_moves_without_a_customer_in_both_runs_are_a_placeholder():
    assert rfm_moves_heatmap([], list(GROUPS)).data == ()


def test_segment_value_bars_show_expected_value_in_each_segment_colour(scored):
    rows = order_summaries.value_by_segment(scored, {0: "Frequent", 1: "Lapsing"})
    [bars] = segment_value_bars(rows).data
    assert list(bars.x) == pytest.approx([207.0, 13.0])
    assert list(bars.y) == [theme.segment_label(0, "Frequent"), theme.segment_label(1, "Lapsing")]
    assert list(bars.marker.color) == [theme.segment_colour(0), theme.segment_colour(1)]
    assert bars.customdata[0][0] == 4


def test_segment_value_bars_without_segments_are_a_placeholder():
    assert segment_value_bars([]).data == ()


def test_every_rfm_group_has_its_own_colour():
    assert list(theme.RFM_GROUP_COLOURS) == list(GROUPS)
    assert len(set(theme.RFM_GROUP_COLOURS.values())) == len(GROUPS)
