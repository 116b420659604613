"""Per-customer behaviour from an order log, as of a cutoff day.

The input is the validated line table (analytics.validation.order_file): customer_id,
order_id, order_date, amount, cancelled, and product_id / quantity when the log has them.

Leakage guard: every function that takes a cutoff first keeps only orders on or before it, so
nothing after the cutoff can reach a feature (tests/unit/analytics/steps/test_behaviour.py
adds an order the day after and checks that no feature moves). Labels count the orders in
(cutoff, cutoff + window], which never overlaps the features.

Definitions (days are calendar days; an "order day" merges a customer's orders of one day, as
in the buy-till-you-die literature):

- frequency: kept (not cancelled or returned) orders; repeat_orders: kept order days - 1;
- recency_days: cutoff - last kept order day; tenure_days: cutoff - first kept order day;
- monetary: revenue of kept orders minus refunds (negative amounts of returns), at least 0;
- aov: monetary / frequency; mean_days_between: (last - first) / (order days - 1), NaN for
  customers with one order day; distinct_products: distinct product ids of kept orders (NaN
  without a product column); return_rate: cancelled or returned orders / all orders.

Customers whose only orders were cancelled have no kept order and are left out.
"""

import numpy as np
import pandas as pd

BEHAVIOUR_COLUMNS = [
    "first_order",
    "last_order",
    "recency_days",
    "tenure_days",
    "frequency",
    "repeat_orders",
    "monetary",
    "aov",
    "mean_days_between",
    "distinct_products",
    "return_rate",
]
WEEK = 7.0


def order_table(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per order: customer_id, order_id, day, amount (summed lines), cancelled (any
    line cancelled, or a negative quantity in total)."""
    frame = lines.assign(day=lines["order_date"].dt.normalize())
    if "order_id" not in frame or frame["order_id"].isna().all():
        frame = frame.assign(order_id=np.arange(len(frame)).astype(str))
    aggregations = {
        "day": ("day", "min"),
        "amount": ("amount", "sum"),
        "cancelled": ("cancelled", "any"),
    }
    if "quantity" in frame:
        aggregations["quantity"] = ("quantity", "sum")
    orders = frame.groupby(["customer_id", "order_id"], sort=False, observed=True).agg(
        **aggregations
    )
    if "quantity" in orders:
        orders["cancelled"] |= orders["quantity"] < 0
        orders = orders.drop(columns="quantity")
    return orders.reset_index()


def order_days(orders: pd.DataFrame) -> pd.DataFrame:
    """Kept orders merged per customer and day (customer_id, day, amount), sorted."""
    kept = orders[~orders["cancelled"]]
    days = kept.groupby(["customer_id", "day"], sort=True, observed=True)["amount"].sum()
    return days.reset_index()


def behaviour_features(
    orders: pd.DataFrame, cutoff: pd.Timestamp, lines: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The documented features per customer (index customer_id) as of `cutoff`."""
    orders = orders[orders["day"] <= cutoff]
    kept = orders[~orders["cancelled"]]
    days = order_days(orders)
    by_day = days.groupby("customer_id", sort=True)
    first, last, count = by_day["day"].min(), by_day["day"].max(), by_day.size()
    features = pd.DataFrame({"first_order": first, "last_order": last})
    features["recency_days"] = (cutoff - last).dt.days
    features["tenure_days"] = (cutoff - first).dt.days
    features["frequency"] = kept.groupby("customer_id").size().reindex(features.index)
    features["repeat_orders"] = count - 1
    refunds = orders["amount"].where(orders["cancelled"] & (orders["amount"] < 0), 0.0)
    net = (orders["amount"].where(~orders["cancelled"], 0.0) + refunds).groupby(
        orders["customer_id"]
    )
    features["monetary"] = net.sum().reindex(features.index).clip(lower=0.0)
    features["aov"] = features["monetary"] / features["frequency"]
    span = (last - first).dt.days
    features["mean_days_between"] = (span / features["repeat_orders"]).where(
        features["repeat_orders"] > 0
    )
    features["distinct_products"] = np.nan
    if lines is not None and "product_id" in lines:
        bought = lines[(lines["order_date"].dt.normalize() <= cutoff) & ~lines["cancelled"]]
        products = bought.groupby("customer_id")["product_id"].nunique()
        features["distinct_products"] = products.reindex(features.index)
    cancelled = orders.groupby("customer_id")["cancelled"].mean()
    features["return_rate"] = cancelled.reindex(features.index).astype(float)
    return features[BEHAVIOUR_COLUMNS].rename_axis("customer_id")


def model_features(days: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    """What the repeat and count models learn from (index customer_id), in weeks: the BG/NBD
    triple (x, t_x, T), recency and its ratio to tenure, spend, inter-order gaps (mean, spread,
    last; NaN for one-time buyers), how overdue the next order is, the order rate and the
    orders and spend of the last 30 and 90 days."""
    d = days[days["day"] <= cutoff]
    grouped = d.groupby("customer_id", sort=True)
    first, last, count = grouped["day"].min(), grouped["day"].max(), grouped.size()
    f = pd.DataFrame({"orders": count, "x": count - 1})
    f["T"] = (cutoff - first).dt.days / WEEK
    f["t_x"] = (last - first).dt.days / WEEK
    f["recency"] = f["T"] - f["t_x"]
    f["recency_ratio"] = f["recency"] / f["T"].clip(lower=1 / WEEK)
    f["monetary"] = grouped["amount"].sum()
    f["aov"] = f["monetary"] / count
    gap = d["day"].diff().dt.days / WEEK
    gap[d["customer_id"].ne(d["customer_id"].shift())] = np.nan
    gaps = gap.groupby(d["customer_id"], sort=True)
    f["gap_mean"], f["gap_std"], f["gap_last"] = gaps.mean(), gaps.std(), gaps.last()
    f["overdue"] = f["recency"] / f["gap_mean"]
    f["rate"] = f["x"] / f["T"].clip(lower=1)
    for back in (30, 90):
        recent = d[d["day"] > cutoff - pd.Timedelta(days=back)]
        f[f"orders_{back}d"] = recent.groupby("customer_id").size().reindex(f.index, fill_value=0)
    recent = d[d["day"] > cutoff - pd.Timedelta(days=90)]
    f["amount_90d"] = recent.groupby("customer_id")["amount"].sum().reindex(f.index, fill_value=0)
    return f


def window_counts(days: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Order days per customer in (start, end]: the label of a time split."""
    window = days[(days["day"] > start) & (days["day"] <= end)]
    return window.groupby("customer_id").size()
