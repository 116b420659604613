import pandas as pd
import pytest

from analytics.errors import InputError
from analytics.validation.order_log import read_transactions

COLUMNS = ("Customer ID", "Order Date", "Amount")
HEADER = "Order ID,Customer ID,Order Date,Amount\n"


def write(tmp_path, text: str, name: str = "orders.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read(path, **options) -> pd.DataFrame:
    return read_transactions(path, *COLUMNS, **options)


def refusal(tmp_path, text: str, **options) -> str:
    """The message a log of `text` is refused with."""
    with pytest.raises(InputError) as error:
        read(write(tmp_path, text), **options)
    return str(error.value)


def good_lines(count: int = 5) -> str:
    return "".join(f"{i},c{i},2024-01-0{i},10\n" for i in range(1, count + 1))


def test_reads_three_columns_keeping_ids_as_text(tmp_path):
    path = write(tmp_path, HEADER + "1,007,2024-01-02,19.5\n" + good_lines())
    frame = read(path)
    assert list(frame.columns) == ["customer_id", "order_date", "amount"]
    assert frame["customer_id"].iloc[0] == "007"
    assert frame["order_date"].iloc[0] == pd.Timestamp("2024-01-02")
    assert frame["amount"].iloc[0] == 19.5


def test_timestamps_and_an_explicit_date_format(tmp_path):
    stamps = "".join(f"{i},c{i},2024-01-0{i} 23:30:00 -0500,10\n" for i in range(1, 6))
    assert read(write(tmp_path, HEADER + stamps))["order_date"].dt.day.tolist() == [1, 2, 3, 4, 5]
    european = "".join(f"{i},c{i},0{i}/02/2024,10\n" for i in range(1, 6))
    frame = read(write(tmp_path, HEADER + european), date_format="%d/%m/%Y")
    assert frame["order_date"].dt.month.eq(2).all()


def test_empty_file_names_the_file_and_columns(tmp_path):
    with pytest.raises(InputError) as error:
        read(write(tmp_path, "", "empty.csv"))
    assert str(error.value).startswith("empty.csv: the file is empty")
    assert "'Customer ID', 'Order Date', 'Amount'" in str(error.value)


def test_header_only(tmp_path):
    with pytest.raises(InputError, match=r"orders.csv: the file has a header but no data rows"):
        read(write(tmp_path, HEADER))


def test_missing_columns_are_named_with_those_found(tmp_path):
    assert refusal(tmp_path, "Order ID,Customer ID,Total\n1,a,10\n") == (
        "orders.csv: missing required columns 'Order Date', 'Amount'; the columns found were "
        "'Order ID', 'Customer ID', 'Total'."
    )


def test_unparsable_dates_name_column_lines_and_values(tmp_path):
    bad = "6,c6,2024-13-01,10\n7,c7,yesterday,10\n"
    assert refusal(tmp_path, HEADER + good_lines() + bad) == (
        "orders.csv: column 'Order Date' must be a date (YYYY-MM-DD or another ISO 8601 form) "
        "but line 7 has '2024-13-01', line 8 has 'yesterday'."
    )


def test_dates_not_in_the_given_format(tmp_path):
    with pytest.raises(
        InputError, match=r"must be a date \(%d/%m/%Y\) but line 2 has '2024-01-01'"
    ):
        read(write(tmp_path, HEADER + good_lines()), date_format="%d/%m/%Y")


def test_amounts_must_be_non_negative_numbers(tmp_path):
    bad = "6,c6,2024-01-06,ten\n7,c7,2024-01-07,-5\n8,c8,2024-01-08,\n"
    message = refusal(tmp_path, HEADER + good_lines() + bad)
    assert "column 'Amount' is empty on line 9" in message
    assert "column 'Amount' must be a number but line 7 has 'ten'" in message
    assert "column 'Amount' must not be negative but line 8 has '-5'" in message


def test_numeric_amount_column_reports_negative_values(tmp_path):
    bad = "".join(f"{i},d{i},2024-01-01,-{i}.5\n" for i in range(6, 11))
    assert refusal(tmp_path, HEADER + good_lines() + bad) == (
        "orders.csv: column 'Amount' must not be negative but line 7 has -6.5, "
        "line 8 has -7.5, line 9 has -8.5 (and 2 more rows)."
    )


def test_blank_customer_and_date_are_reported_together(tmp_path):
    bad = "6,,2024-01-06,10\n7, ,2024-01-07,10\n8,c8,,10\n"
    message = refusal(tmp_path, HEADER + good_lines() + bad)
    assert "column 'Customer ID' is blank on lines 7, 8" in message
    assert "column 'Order Date' is empty on line 9" in message


def test_an_order_without_customer_date_and_amount_is_reported_not_skipped(tmp_path):
    message = refusal(tmp_path, HEADER + good_lines() + "6,,,\n")
    assert "'Customer ID' is blank on line 7" in message
    assert "'Order Date' is empty on line 7" in message
    assert "'Amount' is empty on line 7" in message


def test_blank_lines_keep_line_numbers_true(tmp_path):
    path = write(tmp_path, HEADER + good_lines(2) + "\n\n" + "3,c3,2024-02-30,10\n")
    with pytest.raises(InputError, match=r"line 6 has '2024-02-30'"):
        read(path)


def test_too_few_customers(tmp_path):
    rows = "".join(f"{i},c{i % 3},2024-01-0{i},10\n" for i in range(1, 8))
    with pytest.raises(InputError, match=r"has 3 distinct customers; .* at least 5 are needed"):
        read(write(tmp_path, HEADER + rows))


def test_non_utf8_and_missing_file(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes((HEADER + "1,Jérôme,2024-01-01,10\n").encode("latin-1"))
    with pytest.raises(InputError, match=r"latin\.csv: not UTF-8"):
        read(path)
    with pytest.raises(InputError, match="no such file"):
        read(tmp_path / "absent.csv")
