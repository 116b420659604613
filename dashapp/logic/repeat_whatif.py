"""The repeat-customer what-if: a customer described by four numbers (days since the last order,
orders, average order value, days since the first order), scored with an order-log run's
stored repeat classifier and its BG/NBD + Gamma-Gamma parameters.

The classifier's feature row comes from analytics' own functions (steps.behaviour
.model_features, steps.repeat_model.bgnbd_columns and model_matrix) applied to an order
history with those four numbers: `orders` order days spread evenly from the first to the last,
each of the average value. A run stores no customer's order dates, so for a real customer the
row is exact when their orders fit that picture (two orders always do, bar the amounts of the
last 90 days); otherwise it is the nearest evenly spaced customer.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

from analytics.steps import btyd
from analytics.steps.behaviour import WEEK, model_features
from analytics.steps.classifier import contributions
from analytics.steps.repeat_model import bgnbd_columns, model_matrix, rescale_propensity

# The inputs in the order the page shows them, their labels and their accepted ranges.
LABELS = {
    "recency_days": "Days since last order",
    "orders": "Orders",
    "aov": "Average order value",
    "tenure_days": "Days since first order",
}
BOUNDS = {
    "recency_days": (0, 36_500),
    "orders": (1, 1_000),
    "aov": (0, 10_000_000),
    "tenure_days": (0, 36_500),
}
WHOLE_NUMBERS = ("recency_days", "orders", "tenure_days")


@dataclass(frozen=True)
class RepeatCustomer:
    recency_days: int
    orders: int  # order days: several orders on one day count once, as in the models
    aov: float
    tenure_days: int

    def coherent(self) -> "RepeatCustomer":
        """The same customer with a tenure that fits: the first order cannot be later than the
        last, and `orders` distinct days need at least `orders - 1` days between them; a
        single order is both the first and the last."""
        if self.orders == 1:
            return replace(self, tenure_days=self.recency_days)
        shortest = self.recency_days + self.orders - 1
        return replace(self, tenure_days=max(self.tenure_days, shortest))

    def as_dict(self) -> dict:
        return {field.name: getattr(self, field.name) for field in fields(self)}


@dataclass(frozen=True)
class ValueModel:
    """The stored BG/NBD + Gamma-Gamma parameters and the windows the classifier knows."""

    bgnbd: btyd.BgNbd
    gamma_gamma: btyd.GammaGamma | None
    window_days: int
    horizon_days: int
    interval_level: float

    @classmethod
    def from_params(cls, params: Mapping) -> "ValueModel":
        """From the value model's stored params (analytics.runs.order_log_store)."""
        spend = params.get("gamma_gamma")
        return cls(
            bgnbd=btyd.BgNbd(**params["bgnbd"]),
            gamma_gamma=None if spend is None else btyd.GammaGamma(**spend),
            window_days=int(params["window_days"]),
            horizon_days=int(params["horizon_days"]),
            interval_level=float(params.get("interval_level", btyd.INTERVAL_LEVEL)),
        )


@dataclass(frozen=True)
class RepeatScorer:
    """What scores an imagined customer: the run's classifier, its feature columns, its value
    model and the day the run's features were taken (its cutoff)."""

    classifier: object
    columns: list[str]
    value: ValueModel
    as_of: pd.Timestamp


@dataclass(frozen=True)
class Outlook:
    """One customer's answers for the next `horizon_days`."""

    p_repeat: float
    expected_orders: float
    orders_low: float
    orders_high: float
    p_alive: float
    expected_spend: float
    expected_value: float


def parse(recency_days, orders, aov, tenure_days) -> tuple[RepeatCustomer | None, str | None]:
    """The customer the four inputs describe (tenure made to fit), or None and what is wrong."""
    given = {"recency_days": recency_days, "orders": orders, "aov": aov, "tenure_days": tenure_days}
    for name, value in given.items():
        low, high = BOUNDS[name]
        label = LABELS[name].lower()
        if value is None or isinstance(value, bool) or not isinstance(value, int | float):
            return None, f"Enter the {label} to see a prediction."
        if not math.isfinite(value) or not low <= value <= high:
            return None, f"{LABELS[name]} must be between {low:,} and {high:,}."
        if name in WHOLE_NUMBERS and value != int(value):
            return None, f"{LABELS[name]} must be a whole number."
    customer = RepeatCustomer(
        recency_days=int(recency_days),
        orders=int(orders),
        aov=float(aov),
        tenure_days=int(tenure_days),
    )
    return customer.coherent(), None


