"""Reading order logs: the export layouts recognised without flags, --columns, cancellations
and returns, attributes, and the messages for bad input (file, column, lines)."""

import pandas as pd
import pytest

from analytics.errors import InputError
from analytics.validation.order_file import read_order_log
from analytics.validation.order_layouts import parse_order_columns, resolve_columns


def write(tmp_path, text: str, name="log.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def many(row: str, customers: int = 10) -> str:
    """`row` formatted for customers 1..n ({i})."""
    return "".join(row.format(i=i) + "\n" for i in range(1, customers + 1))


@pytest.mark.parametrize(
    ("header", "layout"),
    [
        ("Order ID,Customer ID,Order Date,Amount", "analytics sample order log"),
        (
            "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
            "UCI Online Retail",
        ),
        (
            "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country",
            "UCI Online Retail II",
        ),
        (
            "Name,Email,Financial Status,Paid at,Created at,Total,Lineitem quantity,Lineitem sku",
            "Shopify orders export",
        ),
        (
            "Date,Order #,N. Revenue (formatted),Status,Customer,Customer type,Product(s),"
            "Items sold,Coupon(s),N. Revenue",
            "WooCommerce orders export",
        ),
        ("order_id,order_date,status,order_total,customer_id", "WooCommerce order-export plugin"),
        (
            "Customer ID,Age,Gender,SKU,Order Status,Total Price,Unit Price,Quantity,Purchase Date",
            "electronics-shop export",
        ),
    ],
)
def test_known_headers_are_recognised(header, layout):
    assert resolve_columns(header.split(","), None, "x.csv").layout.name == layout


def test_an_unknown_header_needs_columns_and_says_which(tmp_path):
    with pytest.raises(InputError, match=r"log\.csv: no column for customer_id, order_date"):
        resolve_columns(["who", "when", "amount"], None, "log.csv")
    mapped = resolve_columns(
        ["who", "when", "amount"], {"customer_id": "who", "order_date": "when"}, "log.csv"
    )
    assert mapped.fields == {"customer_id": "who", "order_date": "when", "amount": "amount"}


def test_column_mapping_names_are_checked():
    assert parse_order_columns('customer_id="Customer ID",order_date=Date') == {
        "customer_id": "Customer ID",
        "order_date": "Date",
    }
    with pytest.raises(ValueError, match="unknown name 'salary'"):
        parse_order_columns("salary=Wage")


def test_uci_lines_become_orders_with_cancellations_and_float_ids(tmp_path):
    rows = many("5363{i:02d},85123A,HEART,6,12/1/2010 8:26,2.55,178{i:02d}.0,United Kingdom")
    rows += "C536379,D,Discount,-1,12/1/2010 9:41,27.5,17801.0,United Kingdom\n"
    rows += "536380,22,MUG,2,12/2/2010 10:00,1.5,,United Kingdom\n"
    header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
    log = read_order_log(write(tmp_path, header + rows))
    lines = log.lines
    assert log.layout == "UCI Online Retail"
    assert "17801" in set(lines["customer_id"])
    cancel = lines[lines["order_id"] == "C536379"].iloc[0]
    assert cancel["cancelled"] and cancel["amount"] == -27.5
    assert lines.iloc[0]["amount"] == pytest.approx(6 * 2.55)
    assert lines.iloc[0]["order_date"] == pd.Timestamp("2010-12-01 08:26")
    assert any("1 rows without a customer id were left out" in n for n in log.notes)
    assert list(log.attributes.columns) == ["Country"]


def test_status_words_mark_cancelled_orders(tmp_path):
    header = "Customer ID,SKU,Order Status,Total Price,Quantity,Purchase Date,Gender\n"
    rows = many(
        "c{i},S1,Completed,100,1,2024-01-0{i},F"
        if False
        else "c{i},S1,Completed,100,1,2024-01-15,F"
    )
    rows += "c1,S2,Cancelled,50,1,2024-01-16,F\nc2,S3,refunded,20,1,2024-01-17,F\n"
    log = read_order_log(write(tmp_path, header + rows))
    assert log.lines["cancelled"].sum() == 2
    assert list(log.attributes.columns) == ["Gender"]


def test_a_negative_amount_on_a_kept_order_is_refused_with_its_line(tmp_path):
    header = "Order ID,Customer ID,Order Date,Amount\n"
    rows = many("{i},c{i},2024-01-01,10") + "99,c1,2024-01-02,-5\n"
    with pytest.raises(
        InputError, match=r"log\.csv: column 'Amount' is negative.*line 12 has '-5'"
    ):
        read_order_log(write(tmp_path, header + rows))


def test_bad_dates_and_amounts_name_file_column_and_lines(tmp_path):
    header = "Order ID,Customer ID,Order Date,Amount\n"
    rows = many("{i},c{i},2024-01-01,10") + "98,c1,yesterday,5\n99,c2,2024-01-03,ten\n"
    with pytest.raises(InputError) as error:
        read_order_log(write(tmp_path, header + rows))
    message = str(error.value)
    assert "column 'Order Date' must be a date" in message and "line 12 has 'yesterday'" in message
    assert "column 'Amount' must be a number but line 13 has 'ten'" in message


def test_mostly_anonymous_logs_are_refused(tmp_path):
    header = "Order ID,Customer ID,Order Date,Amount\n"
    rows = many("{i},c{i},2024-01-01,10", 3) + many("1{i},,2024-01-01,10", 5)
    with pytest.raises(InputError, match="column 'Customer ID' is blank on 5 of 8 rows"):
        read_order_log(write(tmp_path, header + rows))


def test_attributes_from_a_customer_file_are_joined_on_the_id(tmp_path):
    log = write(
        tmp_path, "Order ID,Customer ID,Order Date,Amount\n" + many("{i},c{i},2024-01-01,9")
    )
    people = write(
        tmp_path, "Customer ID,Age,Region\nc1,30,North\nc2,41,South\nzz,50,East\n", "p.csv"
    )
    read = read_order_log(log, customers=people)
    assert (
        read.attributes.loc["c2", "Age"] == 41.0 and read.attributes.loc["c1", "Region"] == "North"
    )
    assert any("8 customers of the log are not in p.csv and 1" in n for n in read.notes)


def test_a_missing_file_and_an_empty_file_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_order_log(tmp_path / "absent.csv")
    with pytest.raises(InputError, match="the file is empty"):
        read_order_log(write(tmp_path, ""))


def test_shopify_line_items_take_the_order_total_from_the_first_line(tmp_path):
    header = "Name,Email,Financial Status,Created at,Total,Lineitem quantity,Lineitem sku\n"
    rows = many("#10{i:02d},c{i}@shop.test,paid,2024-03-05 14:02:11 -0500,30,1,SKU{i}")
    rows += "#1001,,,,,2,SKU9\n#1099,c2@shop.test,refunded,2024-03-06 09:00:00 -0500,12,1,SKU2\n"
    log = read_order_log(write(tmp_path, header + rows))
    first = log.lines[log.lines["order_id"] == "#1001"]
    assert log.layout == "Shopify orders export"
    assert first["amount"].sum() == 30.0 and set(first["product_id"]) == {"SKU1", "SKU9"}
    assert first["order_date"].iloc[0] == pd.Timestamp("2024-03-05 14:02:11")
    assert log.lines.loc[log.lines["order_id"] == "#1099", "cancelled"].all()


def test_only_columns_constant_per_customer_become_attributes(tmp_path):
    header = "Customer ID,Age,Gender,Loyalty Member,SKU,Order Status,Total Price,Purchase Date\n"
    rows = many("c{i},3{i},Female,Yes,S1,Completed,100,2024-01-15")
    rows += "c1,31,Female,No,S2,Completed,10,2024-02-15\n"
    log = read_order_log(write(tmp_path, header + rows))
    assert list(log.attributes.columns) == ["Age", "Gender"]
    assert log.attributes.loc["c2", "Age"] == 32.0
