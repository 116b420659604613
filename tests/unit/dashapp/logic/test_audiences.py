"""Saved audiences' pure parts: the link that reopens one, what an export of its filters holds,
and its size run by run."""

import pytest

from dashapp.logic import audiences, explorer, explorer_link
from tests.unit.dashapp.pages.test_segments import filters_for


@pytest.fixture
def choices(customers) -> explorer.Choices:
    return explorer.choices_for(customers, [0, 1, 2])


def test_the_open_link_is_the_explorer_with_the_filters_and_the_audience():
    assert audiences.open_link("/segments", "gender=Female&segment=1,3", 7) == (
        "/segments?gender=Female&segment=1,3&audience=7"
    )
    assert audiences.open_link("/segments", "", 7) == "/segments?audience=7"
    # An order-log audience opens on the run named, as the explorer opens order-log runs.
    assert audiences.open_link("/segments", "rfm=Champions", 7, run_id=12) == (
        "/segments?run=12&rfm=Champions&audience=7"
    )


def test_the_open_link_gives_back_the_saved_filters(choices):
    filters = filters_for(choices, genders=("Female",), segments=(0, 2), purchased="buyers")
    query = explorer_link.query_string(filters, explorer.default_view(choices), choices)
    link = audiences.open_link("/segments", query.removeprefix("?"), 3)
    parsed, _view, ignored = explorer_link.read_query(
        explorer_link.parameters(link.partition("?")[2]), choices
    )
    assert (parsed, ignored) == (filters, [])


@pytest.mark.parametrize(
    ("query", "described"),
    [
        ("", ([], False)),
        ("segment=1,3", ([1, 3], False)),
        ("segment=2&age=20-30", ([2], True)),
        ("gender=Female", ([], True)),
        ("sel=box,Age,Salary,20,30,1,2", ([], True)),
    ],
)
def test_an_export_is_described_by_its_segments_and_whether_other_filters_narrow(query, described):
    assert audiences.export_description(query) == described


def test_the_size_trail_reads_run_by_run_and_says_where_the_filters_do_not_fit():
    assert audiences.size_trail([3, 5], [1204, 1310]) == "run 3: 1,204 → run 5: 1,310"
    assert audiences.size_trail([3, 5], [1204, None]) == "run 3: 1,204 → run 5: n/a"
    assert audiences.size_trail([], []) == "No published run yet"


def test_parameters_are_read_as_dash_pages_reads_them():
    assert explorer_link.parameters("?gender=&segment=1,2&x=Age&x=Price") == {
        "gender": "",
        "segment": "1,2",
        "x": ["Age", "Price"],
    }
    assert explorer_link.parameters("") == {}
