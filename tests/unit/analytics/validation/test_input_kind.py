"""Telling a customer file from an order log by its header (what the upload page runs)."""

import pytest

from analytics.validation.input_kind import CUSTOMERS, ORDERS, header_of, input_kind_of


@pytest.mark.parametrize(
    "header",
    [
        # Shopify orders export (line items)
        "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,"
        "Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,"
        "Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku",
        # WooCommerce Analytics → Orders, and the order-export plugin
        "Date,Order #,N. Revenue (formatted),Status,Customer,Customer type,Product(s),"
        "Items sold,Coupon(s),N. Revenue",
        "Date,Order #,Status,Customer,Customer type,Product(s),Items sold,Coupon(s),Net Sales",
        "order_id,order_date,status,order_total,customer_id",
        # UCI Online Retail and Online Retail II
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
        "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country",
        # the electronics-shop export: Customer ID, but Purchase Date is not Purchased
        "Customer ID,Gender,Age,SKU,Unit Price,Total Price,Purchase Date,Order Status",
        # the bundled sample, with and without its constant-per-customer attributes
        "Order ID,Customer ID,Order Date,Amount",
        "Order ID,Customer ID,Order Date,Amount,Gender,Age",
        # the fields' own names, in any case and spacing
        " Customer_ID , ORDER_DATE , amount ",
    ],
)
def test_order_log_layouts_are_orders(header):
    assert input_kind_of(header.split(",")) == ORDERS


@pytest.mark.parametrize(
    "header",
    [
        "Customer ID,Gender,Age,Salary,Product ID,Price,Purchased",
        "customer id,purchased",
        # a customer file may carry dates and amounts among its attributes: still a customer file
        "Customer ID,Purchased,customer_id,order_date,amount",
    ],
)
def test_customer_files_are_customers(header):
    assert input_kind_of(header.split(",")) == CUSTOMERS


@pytest.mark.parametrize(
    "header",
    [
        "",
        "a,b,c",
        "Customer ID,Gender,Age,Salary",  # no Purchased: the customer file's message says so
        "who,when,amount",  # an order log without recognisable names needs --columns
        "\x00\x01PK\x03\x04",
        "Customer ID;Gender;Age;Salary;Purchased",  # one comma-less name
    ],
)
def test_anything_else_is_neither(header):
    assert input_kind_of(header.split(",")) is None


def test_the_bundled_samples_are_each_of_their_kind(sample_csv):
    assert input_kind_of(header_of(sample_csv)) == CUSTOMERS
    assert input_kind_of(header_of(sample_csv.parent / "sample_transactions.csv")) == ORDERS


def test_no_hostile_customer_file_is_taken_for_an_order_log(sample_csv):
    corpus = sorted((sample_csv.parents[1] / "tests" / "data" / "hostile").glob("*.csv"))
    assert len(corpus) > 10
    for path in corpus:
        assert input_kind_of(header_of(path)) != ORDERS, path.name


def test_the_header_is_the_first_non_blank_line_without_a_byte_order_mark(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(b"\xef\xbb\xbf\n\nOrder ID,Customer ID,Order Date,Amount\n1,2,2024-01-01,3\n")
    assert header_of(path) == ["Order ID", "Customer ID", "Order Date", "Amount"]
    (tmp_path / "empty.csv").write_bytes(b"")
    assert header_of(tmp_path / "empty.csv") == []
    assert header_of(tmp_path / "absent.csv") == []