def tenure_note(entered_tenure: float | None, customer: RepeatCustomer) -> str | None:
    """Why the tenure used differs from the one entered, or None when it does not."""
    if entered_tenure is None or int(entered_tenure) == customer.tenure_days:
        return None
    if customer.orders == 1:
        return f"With one order the first is the last: {customer.tenure_days} days since it."
    return (
        f"{customer.orders} orders on different days, the last {customer.recency_days} days "
        f"ago, need at least {customer.tenure_days} days since the first: taken as such."
    )


def typical_customer(customers: pd.DataFrame) -> RepeatCustomer:
    """The run's median customer (stored customer_behaviour columns), made coherent."""
    orders = customers["repeat_orders"] + 1
    return RepeatCustomer(
        recency_days=round(float(customers["recency_days"].median())),
        orders=round(float(orders.median())),
        aov=round(float((customers["monetary"] / orders).median()), 2),
        tenure_days=round(float(customers["tenure_days"].median())),
    ).coherent()


def stored_customer(row: Mapping) -> RepeatCustomer:
    """A run's customer (a customer_behaviour row) as the what-if's four numbers. Spend per
    order day, as the models count orders."""
    orders = int(row["repeat_orders"]) + 1
    return RepeatCustomer(
        recency_days=int(row["recency_days"]),
        orders=orders,
        aov=round(float(row["monetary"]) / orders, 2),
        tenure_days=int(row["tenure_days"]),
    ).coherent()


def first_customer(customers: pd.DataFrame) -> pd.Series:
    """Where the what-if starts: the run's customer (customer_behaviour row) with the first id,
    a real customer, so that the contributions have something to show against the typical one
    (the customer-file what-if starts from its file's first customer too)."""
    return customers.loc[customers["customer_id"].idxmin()]


def order_history(customers: list[RepeatCustomer], as_of: pd.Timestamp) -> pd.DataFrame:
    """Order days (customer_id = position in `customers`, day, amount) that have each
    customer's four numbers: evenly spaced whole days from the first to the last order.
    The customers must be coherent."""
    counts = np.array([customer.orders for customer in customers])
    # Each order day's customer, its place among the customer's days, and the customer's
    # numbers, one row per order day.
    owner = np.repeat(np.arange(len(customers)), counts)
    place = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    tenure = np.array([customer.tenure_days for customer in customers])[owner]
    span = tenure - np.array([customer.recency_days for customer in customers])[owner]
    steps = np.maximum(counts[owner] - 1, 1)
    # floor(x + 0.5), not round(): round-half-even could merge two neighbouring days.
    offsets = np.floor(place * span / steps + 0.5).astype(int)
    days = as_of - pd.to_timedelta(tenure - offsets, unit="D")
    amounts = np.array([customer.aov for customer in customers], dtype=float)[owner]
    return pd.DataFrame({"customer_id": owner, "day": days, "amount": amounts})


def feature_rows(scorer: RepeatScorer, customers: list[RepeatCustomer]) -> pd.DataFrame:
    """The classifier's feature rows for `customers` (coherent), as analytics builds them
    for a run's customers at its cutoff (index: position in `customers`)."""
    features = model_features(order_history(customers, scorer.as_of), scorer.as_of)
    window = bgnbd_columns(scorer.value.bgnbd, features, scorer.value.window_days / WEEK)
    return model_matrix(features.join(window))[scorer.columns]


