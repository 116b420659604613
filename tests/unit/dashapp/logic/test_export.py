"""The spreadsheet-safe CSV export of audiences and set-aside rows."""

import csv
import io
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashapp.logic import export
from tests.unit.dashapp.behaviour_data import SEGMENTS as BEHAVIOUR_SEGMENTS
from tests.unit.dashapp.behaviour_data import behaviour_customers
from tests.unit.dashapp.explorer_data import SEGMENTS


@pytest.mark.parametrize(
    "cell", ["=SUM(A1:A2)", "+1", "-2+3", "@cmd", "\tlead", "\rlead", '=HYPERLINK("x")']
)
def test_formula_cells_get_a_leading_quote(cell):
    assert export.neutralise(cell) == "'" + cell


@pytest.mark.parametrize("value", ["Alice", "P01", "a=b", "", "'=already", 5, -3.5, None])
def test_other_cells_are_left_alone(value):
    assert export.neutralise(value) == value


def test_neutralise_frame_covers_text_and_headers_but_not_numbers():
    frame = pd.DataFrame({"=Name": ["=1+1", "Bob"], "Balance": [-5, 3]})
    safe = export.neutralise_frame(frame)
    assert list(safe.columns) == ["'=Name", "Balance"]
    assert safe["'=Name"].tolist() == ["'=1+1", "Bob"]
    assert safe["Balance"].tolist() == [-5, 3]
    assert frame["=Name"].tolist() == ["=1+1", "Bob"]  # the input is not modified


def test_csv_is_standard_quoted_with_whole_numbers_and_blanks():
    frame = pd.DataFrame(
        {
            "Customer ID": ["@a", 'say "hi", then\nleave', "c"],
            "Age": [20.0, 30.0, 40.0],
            "Price": [1.5, np.nan, 3.0],
            "Salary": [1_000.0, np.nan, 3_000.0],
        }
    )
    text = export.to_csv(frame)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [
        ["Customer ID", "Age", "Price", "Salary"],
        ["'@a", "20", "1.5", "1000"],
        ['say "hi", then\nleave', "30", "", ""],
        ["c", "40", "3.0", "3000"],
    ]
    header, lines = export.csv_lines(frame)
    assert header + "".join(lines[[True, False, True]]) == (
        "Customer ID,Age,Price,Salary\r\n'@a,20,1.5,1000\r\nc,40,3.0,3000\r\n"
    )


def test_audience_has_segment_numbers_and_names_and_drops_absent_columns(customers):
    names = dict(zip(SEGMENTS["segment"], SEGMENTS["name"], strict=True))
    audience = export.audience_frame(customers, names)
    assert list(audience.columns) == [
        "Customer ID",
        "Gender",
        "Age",
        "Salary",
        "Product ID",
        "Price",
        "Purchased",
        "Segment",
        "Segment name",
        "Purchase probability",
    ]
    assert audience["Segment"].tolist() == [1, 1, 2, 2, 3, 2]
    assert audience["Segment name"].iloc[4] == "Rich"
    assert audience["Purchase probability"].tolist() == [0.1, 0.6235, 0.71, 0.2, 0.9877, 0.55]
    without = export.audience_frame(customers.assign(Price=np.nan, **{"Product ID": None}), names)
    assert "Price" not in without and "Product ID" not in without


def test_audience_of_a_run_without_a_model_has_empty_probabilities(customers):
    names = dict(zip(SEGMENTS["segment"], SEGMENTS["name"], strict=True))
    audience = export.audience_frame(customers.assign(purchase_probability=np.nan), names)
    rows = list(csv.reader(io.StringIO(export.to_csv(audience), newline="")))
    assert rows[0][-1] == "Purchase probability"
    assert [row[-1] for row in rows[1:]] == [""] * 6


def test_audience_csv_writes_probabilities_as_numbers(customers):
    names = dict(zip(SEGMENTS["segment"], SEGMENTS["name"], strict=True))
    text = export.to_csv(export.audience_frame(customers, names))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [row["Purchase probability"] for row in rows] == [
        "0.1",
        "0.6235",
        "0.71",
        "0.2",
        "0.9877",
        "0.55",
    ]


