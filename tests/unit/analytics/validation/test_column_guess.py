"""The mapping step's best guess of --columns for a header, and the mapping as --columns text."""

import pytest

from analytics.errors import InputError
from analytics.validation.column_guess import (
    FIELDS,
    columns_option,
    guess_kind,
    guess_mapping,
    missing_fields,
    needs_mapping,
    normalised,
)
from analytics.validation.columns import column_layout, parse_column_mapping
from analytics.validation.order_layouts import ORDER_FIELDS, parse_order_columns, resolve_columns
from analytics.validation.schema import CANONICAL_COLUMNS


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("EstimatedSalary", "estimated salary"),
        (" Bought? ", "bought"),
        ("User_ID", "user id"),
        ("customerID", "customer id"),
        ("ORDER-DATE", "order date"),
        ("???", ""),
    ],
)
def test_names_are_compared_without_case_punctuation_or_camel_case(name, expected):
    assert normalised(name) == expected


def test_renamed_customer_columns_are_guessed_from_synonyms_and_spellings():
    header = ["Client", "Sex", "Age (years)", "EstimatedSalary", "SKU", "Cost", "Bought?"]
    assert guess_mapping("customers", header) == {
        "customer_id": "Client",
        "gender": "Sex",
        "age": "Age (years)",
        "salary": "EstimatedSalary",
        "product_id": "SKU",
        "price": "Cost",
        "purchased": "Bought?",
    }


def test_a_near_spelling_is_guessed_and_an_unrelated_column_is_not():
    assert guess_mapping("customers", ["cust id", "Purchsed", "Notes", "Email opt-in"]) == {
        "customer_id": "cust id",
        "purchased": "Purchsed",
    }


def test_each_column_goes_to_one_field_the_best_pair_first():
    # "Price" is the unit price's own synonym and the amount's nothing: it goes to unit_price,
    # and "Total" to the amount, never one column to two fields.
    assert guess_mapping("orders", ["Buyer", "Ordered at", "Total", "Price", "Qty"]) == {
        "customer_id": "Buyer",
        "order_date": "Ordered at",
        "amount": "Total",
        "quantity": "Qty",
        "unit_price": "Price",
    }
    mapping = guess_mapping("customers", ["Customer ID", "Customer", "Purchased"])
    assert mapping == {"customer_id": "Customer ID", "purchased": "Purchased"}


def test_the_guessed_mapping_is_one_the_cli_accepts():
    header = ["Client", "Gender", "Age", "Salary", "Product ID", "Price", "Bought?"]
    text = columns_option("customers", guess_mapping("customers", header))
    layout = column_layout(1, header, parse_column_mapping(text), "shop.csv")
    assert set(layout.positions) == set(CANONICAL_COLUMNS.values())
    orders = ["Buyer", "Ordered at", "Total"]
    fields = resolve_columns(
        orders,
        parse_order_columns(columns_option("orders", guess_mapping("orders", orders))),
        "log.csv",
    ).fields
    assert fields == {"customer_id": "Buyer", "order_date": "Ordered at", "amount": "Total"}


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (["Client", "Bought?", "Age"], "customers"),
        (["Buyer", "Ordered at", "Total"], "orders"),
        (["Customer", "Date"], "orders"),
        (["Client"], "customers"),
        (["a", "b"], "customers"),  # a tie: the customer file wins
    ],
)
def test_the_kind_is_the_one_whose_required_fields_are_found(header, kind):
    assert guess_kind(header) == kind


@pytest.mark.parametrize(
    ("header", "needed"),
    [
        (["Client", "Bought?", "Price"], True),
        # A default run needs Price; the mapping step makes it optional.
        (["Customer ID", "Purchased", "Age"], True),
        (["customer id", "purchased", "price"], True),  # the run reads the reference spelling
        (["Customer ID", "Purchased", "Price"], False),
        (["Order ID", "Customer ID", "Order Date", "Amount"], False),
        (["customer_id", "order_date", "amount"], False),
        ([""], False),
        ([], False),
    ],
)
def test_a_mapping_is_needed_when_a_run_without_columns_would_refuse_the_header(header, needed):
    assert needs_mapping(header) is needed


def test_required_fields_without_a_column_are_named():
    assert missing_fields("customers", {"customer_id": "Client", "purchased": ""}) == ["purchased"]
    assert missing_fields("orders", {"customer_id": "a", "order_date": "b"}) == ["amount"]
    # An order log's amount may be quantity × unit price, as the CLI computes it.
    both = {"customer_id": "a", "order_date": "b", "quantity": "c", "unit_price": "d"}
    assert missing_fields("orders", both) == []


@pytest.mark.parametrize("column", ["User ID", "A, B", 'say "hi" now', "Bought?", "x=y", " spaced"])
def test_the_columns_text_reads_back_as_the_same_mapping_with_the_cli_parser(column):
    mapping = {"customer_id": column.strip(), "purchased": "Purchased"}
    assert parse_column_mapping(columns_option("customers", mapping)) == mapping
    orders = {"customer_id": column.strip(), "order_date": "When", "amount": "Total"}
    assert parse_order_columns(columns_option("orders", orders)) == orders


def test_the_columns_text_leaves_out_fields_without_a_column_and_is_the_clis_spelling():
    mapping = {"customer_id": "Client", "gender": None, "purchased": "Bought?"}
    assert columns_option("customers", mapping) == "customer_id=Client,purchased=Bought?"


def test_a_column_the_cli_option_cannot_spell_is_refused_rather_than_changed():
    with pytest.raises(ValueError, match="double quote cannot be mapped"):
        columns_option("customers", {"customer_id": '"Quoted"', "purchased": "Bought"})


def test_the_fields_are_the_clis():
    assert {"customers": tuple(CANONICAL_COLUMNS), "orders": ORDER_FIELDS} == FIELDS


def test_a_mapping_the_guess_makes_never_names_a_column_twice():
    header = ["id", "ID", "Customer", "customer", "Bought", "bought"]
    mapping = guess_mapping("customers", header)
    assert len(set(mapping.values())) == len(mapping)
    with pytest.raises(InputError):  # as the CLI says of a repeated name
        column_layout(1, header, {}, "x.csv")
