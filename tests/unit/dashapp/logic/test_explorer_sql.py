"""The explorer's SQL (dashapp.logic.explorer_sql) matches what explorer.masks selects, customer for
customer, on seeded random customers and filters; DuckDB runs it over the frame in memory."""

import duckdb
import numpy as np
import pandas as pd
import pytest

from analytics.config import RANDOM_STATE
from dashapp.logic import explorer, explorer_link, explorer_sql

SEGMENTS = pd.DataFrame({"segment": [0, 1, 2, 3], "name": ["A", "B", "C", "D"]})
ROWS = 3_000


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    age = rng.integers(18, 70, ROWS).astype(float)
    age[rng.random(ROWS) < 0.05] = np.nan
    price = rng.choice([900.0, 2500.0, 4100.0, 7000.0], ROWS)
    price[rng.random(ROWS) < 0.1] = np.nan
    genders = rng.choice(["Female", "Male", "Other", "O'Neil"], ROWS, p=[0.45, 0.45, 0.05, 0.05])
    probability = np.round(rng.random(ROWS), 2)  # ties on purpose
    probability[rng.random(ROWS) < 0.2] = np.nan  # a top N can reach the customers without one
    return pd.DataFrame(
        {
            "Customer ID": [f"c{i}" for i in range(ROWS)],
            "Gender": np.where(rng.random(ROWS) < 0.03, None, genders),
            "Age": age,
            "Salary": rng.integers(15, 150, ROWS) * 1000.0,
            "Product ID": rng.choice(["P1", "P2"], ROWS),
            "Price": price,
            "Purchased": rng.integers(0, 2, ROWS),
            "segment": rng.integers(0, 4, ROWS),
            "purchase_probability": probability,
            "row_number": np.arange(ROWS),
            "sample_rank": np.random.default_rng(RANDOM_STATE).permutation(ROWS),
        }
    )


@pytest.fixture(scope="module")
def choices(customers) -> explorer.Choices:
    return explorer.choices_for(customers, SEGMENTS["segment"].tolist())


@pytest.fixture(scope="module")
def database(customers):
    connection = duckdb.connect()
    connection.register("customers", customers)
    return connection


def random_filters(rng: np.random.Generator, choices: explorer.Choices) -> explorer.Filters:
    default = explorer.default_filters(choices)
    ranges = dict(default.ranges)
    for column, slider in choices.sliders.items():
        if rng.random() < 0.5:
            low, high = sorted(rng.uniform(slider.low, slider.high, 2))
            ranges[column] = (float(low), float(high))
    selection = None
    if rng.random() < 0.4:
        xs = sorted(rng.uniform(18, 70, 2))
        ys = sorted(rng.uniform(15_000, 150_000, 2))
        selection = {"kind": "box", "x": "Age", "y": "Salary", "xs": xs, "ys": ys}
    elif rng.random() < 0.5:
        angles = np.sort(rng.uniform(0, 2 * np.pi, 7))
        selection = {
            "kind": "lasso",
            "x": "Age",
            "y": "Salary",
            "xs": (44 + 20 * np.cos(angles)).tolist(),
            "ys": (80_000 + 50_000 * np.sin(angles)).tolist(),
        }
    return explorer.Filters(
        genders=tuple(g for g in choices.genders if rng.random() < 0.8),
        ranges=ranges,
        segments=tuple(s for s in choices.segments if rng.random() < 0.7),
        purchased=str(rng.choice(["all", "buyers", "non-buyers"])),
        selection=selection,
        min_probability=float(rng.choice([0.0, 0.3, 0.55])),
        top_n=[None, 1, 40, 900, 2_800][int(rng.integers(0, 5))],
    )


def matching(database, where, source: str = "customers", **options) -> str:
    """explorer_sql.matching with its top N found first, as dashapp.data.customer_reads does."""
    cut = None
    top = explorer_sql.top_cut(where, source, segments=options.get("segments", True))
    if top is not None:
        found = database.execute(top).fetchall()
        cut = found[0] if found else None
    return explorer_sql.matching(where, source, cut=cut, **options)


def rows(database, query: str) -> list[int]:
    return database.execute(query.replace("{customers}", "customers")).df()["row_number"].tolist()