def test_an_order_log_audience_carries_groups_behaviour_and_predictions():
    customers = behaviour_customers()
    names = dict(zip(BEHAVIOUR_SEGMENTS["segment"], BEHAVIOUR_SEGMENTS["name"], strict=True))
    audience = export.order_audience_frame(customers, names)
    assert tuple(audience.columns) == export.ORDER_AUDIENCE_COLUMNS
    first = audience.iloc[0]
    assert (first["segment"], first["segment_name"]) == (2, "Frequent spenders")
    assert first["p_repeat"] == 0.9123 and first["expected_orders"] == 2.123
    assert first["expected_value"] == 310.46
    header, lines = export.csv_lines(audience)
    assert header.split(",")[:3] == ["customer_id", "rfm_group", "r_score"]
    # A customer id a spreadsheet would run as a formula is written with a leading quote.
    assert lines[0].startswith(
        "'=c1,Champions,5,5,5,5,2,12,900.0,2,Frequent spenders,0.9123,2.123,"
    )
    assert customers["customer_id"].iloc[0] == "=c1"  # the input is not modified


def test_the_explorer_export_carries_each_probabilitys_interval(customers):
    names = dict(zip(SEGMENTS["segment"], SEGMENTS["name"], strict=True))
    with_bounds = customers.assign(
        purchase_probability_low=customers["purchase_probability"] - 0.05,
        purchase_probability_high=[0.2, 0.7, 0.8, 0.3, 1.0, 0.6123456],
    )
    audience = export.audience_frame(with_bounds, names, with_interval=True)
    assert list(audience.columns[-3:]) == [
        "Purchase probability",
        "Probability 90 % low",
        "Probability 90 % high",
    ]
    assert audience["Probability 90 % high"].tolist() == [0.2, 0.7, 0.8, 0.3, 1.0, 0.6123]
    # The API's rows keep their columns; a run without intervals exports them empty.
    assert "Probability 90 % low" not in export.audience_frame(with_bounds, names)
    empty = export.audience_frame(customers, names, with_interval=True)
    assert empty["Probability 90 % low"].isna().all()


DAY = date(2026, 3, 5)


@pytest.mark.parametrize(
    ("described", "filename"),
    [
        ({"audience": "Young buyers"}, "audience-young-buyers-run-12-2026-03-05.csv"),
        # A saved audience's name wins over what the filters hold, for either kind of run.
        (
            {"audience": "Été 2024 — VIP!", "segments": [1], "order_log": True},
            "audience-ete-2024-vip-run-12-2026-03-05.csv",
        ),
        ({"audience": "顧客"}, "audience-saved-run-12-2026-03-05.csv"),
        ({}, "audience-all-customers-run-12-2026-03-05.csv"),
        ({"segments": [3, 1]}, "audience-segments-1-3-run-12-2026-03-05.csv"),
        ({"segments": [2], "narrowed": True}, "audience-segments-2-filtered-run-12-2026-03-05.csv"),
        ({"narrowed": True}, "audience-filtered-run-12-2026-03-05.csv"),
        ({"order_log": True, "narrowed": True}, "audience-orders-run-12-2026-03-05.csv"),
    ],
)
def test_an_audience_file_says_what_it_holds(described, filename):
    assert export.audience_filename(12, DAY, **described) == filename


def test_a_long_or_hostile_audience_name_becomes_a_short_plain_slug():
    name = "../../etc/passwd " + "x" * 100
    slug = export.slug(name)
    assert slug.startswith("etc-passwd-x") and len(slug) <= export.SLUG_LENGTH
    assert set(slug) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
    assert not slug.endswith("-")
    assert export.slug("  --  ") == ""


def test_an_audience_written_in_pieces_is_the_file_written_at_once(customers):
    names = dict(zip(SEGMENTS["segment"], SEGMENTS["name"], strict=True))
    # A piece whose prices are all whole, or all missing, is still written as the run is.
    run = customers.assign(Price=[1500.5, 2000.0, None, 3000.0, None, 99.0][: len(customers)])
    at_once = export.to_csv(export.audience_frame(run, names, with_interval=True))
    absent = [c for c in export.OPTIONAL_COLUMNS if c in run and run[c].isna().all()]
    whole = [c for c in ("Age", "Salary", "Price") if c in run and (run[c].dropna() % 1 == 0).all()]
    pieces = [run.iloc[:1], run.iloc[1:3], run.iloc[3:]]
    assert "".join(export.audience_csv(pieces, names, absent, whole)) == at_once
    header_only = "".join(export.audience_csv([run.iloc[:0]], names, absent, whole))
    assert header_only == at_once.splitlines(keepends=True)[0]
