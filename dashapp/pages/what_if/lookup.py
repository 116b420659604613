"""The customer lookup of the what-if: a stored customer of the run as the what-if's inputs,
the ids offered as suggestions, and a line saying what was stored for them."""

import pandas as pd
from dash import no_update

from dashapp.data import customer_reads, derived, queries
from dashapp.logic import whatif
from dashapp.ui import theme

# Suggestions in the browser's list; any other id of the run can still be typed.
SUGGESTED_IDS = 1000
# Longer than any id we store: refused before it is looked up.
MAX_ID_LENGTH = 64


def suggested_ids(url: str, run_id: int) -> list[str]:
    return customer_reads.first_ids(url, run_id, SUGGESTED_IDS)


def stored_note(customer: pd.Series) -> str:
    """What the run stored for `customer`: their probability and whether they bought."""
    probability = customer["purchase_probability"]
    chance = (
        f"{theme.percent(probability)} chance of purchase as analysed"
        if pd.notna(probability)
        else "no stored probability"
    )
    bought = "bought" if customer["Purchased"] == 1 else "did not buy"
    return f"Customer {customer['Customer ID']}: {chance}; they {bought}."


def pick(customer_id, product, customer_picked: bool, run_id) -> tuple:
    """(age, salary, price, gender, product, note) for the customer `customer_id` when
    `customer_picked`, else only the price of the picked `product`; no_update where nothing
    changes, and the note says why when the id is not one of the run's."""
    unchanged = (no_update,) * 6
    if queries.published_run_id(run_id) is None:
        return (*unchanged[:5], queries.NO_PUBLISHED_RUN)
    url = queries.app_database_url()
    if not customer_picked:
        return (no_update, no_update, _product_price(url, product, run_id), *unchanged[:3])
    customer_id = customer_id.strip() if isinstance(customer_id, str) else ""
    if not customer_id:
        return (*unchanged[:5], "Enter a customer id of this run.")
    customer = (
        customer_reads.customer_by_id(url, run_id, customer_id)
        if len(customer_id) <= MAX_ID_LENGTH
        else None
    )
    if customer is None:
        return (*unchanged[:5], f"No customer with id {customer_id[:MAX_ID_LENGTH]} in this run.")
    inputs = whatif.customer_inputs(customer, queries.overview(url, run_id).feature_ranges)
    product = customer.get("Product ID")
    return (
        inputs["Age"],
        inputs["Salary"],
        inputs["Price"],
        inputs["Gender"],
        product if isinstance(product, str) and product else no_update,
        stored_note(customer),
    )


def _product_price(url: str, product: str | None, run_id: int):
    """The product's usual price, or no_update for a product without one."""
    products = derived.product_prices(url, run_id)
    price = products.loc[products["product"] == product, "price"]
    if price.empty or price.isna().iat[0]:
        return no_update
    return float(price.iat[0])
