"""Which column of an order log holds which field: the `--columns` mapping, else a known export
layout recognised from the header (case and surrounding spaces ignored).

Fields: customer_id, order_date, amount (required); order_id, product_id, quantity, status
(optional); unit_price (amount = quantity × unit price, as in UCI Online Retail).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from analytics.errors import InputError
from analytics.validation.columns import parse_name_mapping
from analytics.validation.messages import names_text

REQUIRED_FIELDS = ("customer_id", "order_date", "amount")
ORDER_FIELDS = (*REQUIRED_FIELDS, "order_id", "product_id", "quantity", "status", "unit_price")
# Status words (case-insensitive) that mean the order was cancelled or returned.
CANCELLED_STATUSES = frozenset(
    {"cancelled", "canceled", "refunded", "returned", "return", "voided", "failed"}
)


@dataclass(frozen=True)
class KnownLayout:
    name: str
    fields: dict[str, str]  # field → header; the layout is recognised when all are present
    date_format: str | None = None
    cancel_prefix: str | None = None  # order ids with this prefix are cancellations
    optional: tuple[tuple[str, str], ...] = ()  # (field, header) used when present


# Most specific first.
LAYOUTS = (
    KnownLayout(
        "UCI Online Retail",
        {
            "order_id": "InvoiceNo",
            "product_id": "StockCode",
            "quantity": "Quantity",
            "order_date": "InvoiceDate",
            "unit_price": "UnitPrice",
            "customer_id": "CustomerID",
        },
        date_format="%m/%d/%Y %H:%M",
        cancel_prefix="C",
    ),
    KnownLayout(
        "UCI Online Retail II",
        {
            "order_id": "Invoice",
            "product_id": "StockCode",
            "quantity": "Quantity",
            "order_date": "InvoiceDate",
            "unit_price": "Price",
            "customer_id": "Customer ID",
        },
        cancel_prefix="C",
    ),
    KnownLayout(
        "Shopify orders export",
        {
            "customer_id": "Email",
            "order_date": "Created at",
            "amount": "Total",
            "order_id": "Name",
            "status": "Financial Status",
        },
        optional=(("quantity", "Lineitem quantity"), ("product_id", "Lineitem sku")),
    ),
    *(
        KnownLayout(
            "WooCommerce orders export",
            {
                "order_date": "Date",
                "order_id": "Order #",
                "status": "Status",
                "customer_id": "Customer",
                "product_id": "Product(s)",
                "quantity": "Items sold",
                "amount": revenue,
            },
        )
        for revenue in ("Net Sales", "N. Revenue")
    ),
    KnownLayout(
        "WooCommerce order-export plugin",
        {
            "order_id": "order_id",
            "order_date": "order_date",
            "status": "status",
            "amount": "order_total",
            "customer_id": "customer_id",
        },
    ),
    KnownLayout(
        "electronics-shop export",
        {
            "customer_id": "Customer ID",
            "order_date": "Purchase Date",
            "amount": "Total Price",
            "product_id": "SKU",
            "status": "Order Status",
        },
        optional=(("quantity", "Quantity"),),
    ),
    KnownLayout(
        "analytics sample order log",
        {
            "order_id": "Order ID",
            "customer_id": "Customer ID",
            "order_date": "Order Date",
            "amount": "Amount",
        },
    ),
)


@dataclass(frozen=True)
class OrderColumns:
    fields: dict[str, str]  # field → the file's header name
    layout: KnownLayout | None


def parse_order_columns(text: str) -> dict[str, str]:
    """`customer_id="Customer ID",order_date=Date` → {"customer_id": "Customer ID", ...}."""
    return parse_name_mapping(text, ORDER_FIELDS)


def resolve_columns(header: Sequence[str], columns: Mapping[str, str] | None, source: str):
    """The file's column for every field it has; an InputError naming what is missing."""
    names = [str(name).strip() for name in header]
    by_key = {name.casefold(): name for name in names}
    columns = dict(columns or {})
    absent = [f"{field}={column!r}" for field, column in columns.items() if column not in names]
    if absent:
        raise InputError(
            f"{source}: the column mapping names columns the file does not have "
            f"({', '.join(absent)}); the columns found were {names_text(names)}."
        )
    layout = next(
        (
            known
            for known in LAYOUTS
            if all(header_name.casefold() in by_key for header_name in known.fields.values())
        ),
        None,
    )
    fields = {} if layout is None else {f: by_key[h.casefold()] for f, h in layout.fields.items()}
    for name, header_name in () if layout is None else layout.optional:
        if header_name.casefold() in by_key:
            fields[name] = by_key[header_name.casefold()]
    for name in ORDER_FIELDS:  # a header that is a field's own name needs no mapping
        if name not in fields and name in by_key and by_key[name] not in columns.values():
            fields[name] = by_key[name]
    fields.update(columns)
    if "unit_price" in fields and "amount" in columns:
        del fields["unit_price"]
    has_amount = "amount" in fields or {"unit_price", "quantity"} <= fields.keys()
    missing = [f for f in REQUIRED_FIELDS if f not in fields and not (f == "amount" and has_amount)]
    if missing:
        raise InputError(
            f"{source}: no column for {', '.join(missing)}; the columns found were "
            f"{names_text(names)}. Name them with --columns, e.g. --columns "
            'customer_id="Customer ID",order_date=Date,amount=Total.'
        )
    used = list(fields.values())
    repeated = sorted({c for c in used if used.count(c) > 1})
    if repeated:
        raise InputError(
            f"{source}: column {', '.join(repr(c) for c in repeated)} is named for more than "
            "one field in --columns; give each field its own column."
        )
    return OrderColumns(fields=fields, layout=layout)
