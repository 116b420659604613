import contextlib
import sys

import numpy as np
import pandas as pd
import pytest

from analytics.errors import InputError
from analytics.validation import checks, customer_file
from analytics.validation.columns import parse_column_mapping
from analytics.validation.customer_file import read_customers

HEADER = "Customer ID,Gender,Age,Salary,Product ID,Price,Purchased\n"
GOOD_ROW = "1,Female,30,50000,P01,2000,1\n"


def write(tmp_path, text: str, name: str = "customers.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_typed_columns(tmp_path):
    frame = read_customers(
        write(tmp_path, HEADER + GOOD_ROW + "2,Male,41,72000,P02,3500,0\n")
    ).customers
    assert frame.shape == (2, 7)
    assert frame["Age"].tolist() == [30.0, 41.0]
    assert frame["Purchased"].tolist() == [1, 0]
    assert frame["Customer ID"].tolist() == ["1", "2"]


def test_product_id_and_price_are_optional(tmp_path):
    frame = read_customers(
        write(tmp_path, "Customer ID,Gender,Age,Salary,Purchased\n1,Female,30,50000,1\n")
    ).customers
    assert list(frame.columns) == ["Customer ID", "Gender", "Age", "Salary", "Purchased"]


def test_empty_file_names_the_file(tmp_path):
    with pytest.raises(InputError, match=r"empty.csv: the file is empty"):
        read_customers(write(tmp_path, "", "empty.csv"))


def test_header_only(tmp_path):
    with pytest.raises(InputError, match="header but no data rows"):
        read_customers(write(tmp_path, HEADER))


def test_missing_column_is_named(tmp_path):
    text = "Customer ID,Gender,Age,Salary,Product ID\n1,Female,30,50000,P01\n"
    with pytest.raises(InputError, match=r"missing required column 'Purchased'"):
        read_customers(write(tmp_path, text))


def test_gender_age_and_salary_are_optional(tmp_path):
    frame = read_customers(write(tmp_path, "Customer ID,Price,Purchased\n1,2000,1\n")).customers
    assert list(frame.columns) == ["Customer ID", "Price", "Purchased"]


def test_text_in_age_names_column_line_and_value(tmp_path):
    path = write(tmp_path, HEADER + GOOD_ROW + "2,Male,abc,72000,P02,3500,0\n")
    with pytest.raises(InputError) as error:
        read_customers(path)
    assert "column 'Age' must be a number" in str(error.value)
    assert "line 3 has 'abc'" in str(error.value)


def test_purchased_must_be_binary(tmp_path):
    with pytest.raises(InputError, match=r"'Purchased' must be 0 or 1 but line 2 has 7"):
        read_customers(write(tmp_path, HEADER + "1,Female,30,50000,P01,2000,7\n"))


def test_absurd_age_is_rejected(tmp_path):
    with pytest.raises(InputError, match=r"'Age' must be between 0 and 120 but line 2 has 250"):
        read_customers(write(tmp_path, HEADER + "1,Female,250,50000,P01,2000,1\n"))


def test_missing_values_are_reported_with_lines(tmp_path):
    path = write(tmp_path, HEADER + GOOD_ROW + "2,Male,,72000,P02,3500,0\n")
    with pytest.raises(InputError, match=r"column 'Age' is empty on line 3"):
        read_customers(path)


def test_several_problems_in_one_message(tmp_path):
    path = write(tmp_path, HEADER + "1,,x,50000,P01,2000,3\n")
    with pytest.raises(InputError) as error:
        read_customers(path)
    message = str(error.value)
    assert "'Gender' is blank on line 2" in message
    assert "'Age' must be a number" in message
    assert "'Purchased' must be 0 or 1" in message


def test_blank_lines_keep_line_numbers_true(tmp_path):
    path = write(tmp_path, HEADER + GOOD_ROW + "\n" + "3,Male,41,oops,P02,3500,0\n")
    with pytest.raises(InputError, match=r"line 4 has 'oops'"):
        read_customers(path)


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(("\ufeff" + HEADER + GOOD_ROW).encode("utf-8"))
    assert read_customers(path).customers.columns[0] == "Customer ID"


def test_non_utf8_is_read_as_latin1_with_a_note(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes((HEADER + "1,Fémale,30,50000,P01,2000,1\n").encode("latin-1"))
    read = read_customers(path)
    assert read.customers["Gender"].tolist() == ["Fémale"]
    assert "not UTF-8" in read.notes[0]


def test_reference_schema_round_trip(sample_csv):
    frame = read_customers(sample_csv).customers
    raw = pd.read_csv(sample_csv)
    assert len(frame) == len(raw)
    assert frame["Salary"].sum() == raw["Salary"].sum()


def test_column_mapping_renames_the_files_columns(tmp_path):
    path = write(tmp_path, "User ID,Gender,Age,EstimatedSalary,Bought\n7,Male,30,50000,1\n")
    frame = read_customers(
        path, {"customer_id": "User ID", "salary": "EstimatedSalary", "purchased": "Bought"}
    ).customers
    assert list(frame.columns) == ["Customer ID", "Gender", "Age", "Salary", "Purchased"]
    assert frame.loc[0, "Salary"] == 50_000 and frame.loc[0, "Customer ID"] == "7"


def test_mapping_to_an_absent_column_is_named(tmp_path):
    with pytest.raises(InputError, match=r"salary='Wage'"):
        read_customers(write(tmp_path, HEADER + GOOD_ROW), {"salary": "Wage"})


def test_missing_column_message_suggests_mapping(tmp_path):
    path = write(tmp_path, "User ID,Gender,Age,Salary,Purchased\n1,Male,30,5,1\n")
    with pytest.raises(InputError, match=r"missing required column 'Customer ID'.*--columns"):
        read_customers(path)


def test_parse_column_mapping():
    assert parse_column_mapping('customer_id="User ID",salary=EstimatedSalary') == {
        "customer_id": "User ID",
        "salary": "EstimatedSalary",
    }
    with pytest.raises(ValueError, match="unknown name 'wage'"):
        parse_column_mapping("wage=Salary")
    with pytest.raises(ValueError, match="expected name=column"):
        parse_column_mapping("salary")


def test_one_wrong_value_rejects_even_a_large_file(tmp_path):
    good = "".join(f"{i},Female,30,50000,P01,2000,{i % 2}\n" for i in range(1, 41))
    path = write(tmp_path, HEADER + good + "41,Male,41,72000,P02,3500,7\n")
    with pytest.raises(InputError) as error:
        read_customers(path)
    assert str(error.value) == (
        "customers.csv: column 'Purchased' must be 0 or 1 but line 42 has 7."
    )


def test_one_blank_row_in_forty_is_set_aside(tmp_path):
    good = "".join(f"{i},Female,30,50000,P01,2000,{i % 2}\n" for i in range(1, 41))
    loaded = read_customers(write(tmp_path, HEADER + good + "41,Male,,72000,P02,3500,0\n"))
    assert len(loaded.customers) == 40
    assert [row.line for row in loaded.bad_rows] == [42]


def outcome(path):
    """What reading `path` gives: ("ok", frame, notes, bad rows) or ("error", message)."""
    try:
        read = read_customers(path)
    except InputError as error:
        return ("error", str(error))
    return ("ok", read.customers, read.notes, read.bad_rows)


PLAIN_FILES = {
    "clean": HEADER + GOOD_ROW + "2,Male,41,72000,P02,3500,0\n3, male ,52,81000,P03,7000,yes",
    "crlf": (HEADER + GOOD_ROW + "2,Male,41,72000,,3500,no\n").replace("\n", "\r\n"),
    "wrong values": HEADER + GOOD_ROW + "2,Male,abc,72000,P02,3500,0\n3,Male,41,-5,P01,1,2\n",
    "gaps": HEADER
    + "".join(f"{i},Male,{20 + i},5000{i},P01,2000,1\n" for i in range(1, 40))
    + "40,,33,50000,P01,2000,0\n",
    "duplicates": HEADER + GOOD_ROW + GOOD_ROW + "1,Male,30,50000,P01,2000,1\n",
    "all-blank record": HEADER + GOOD_ROW + ",,,,,,\n" + "2,Male,41,72000,P02,3500,0\n",
    "semicolons": HEADER.replace(",", ";") + "1;Female;30,5;50000;P01;2000,5;1\n",
    "numbers spelled many ways": HEADER
    + "1,Female, 30 ,5e4,P01,+2000.,1.0\n2,Male,41.5,72000.25,P02,.5e3, 0\n",
    "a number only Python reads": HEADER + GOOD_ROW + "2,Male,4_1,72000,P02,3500,0\n",
    "an infinite salary": HEADER + GOOD_ROW + "2,Male,41,inf,P02,3500,0\n",
    "a blank first field beside numbers": HEADER
    + "".join(f"{i},Male,{20 + i},5000{i},P01,2000,1\n" for i in range(1, 40))
    + "  ,Male,33,50000,P01,2000,0\n",
    "a missing-value marker among numbers": HEADER
    + "".join(f"{i},Male,{20 + i},5000{i},P01,2000,1\n" for i in range(1, 40))
    + "40,Male,33,NaN,P01,2000,0\n",
}


@pytest.mark.parametrize("name", PLAIN_FILES)
def test_the_whole_file_fast_path_reads_exactly_as_the_row_by_row_path(tmp_path, monkeypatch, name):
    path = write(tmp_path, PLAIN_FILES[name])
    fast = outcome(path)
    monkeypatch.setattr(customer_file, "_whole_file_frame", lambda *args: None)
    slow = outcome(path)
    assert fast[0] == slow[0]
    if fast[0] == "ok":
        pd.testing.assert_frame_equal(fast[1], slow[1])
    assert fast[2:] == slow[2:]


def test_the_c_reader_types_numbers_exactly_as_float_reads_their_text(tmp_path, monkeypatch):
    # The whole-file path lets pandas' C reader type the number columns; it must give every
    # spelling float() accepts the same value, and fall back to text for any it does not read.
    rng = np.random.default_rng(5)
    spellings = [
        f"{sign}{whole}{point}{fraction}{exponent}"
        for sign, whole, point, fraction, exponent in zip(
            rng.choice(["", "+", " ", "  "], 2_000),
            rng.integers(0, 120, 2_000),
            rng.choice(["", "."], 2_000),
            rng.choice(["", "0", "5", "25", "3333333333333333333"], 2_000),
            rng.choice(["", "e0", "E1", "e-1"], 2_000),
            strict=True,
        )
    ]
    ages = [cell if float(cell) <= 120 else "30" for cell in spellings]
    rows = "".join(f"{i},Male,{age},50000,P01,{age},1\n" for i, age in enumerate(ages, 1))
    path = write(tmp_path, HEADER + rows)
    typed = []
    original = customer_file._whole_file_frame
    monkeypatch.setattr(
        customer_file, "_whole_file_frame", lambda *args: typed.append(original(*args)) or typed[-1]
    )
    fast = read_customers(path).customers
    assert typed[0]["Age"].dtype == np.float64, "the C reader did not type the numbers"
    assert fast["Age"].tolist() == [float(age) for age in ages]
    monkeypatch.setattr(customer_file, "_whole_file_frame", lambda *args: None)
    pd.testing.assert_frame_equal(fast, read_customers(path).customers)


def test_only_plain_files_take_the_whole_file_path(tmp_path, monkeypatch):
    taken = []
    original = customer_file._whole_file_frame
    monkeypatch.setattr(
        customer_file, "_whole_file_frame", lambda *args: taken.append(original(*args) is not None)
    )
    for text in (
        HEADER + GOOD_ROW,
        HEADER + '"1",Female,30,50000,P01,2000,1\n',
        HEADER + "\n" + GOOD_ROW,
        HEADER + "1,Female,30,50000,P01,2000\n",
    ):
        with contextlib.suppress(InputError, TypeError):
            read_customers(write(tmp_path, text))
    assert taken == [True, False, False, False]


def test_missing_markers_are_found_in_any_case_without_upper_casing_every_cell():
    from analytics.validation.schema import MISSING_MARKERS, MISSING_SPELLINGS

    assert list(checks._missing(pd.Series(["", "n/A", "nULl", "nan ", "none", "NAx"]))) == [
        True,
        True,
        True,
        False,  # _missing sees stripped cells; "nan " is stripped before it gets here
        True,
        False,
    ]
    # The lookup holds every spelling only if no character outside ASCII upper-cases into the
    # markers' characters.
    marker_characters = set("".join(MISSING_MARKERS))
    assert not [
        chr(code)
        for code in range(128, sys.maxunicode + 1)
        if set(chr(code).upper()) <= marker_characters
    ]
    assert {"na", "n/a", "#n/a", "Null", "nOnE", "NaN"} <= MISSING_SPELLINGS
    assert {spelling.upper() for spelling in MISSING_SPELLINGS} == MISSING_MARKERS
