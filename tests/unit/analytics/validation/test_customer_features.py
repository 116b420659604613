"""A customer file needs only Customer ID and Purchased; any other column named by --features is
read as numbers or as categories and checked with the same messages (file, column, lines)."""

import pandas as pd
import pytest

from analytics.errors import InputError
from analytics.validation import customer_file
from analytics.validation.checks import numeric_features
from analytics.validation.customer_file import read_customers

HEADER = "Customer ID,Age,Purchased,tenure_months,Channel\n"


def rows(count: int, start: int = 1) -> str:
    channels = ("web", "store", "app")
    return "".join(
        f"{i},{20 + i % 40},{i % 2},{i % 60},{channels[i % 3]}\n" for i in range(start, count + 1)
    )


def write(tmp_path, text: str, name: str = "shop.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_only_customer_id_and_purchased_are_required(tmp_path):
    loaded = read_customers(write(tmp_path, "Customer ID,Purchased\n1,1\n2,0\n"))
    assert list(loaded.customers.columns) == ["Customer ID", "Purchased"]


def test_named_features_are_typed_numbers_and_categories(tmp_path):
    loaded = read_customers(
        write(tmp_path, HEADER + rows(30)), extra_features=["tenure_months", "channel"]
    )
    frame = loaded.customers
    assert list(frame.columns) == ["Customer ID", "Age", "Purchased", "tenure_months", "Channel"]
    assert frame["tenure_months"].dtype == float
    assert frame["Channel"].tolist()[:3] == ["store", "app", "web"]
    # The feature name found the column whatever its case; its name is the column's.
    assert loaded.extras == {"tenure_months": "tenure_months", "channel": "Channel"}
    # A column not named stays ignored, as before.
    assert not any("ignored" in note for note in loaded.notes)


def test_unnamed_extra_columns_are_still_ignored(tmp_path):
    loaded = read_customers(write(tmp_path, HEADER + rows(30)), extra_features=["channel"])
    assert "tenure_months" not in loaded.customers
    assert any("ignored: 'tenure_months'" in note for note in loaded.notes)


@pytest.mark.parametrize("quoted", [False, True], ids=["whole file", "row by row"])
def test_text_in_a_numeric_feature_names_file_column_and_lines(tmp_path, quoted):
    # A quote sends the file down the row-by-row reader; both must say the same.
    bad = '"5",20,0,abc,web\n' if quoted else "5,20,0,abc,web\n"
    text = HEADER + rows(4) + bad + rows(30, start=6)
    with pytest.raises(InputError) as error:
        read_customers(write(tmp_path, text, "tenure.csv"), extra_features=["tenure_months"])
    assert str(error.value) == (
        "tenure.csv: column 'tenure_months' must be a number but line 6 has 'abc'."
    )


def test_an_infinite_number_is_not_a_number(tmp_path):
    text = HEADER + rows(4) + "5,20,0,inf,web\n" + rows(30, start=6)
    with pytest.raises(InputError, match=r"'tenure_months' must be a number but line 6 has"):
        read_customers(write(tmp_path, text), extra_features=["tenure_months"])


def test_a_blank_feature_cell_sets_the_row_aside(tmp_path):
    text = HEADER + rows(4) + "5,20,0,7,\n" + rows(40, start=6)
    loaded = read_customers(write(tmp_path, text), extra_features=["channel"])
    assert [(row.line, row.reasons) for row in loaded.bad_rows] == [
        (6, ("column 'Channel' is blank",))
    ]
    assert len(loaded.customers) == 39


def test_a_feature_that_is_no_column_lists_those_that_could_be(tmp_path):
    with pytest.raises(InputError) as error:
        read_customers(write(tmp_path, HEADER + rows(30), "shop.csv"), extra_features=["tenure"])
    assert str(error.value) == (
        "shop.csv: --features names 'tenure', which is not a column of the file; the columns "
        "that could be features are 'tenure_months', 'Channel' (besides age, salary, price and "
        "gender)."
    )


def test_a_reference_or_run_column_cannot_be_a_feature(tmp_path):
    text = "Customer ID,Purchased,segment\n" + "".join(f"{i},{i % 2},1\n" for i in range(20))
    with pytest.raises(InputError, match="'segment', which is not a column of the file"):
        read_customers(write(tmp_path, text), extra_features=["segment"])


def test_a_category_feature_with_too_many_values_is_refused(tmp_path):
    text = "Customer ID,Purchased,Email\n" + "".join(
        f"{i},{i % 2},user{i}@example.com\n" for i in range(1, 61)
    )
    with pytest.raises(InputError) as error:
        read_customers(write(tmp_path, text, "emails.csv"), extra_features=["email"])
    message = str(error.value)
    assert message.startswith("emails.csv: column 'Email' was named as a feature")
    assert "60 different values" in message and "at most 50" in message


def test_a_column_is_numeric_when_nine_in_ten_cells_are_numbers():
    raw = pd.DataFrame(
        {
            "Customer ID": [str(i) for i in range(10)],
            "mostly_numbers": ["1", "2", "3", "4", "5", "6", "7", "8", "9", "x"],
            "codes": ["1", "2", "3", "4", "5", "6", "7", "8", "a", "b"],
            "fields": 3,
        }
    )
    assert numeric_features(raw) == ["mostly_numbers"]


def test_a_column_is_typed_by_its_first_rows_in_every_batch(tmp_path, monkeypatch):
    # Batches of 10 rows (lines 22-31 the third): its two text cells are wrong values, not a
    # reason to read that batch's cells as categories (8 in 10 numbers would be).
    monkeypatch.setattr(customer_file, "_BATCH_ROWS", 10)
    text = '"1",20,1,3,web\n' + rows(24, start=2) + "25,20,0,n/a?,web\n26,20,0,x,web\n"
    with pytest.raises(InputError) as error:
        read_customers(
            write(tmp_path, HEADER + text + rows(30, start=27)), extra_features=["tenure_months"]
        )
    assert "'tenure_months' must be a number but line 26 has 'n/a?', line 27 has 'x'" in str(
        error.value
    )