def outlooks(scorer: RepeatScorer, customers: list[RepeatCustomer]) -> list[Outlook]:
    """Each customer's propensity (the classifier's P(≥1 order in its window), rescaled to the
    horizon as a run does), and BG/NBD's expected orders, 90 % interval and P(alive) with
    Gamma-Gamma's expected spend. A run's own expected orders also blend in a boosted count
    that is not stored, so the what-if shows BG/NBD's."""
    value = scorer.value
    rows = feature_rows(scorer, customers)
    args = (rows["x"], rows["t_x"], rows["T"])
    horizon_weeks = value.horizon_days / WEEK
    window = bgnbd_columns(value.bgnbd, rows, value.window_days / WEEK)
    horizon = bgnbd_columns(value.bgnbd, rows, horizon_weeks)
    p_window = scorer.classifier.predict_proba(rows)[:, 1]
    p_repeat = rescale_propensity(p_window, window["bg_p_any"], horizon["bg_p_any"])
    low, high = btyd.order_interval(value.bgnbd, horizon_weeks, *args, level=value.interval_level)
    spend = btyd.expected_spend(value.gamma_gamma, rows["x"], [c.aov for c in customers])
    expected = horizon["bg_expected"].to_numpy()
    return [
        Outlook(
            p_repeat=float(p_repeat[i]),
            expected_orders=float(expected[i]),
            orders_low=float(low[i]),
            orders_high=float(high[i]),
            p_alive=float(horizon["bg_p_alive"].iloc[i]),
            expected_spend=float(spend[i]),
            expected_value=float(expected[i] * spend[i]),
        )
        for i in range(len(customers))
    ]


def outlook(scorer: RepeatScorer, customer: RepeatCustomer) -> Outlook:
    return outlooks(scorer, [customer])[0]


def recency_curve(scorer: RepeatScorer, customer: RepeatCustomer, points: int = 41) -> pd.DataFrame:
    """Propensity and P(alive) of `customer` had their last order been 0 to 365 days ago (or
    up to 1.5 times their own recency), the other numbers kept (the tenure made to fit):
    columns recency_days, p_repeat, p_alive; the customer's own recency among them."""
    last = max(365, round(customer.recency_days * 1.5))
    grid = np.unique(np.append(np.linspace(0, last, points).round(), customer.recency_days))
    answers = outlooks(
        scorer, [replace(customer, recency_days=int(days)).coherent() for days in grid]
    )
    return pd.DataFrame(
        {
            "recency_days": grid.astype(int),
            "p_repeat": [answer.p_repeat for answer in answers],
            "p_alive": [answer.p_alive for answer in answers],
        }
    )


class _Propensity:
    """The four numbers -> propensity, shaped like a classifier for analytics' exact Shapley
    values (steps.classifier.contributions): each mixed customer is made coherent first."""

    def __init__(self, scorer: RepeatScorer):
        self.scorer = scorer

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        customers = [
            RepeatCustomer(
                recency_days=int(row["recency_days"]),
                orders=int(row["orders"]),
                aov=float(row["aov"]),
                tenure_days=int(row["tenure_days"]),
            ).coherent()
            for row in frame.to_dict("records")
        ]
        p = np.array([answer.p_repeat for answer in outlooks(self.scorer, customers)])
        return np.column_stack([1 - p, p])


def propensity_contributions(
    scorer: RepeatScorer, customer: RepeatCustomer, typical: RepeatCustomer
) -> tuple[float, dict[str, float]]:
    """The typical customer's propensity and each input's exact Shapley share of the change to
    `customer`'s, keyed by the inputs' labels."""
    baseline, shares = contributions(
        _Propensity(scorer), list(LABELS), customer.as_dict(), typical.as_dict()
    )
    return baseline, {LABELS[name]: share for name, share in shares.items()}


def certainty_sentence(answer: Outlook, horizon_days: int, level: float) -> str:
    """How sure: the interval of the order count in words."""
    low, high = int(answer.orders_low), int(answer.orders_high)
    span = f"{low} order{'s' if low != 1 else ''}" if low == high else f"{low} to {high} orders"
    return (
        f"{level:.0%} interval: {span} in the next {horizon_days} days "
        f"(expected {answer.expected_orders:.2f}); still active: {answer.p_alive:.0%}."
    )