def test_matching_rows_are_those_of_the_masks(customers, choices, database):
    rng = np.random.default_rng(11)
    for _ in range(60):
        filters = random_filters(rng, choices)
        masks = explorer.masks(customers, filters, choices)
        where = explorer_sql.conditions(filters, choices)
        assert rows(database, matching(database, where)) == list(np.flatnonzero(masks.matching)), (
            filters
        )
        any_segment = matching(database, where, segments=False)
        assert rows(database, any_segment) == list(np.flatnonzero(masks.any_segment)), filters
        shown = matching(database, where, selection=False)
        assert rows(database, shown) == list(np.flatnonzero(masks.shown)), filters


def test_profiles_and_counts_are_those_of_pandas(customers, choices, database):
    rng = np.random.default_rng(12)
    for _ in range(40):
        filters = random_filters(rng, choices)
        masks = explorer.masks(customers, filters, choices)
        where = explorer_sql.conditions(filters, choices)
        cuts = []
        for segments in (False, True):
            top = explorer_sql.top_cut(where, "customers", segments=segments)
            found = [] if top is None else database.execute(top).fetchall()
            cuts.append(found[0] if found else None)
        sums = database.execute(explorer_sql.summary_sums(where, "customers", *cuts)).df()
        expected = explorer.segment_profiles(customers.loc[masks.matching])
        pd.testing.assert_frame_equal(
            explorer_sql.profiles(sums), expected, check_dtype=False, check_exact=False
        )
        pd.testing.assert_frame_equal(
            explorer_sql.segment_counts(sums[["segment", "size"]], SEGMENTS),
            explorer.segment_counts(customers, SEGMENTS, masks.any_segment),
        )


def test_the_scatter_sample_is_the_one_of_the_masks(customers, choices, database):
    filters = explorer.default_filters(choices)
    where = explorer_sql.conditions(filters, choices)
    shown = matching(database, where, selection=False)
    sample = database.execute(
        f"SELECT row_number FROM ({shown}) ORDER BY sample_rank LIMIT 500"
    ).df()
    positions = explorer.sample_positions(explorer.masks(customers, filters, choices).shown, 500)
    assert sorted(sample["row_number"]) == positions.tolist()


def test_client_values_are_literals_never_sql(customers, choices, database):
    filters = explorer.Filters(
        genders=("O'Neil", "x') OR TRUE OR ('"),
        ranges={},
        segments=choices.segments,
    )
    query = matching(database, explorer_sql.conditions(filters, choices))
    assert rows(database, query) == customers.index[customers["Gender"] == "O'Neil"].tolist()
    with pytest.raises(ValueError):
        explorer_sql.number(float("nan"))
    unknown_axis = {"kind": "box", "x": "Age; DROP", "y": "Salary", "xs": [0, 1], "ys": [0, 1]}
    assert explorer_sql.selection_condition(unknown_axis, choices) == "FALSE"


def test_top_n_keeps_the_likeliest_among_the_matching_ties_to_the_earlier(customers, choices):
    filters = explorer.Filters(genders=("Female",), ranges={}, segments=choices.segments, top_n=25)
    matching = explorer.masks(customers, filters, choices).matching
    female = customers[customers["Gender"] == "Female"]
    expected = female.sort_values("purchase_probability", ascending=False, kind="stable")[:25]
    assert np.flatnonzero(matching).tolist() == sorted(expected.index)


def test_top_n_round_trips_through_the_link_and_bad_values_are_ignored(choices):
    filters = explorer.Filters(
        genders=choices.genders, ranges={}, segments=choices.segments, top_n=250
    )
    view = explorer.default_view(choices)
    query = explorer_link.query_string(filters, view, choices)
    assert query == "?top=250"
    read, _view, ignored = explorer_link.read_query({"top": "250"}, choices)
    assert read.top_n == 250 and ignored == []
    for bad in ("0", "-3", "2.5", "many"):
        read, _view, ignored = explorer_link.read_query({"top": bad}, choices)
        assert read.top_n is None and ignored == [f"top={bad}"]
    assert explorer.top_n_value(None) is None and explorer.top_n_value(7.0) == 7


def test_a_top_n_reaching_customers_without_a_probability_takes_them_in_file_order(
    customers, choices, database
):
    without = int(customers["purchase_probability"].isna().sum())
    top_n = ROWS - without // 2
    filters = explorer.Filters(
        genders=choices.genders, ranges={}, segments=choices.segments, top_n=top_n
    )
    where = explorer_sql.conditions(filters, choices)
    assert database.execute(explorer_sql.top_cut(where, "customers")).fetchone()[0] is None
    expected = explorer.masks(customers, filters, choices).matching
    assert rows(database, matching(database, where)) == list(np.flatnonzero(expected))
    assert expected.sum() == top_n
