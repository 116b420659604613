"""A best guess of the `--columns` mapping for a header that lacks required columns, and the
mapping written as the `--columns` text the CLI reads (the dashboard's mapping step offers the
guess and runs the text through the CLI's own parser).

Names are compared normalised (camel case split, case, punctuation and spacing ignored:
`EstimatedSalary`, `estimated_salary` and `Estimated salary?` are one name), against each
field's own name and the synonyms exports use for it.
"""

import csv
import difflib
import io
import re
from collections.abc import Mapping, Sequence

from analytics.validation.columns import parse_column_mapping
from analytics.validation.input_kind import CUSTOMERS, ORDERS, input_kind_of
from analytics.validation.order_layouts import ORDER_FIELDS, REQUIRED_FIELDS, parse_order_columns
from analytics.validation.schema import CANONICAL_COLUMNS, REQUIRED_COLUMNS

# The fields each kind of input maps, required ones first. A default customer-file run also
# needs a Price column, unless a mapping is given (which is what the mapping step does).
FIELDS = {CUSTOMERS: tuple(CANONICAL_COLUMNS), ORDERS: ORDER_FIELDS}
REQUIRED = {CUSTOMERS: ("customer_id", "purchased"), ORDERS: REQUIRED_FIELDS}
PARSERS = {CUSTOMERS: parse_column_mapping, ORDERS: parse_order_columns}
# What exports call each field besides its own name, most likely first.
SYNONYMS = {
    "customer_id": (
        "customer id",
        "customer",
        "client",
        "client id",
        "user id",
        "user",
        "buyer",
        "member id",
        "account id",
        "customer number",
        "cust id",
        "email",
        "id",
    ),
    "gender": ("gender", "sex"),
    "age": ("age", "age years", "years old"),
    "salary": ("salary", "estimated salary", "income", "annual income", "wage", "earnings"),
    "product_id": ("product id", "product", "sku", "item id", "item", "stock code", "article"),
    "price": ("price", "unit price", "cost", "list price"),
    "purchased": (
        "purchased",
        "bought",
        "purchase",
        "has purchased",
        "converted",
        "conversion",
        "outcome",
        "target",
        "label",
    ),
    "order_date": (
        "order date",
        "date",
        "created at",
        "purchase date",
        "invoice date",
        "ordered at",
        "order time",
        "timestamp",
    ),
    "amount": (
        "amount",
        "total",
        "order total",
        "revenue",
        "net sales",
        "sales",
        "total price",
        "spend",
        "value",
    ),
    "order_id": ("order id", "order", "order number", "invoice", "invoice no", "transaction id"),
    "quantity": ("quantity", "qty", "items sold", "items", "units"),
    "status": ("status", "order status", "financial status", "state"),
    "unit_price": ("unit price", "item price", "price"),
}
# Below this score a header is not offered for a field at all.
_MIN_SCORE = 0.75


def normalised(name: str) -> str:
    """`EstimatedSalary` → "estimated salary", ` Bought? ` → "bought", `User_ID` → "user id"."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(name))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", spaced.casefold()).split())


def _score(field: str, header: str) -> float:
    """How well `header` names `field`: 1 for its name or a synonym, less for a synonym among
    other words ("client number") or a near spelling ("purchsed"), 0 for nothing alike."""
    name = normalised(header)
    if not name:
        return 0.0
    synonyms = (normalised(field), *SYNONYMS.get(field, ()))
    compact = name.replace(" ", "")
    if any(compact == synonym.replace(" ", "") for synonym in synonyms):
        return 1.0
    words = set(name.split())
    # A longer synonym ("estimated salary") says more than a lone word ("id") among others.
    contained = [s for s in synonyms if len(s) > 2 and set(s.split()) <= words]
    if contained:
        return 0.8 + 0.1 * max(len(s.split()) for s in contained) / len(words)
    similarity = max(
        difflib.SequenceMatcher(None, compact, synonym.replace(" ", "")).ratio()
        for synonym in synonyms
    )
    return similarity * 0.9 if similarity >= 0.85 else 0.0


def needs_mapping(header: Sequence[str]) -> bool:
    """Whether a run without --columns would refuse this header for a column it lacks: it is
    no order log, and no customer file with the reference names of the required columns and of
    Price (which a default run needs; a run with a mapping does not)."""
    names = {str(name).strip() for name in header}
    if not any(names) or input_kind_of(header) == ORDERS:
        return False
    return not {*REQUIRED_COLUMNS, "Price"} <= names


def guess_mapping(kind: str, header: Sequence[str]) -> dict[str, str]:
    """{field: the file's column} for each field of `kind` some column plausibly holds; each
    column for at most one field, the best-matching pairs first (required fields win ties)."""
    names = [str(name).strip() for name in header]
    fields = FIELDS[kind]
    pairs = sorted(
        (
            (score, field in REQUIRED[kind], -fields.index(field), -position, field, name)
            for field in fields
            for position, name in enumerate(names)
            if (score := _score(field, name)) >= _MIN_SCORE
        ),
        reverse=True,
    )
    mapping: dict[str, str] = {}
    for *_, field, name in pairs:
        if field not in mapping and name not in mapping.values():
            mapping[field] = name
    return {field: mapping[field] for field in fields if field in mapping}


def guess_kind(header: Sequence[str]) -> str:
    """The kind whose required fields the guess finds the larger share of; a customer file
    wins a tie, as analytics.validation.input_kind decides."""

    def found(kind: str) -> float:
        mapping = guess_mapping(kind, header)
        return sum(field in mapping for field in REQUIRED[kind]) / len(REQUIRED[kind])

    return ORDERS if found(ORDERS) > found(CUSTOMERS) else CUSTOMERS


def missing_fields(kind: str, mapping: Mapping[str, str]) -> list[str]:
    """The required fields `mapping` leaves without a column (an order log's amount may be
    quantity × unit price instead)."""
    chosen = {field for field, column in mapping.items() if column}
    if kind == ORDERS and {"quantity", "unit_price"} <= chosen:
        chosen.add("amount")
    return [field for field in REQUIRED[kind] if field not in chosen]


def columns_option(kind: str, mapping: Mapping[str, str]) -> str:
    """The mapping as the text of `--columns` (`customer_id=Client,purchased=Bought?`), quoted
    where a column's name needs it; a ValueError when the CLI's parser would not read it back
    as the same mapping (a column named with a leading or trailing double quote)."""
    chosen = {field: column for field, column in mapping.items() if column}
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(f"{f}={c}" for f, c in chosen.items())
    text = buffer.getvalue()
    if PARSERS[kind](text) != chosen:
        raise ValueError(
            "a column whose name starts or ends with a double quote cannot be mapped; rename it"
        )
    return text
