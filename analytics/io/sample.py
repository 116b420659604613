"""A seeded generator of synthetic customers with the reference schema.

Customers come from a few personas (so segments exist to be found), and the chance of a
purchase rises with salary and age and falls with price (so a model has signal to learn).
"""

import numpy as np
import pandas as pd

COLUMNS = ["Customer ID", "Gender", "Age", "Salary", "Product ID", "Price", "Purchased"]

# persona: share, age (mean, sd), salary (mean, sd), product weights (P01, P02, P03)
_PERSONAS = [
    (0.35, (25, 4), (35_000, 9_000), (0.7, 0.25, 0.05)),
    (0.35, (40, 6), (80_000, 11_000), (0.1, 0.3, 0.6)),
    (0.30, (57, 4), (55_000, 10_000), (0.3, 0.6, 0.1)),
]
AGE_RANGE = (18, 64)
SALARY_RANGE = (20_000, 100_000)
_PRODUCT_PRICES = {"P01": (2_000, 3_500), "P02": (3_500, 5_000), "P03": (5_000, 7_000)}


def generate_customers(rows: int, seed: int = 42) -> pd.DataFrame:
    """Return `rows` synthetic customers; the same seed always gives the same frame."""
    if rows < 1:
        raise ValueError("rows must be at least 1")
    rng = np.random.default_rng(seed)
    shares = np.array([p[0] for p in _PERSONAS])
    persona = rng.choice(len(_PERSONAS), size=rows, p=shares / shares.sum())

    age = np.empty(rows)
    salary = np.empty(rows)
    product = np.empty(rows, dtype=object)
    products = np.array(list(_PRODUCT_PRICES))
    for index, (_, (age_mean, age_sd), (sal_mean, sal_sd), weights) in enumerate(_PERSONAS):
        members = persona == index
        count = int(members.sum())
        age[members] = rng.normal(age_mean, age_sd, size=count)
        salary[members] = rng.normal(sal_mean, sal_sd, size=count)
        product[members] = rng.choice(products, size=count, p=weights)

    age = np.clip(np.round(age), *AGE_RANGE)
    salary = np.clip(np.round(salary / 1_000) * 1_000, *SALARY_RANGE).astype(int)
    price = _prices_for(product, rng)
    logit = (
        -0.2
        + 3.2 * (salary - 60_000) / 40_000
        - 2.8 * (price - 4_400) / 2_500
        + 1.2 * (age - 41) / 23
    )
    purchased = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    gender = rng.choice(["Female", "Male"], size=rows, p=[0.52, 0.48])

    return pd.DataFrame(
        {
            "Customer ID": np.arange(1, rows + 1),
            "Gender": gender,
            "Age": age.astype(int),
            "Salary": salary,
            "Product ID": product,
            "Price": price.astype(int),
            "Purchased": purchased,
        },
        columns=COLUMNS,
    )


def _prices_for(product: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each product sells at one of its two price points, with equal chance."""
    price = np.empty(len(product))
    upper = rng.random(len(product)) < 0.5
    for name, (low, high) in _PRODUCT_PRICES.items():
        members = product == name
        price[members] = np.where(upper[members], high, low)
    return price


TRANSACTION_COLUMNS = ["Order ID", "Customer ID", "Order Date", "Amount", "Gender", "Age"]
# Two years of orders, 2023-01-01 to 2024-12-31.
_LOG_START = np.datetime64("2023-01-01")
_LOG_DAYS = 731
_ORDERS_PER_CUSTOMER = 8


def generate_transactions(rows: int, seed: int = 42) -> pd.DataFrame:
    """Return an order log of exactly `rows` orders; the same seed always gives the same frame.

    Customers (about one per 8 orders) join on a uniformly random day, stay active for an
    exponentially distributed time, order at lognormally spread rates and spend lognormally
    spread amounts per order. So the log holds loyal big spenders, one-off buyers, recent
    joiners and customers who stopped long ago: every RFM group shows up on 10k+ rows.
    Each customer has a Gender and an Age, repeated on each of their orders as in a shop's
    export, which an order-log run takes as customer attributes. They are drawn after
    everything else, so the orders are the same as without them.
    """
    if rows < 1:
        raise ValueError("rows must be at least 1")
    rng = np.random.default_rng(seed)
    customers = max(1, rows // _ORDERS_PER_CUSTOMER)
    joined = rng.integers(0, _LOG_DAYS, size=customers)
    lifetime = rng.exponential(300, size=customers).astype(int)
    active_days = np.minimum(joined + lifetime, _LOG_DAYS - 1) - joined + 1
    rate = rng.lognormal(mean=0.0, sigma=1.0, size=customers)
    basket = rng.lognormal(mean=np.log(45), sigma=0.6, size=customers)

    # Every customer orders on the day they join; the other orders go to customers in
    # proportion to how often and how long they buy, on uniform days of their active span.
    weights = rate * active_days
    repeats = np.repeat(
        np.arange(customers), rng.multinomial(rows - customers, weights / weights.sum())
    )
    repeat_day = joined[repeats] + (rng.random(len(repeats)) * active_days[repeats]).astype(int)
    customer = np.concatenate([np.arange(customers), repeats])
    offset = np.concatenate([joined, repeat_day])
    amount = np.round(basket[customer] * rng.lognormal(0.0, 0.35, size=rows), 2).clip(min=1.0)

    gender = rng.choice(["Female", "Male"], size=customers, p=[0.52, 0.48])
    age = np.clip(np.round(rng.normal(41, 12, size=customers)), *AGE_RANGE).astype(int)

    order = np.lexsort((customer, offset))
    return pd.DataFrame(
        {
            "Order ID": np.arange(100_001, 100_001 + rows),
            "Customer ID": customer[order] + 1,
            "Order Date": np.datetime_as_string(_LOG_START + offset[order], unit="D"),
            "Amount": amount[order],
            "Gender": gender[customer[order]],
            "Age": age[customer[order]],
        },
        columns=TRANSACTION_COLUMNS,
    )
