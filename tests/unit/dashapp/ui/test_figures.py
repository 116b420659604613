import pandas as pd
import plotly.graph_objects as go

from dashapp.ui import theme
from dashapp.ui.figures.common import short_label
from dashapp.ui.figures.overview import age_distribution, correlation_heatmap, salary_by_purchase
from dashapp.ui.figures.segments import cluster_scatter, segment_distribution

SEGMENTS = pd.DataFrame(
    {"segment": [0, 1], "name": ["Younger", "Older"], "size": [30, 20], "share": [0.6, 0.4]}
)


def test_age_distribution_stacks_buyers_and_non_buyers():
    bands = pd.DataFrame(
        {"age_from": [20, 25], "age_to": [25, 30], "purchased": [3, 4], "not_purchased": [5, 1]}
    )
    figure = age_distribution(bands)
    assert figure.layout.barmode == "stack"
    assert [trace.name for trace in figure.data] == ["Purchased", "Did not purchase"]
    assert list(figure.data[0].x) == ["20–24", "25–29"]
    assert list(figure.data[0].y) == [3, 4] and list(figure.data[1].y) == [5, 1]


def test_salary_boxes_use_stored_quartiles():
    stats = pd.DataFrame(
        [
            {
                "purchased": 1,
                "count": 10,
                "mean": 60.0,
                "q1": 50.0,
                "median": 58.0,
                "q3": 70.0,
                "lower_fence": 30.0,
                "upper_fence": 90.0,
            },
            {
                "purchased": 0,
                "count": 12,
                "mean": 40.0,
                "q1": 30.0,
                "median": 41.0,
                "q3": 50.0,
                "lower_fence": 20.0,
                "upper_fence": 70.0,
            },
        ]
    )
    figure = salary_by_purchase(stats)
    assert [trace.name for trace in figure.data] == ["Did not purchase (12)", "Purchased (10)"]
    assert list(figure.data[1].median) == [58.0]
    assert figure.data[0].x[0] != figure.data[1].x[0]  # side by side, not stacked on one spot


def test_correlation_heatmap_is_symmetric_scale():
    corr = pd.DataFrame(
        [[1.0, -0.3], [-0.3, 1.0]], index=["Age", "Price"], columns=["Age", "Price"]
    )
    heatmap = correlation_heatmap(corr).data[0]
    assert isinstance(heatmap, go.Heatmap)
    assert (heatmap.zmin, heatmap.zmax) == (-1, 1)
    assert list(heatmap.x) == ["Age", "Price"]
    assert heatmap.z[0][1] == -0.3


def test_correlation_heatmap_leaves_room_for_the_toolbar():
    corr = pd.DataFrame([[1.0]], index=["Age"], columns=["Age"])
    assert correlation_heatmap(corr).layout.margin.t >= 30


def test_segment_distribution_one_colour_per_segment():
    bar = segment_distribution(SEGMENTS).data[0]
    assert list(bar.x) == [30, 20]
    assert list(bar.marker.color) == [theme.segment_colour(0), theme.segment_colour(1)]
    assert list(bar.y) == ["1. Younger", "2. Older"]


def test_cluster_scatter_is_webgl_per_segment_and_states_sampling():
    # Three customers: two in segment 0, one in segment 1.
    points = pd.DataFrame(
        [[20, 1, 1, 0, 0], [30, 2, 1, 1, 0], [60, 3, 1, 0, 1]],
        columns=["Age", "Salary", "Price", "Purchased", "segment"],
    )
    figure = cluster_scatter(points, SEGMENTS, total_customers=50)
    assert all(isinstance(trace, go.Scattergl) for trace in figure.data)
    assert [len(trace.x) for trace in figure.data] == [2, 1]
    assert figure.data[1].marker.color == theme.segment_colour(1)
    assert "random sample of 3 of 50 customers" in figure.layout.annotations[0].text
    everyone = cluster_scatter(points, SEGMENTS, total_customers=3)
    assert everyone.layout.annotations[0].text == "all 3 customers"


def test_empty_inputs_give_a_designed_placeholder():
    figure = segment_distribution(SEGMENTS.iloc[0:0])
    assert figure.data == ()
    assert figure.layout.annotations[0].text == "No segments to show"


def test_segment_colours_are_distinct():
    assert len(set(theme.SEGMENT_COLOURS)) == len(theme.SEGMENT_COLOURS) == 10  # k <= 10


def test_every_legend_lies_below_its_plot_and_the_mode_bar_has_room():
    """On a phone a legend above the plot sat under the mode bar; below, in rows, it fits."""
    bands = pd.DataFrame({"age_from": [20], "age_to": [25], "purchased": [3], "not_purchased": [5]})
    points = pd.DataFrame(
        [[20, 1, 1, 0, 0], [60, 3, 1, 0, 1]],
        columns=["Age", "Salary", "Price", "Purchased", "segment"],
    )
    for figure in (age_distribution(bands), cluster_scatter(points, SEGMENTS, 2)):
        legend = figure.layout.legend
        assert (legend.orientation, legend.yref, legend.y, legend.yanchor) == (
            "h",
            "container",
            0,
            "bottom",
        )
        assert figure.layout.margin.t >= 30


def test_short_label_cuts_a_long_tick_label_and_keeps_a_short_one():
    assert short_label("2. Older") == "2. Older"
    assert short_label("1. Younger lower earners, budget products") == "1. Younger lower ea…"
    assert short_label("3. Middle-aged high, earners", limit=20) == "3. Middle-aged high…"
