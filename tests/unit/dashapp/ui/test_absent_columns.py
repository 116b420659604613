"""A customer-file run may lack Gender, Age or Salary (only Customer ID and Purchased are
required): the charts and tables of such a run show designed empty states, never a blank or an
error."""

import pandas as pd

from dashapp.ui import theme
from dashapp.ui.components import segment_profile_table
from dashapp.ui.figures.overview import age_distribution, salary_by_purchase
from dashapp.ui.figures.segments import cluster_scatter, explorer_scatter

SEGMENTS = pd.DataFrame({"segment": [0, 1], "name": ["Younger", "Older"]})
# What a run without Salary stores for the scatter sample: the column, all missing.
POINTS = pd.DataFrame(
    {
        "Age": [20.0, 60.0, 25.0],
        "Salary": [None, None, None],
        "Price": [2_000.0, 7_000.0, 2_000.0],
        "segment": [0, 1, 0],
    }
)


def placeholder(figure) -> str:
    [annotation] = figure.layout.annotations
    assert not figure.data
    return annotation.text


def test_overview_charts_of_a_file_without_age_or_salary_say_so():
    assert placeholder(age_distribution(pd.DataFrame([]))) == (
        "No ages to show: this run's file has no Age column"
    )
    assert placeholder(salary_by_purchase(pd.DataFrame([]))) == (
        "No salaries to show: this run's file has no Salary column"
    )


def test_the_scatter_names_the_column_the_file_lacks():
    assert placeholder(cluster_scatter(POINTS, SEGMENTS, 3)) == (
        "Nothing to plot: this run's file has no Salary column"
    )
    # The columns the run has still plot.
    assert len(cluster_scatter(POINTS, SEGMENTS, 3, x="Age", y="Price").data) == 2


def test_the_explorer_scatter_with_a_selection_on_an_absent_column_is_the_empty_state():
    selection = {"kind": "box", "x": "Age", "y": "Salary", "xs": [0, 1], "ys": [0, 1]}
    points = POINTS.assign(selected=[True, False, True])
    figure = explorer_scatter(points, SEGMENTS, 3, "Age", "Salary", selection)
    assert placeholder(figure).startswith("Nothing to plot")


def test_segment_profiles_without_gender_age_or_salary_show_dashes():
    profiles = pd.DataFrame(
        {
            "segment": [0],
            "customers": [10],
            "share": [1.0],
            "price_mean": [2_000.0],
            "purchase_rate": [0.5],
            "revenue": [10_000.0],
            "top_gender": [None],
            "top_gender_share": [float("nan")],
        }
    )
    table = segment_profile_table(profiles, SEGMENTS, [0])
    cells = [cell.children for cell in table.children[1].children[0].children[1:]]
    age, salary, gender = cells[2], cells[3], cells[-1]
    assert (age, salary, gender) == (theme.MISSING, theme.MISSING, theme.MISSING)
    assert cells[4] == "$2,000"
