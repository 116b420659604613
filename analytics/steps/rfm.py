"""RFM analysis of a transaction log (one row per order): scores and named groups per customer.

For each customer, as of a date (default: the day after the last order in the log):

- **recency** — days from the customer's last order to the as-of date;
- **frequency** — number of orders (rows);
- **monetary** — total amount over those orders.

Each becomes a quintile score from 1 to 5; for recency the scale is reversed, so the most
recent fifth of customers scores 5. Values are ranked with `method="first"` before they are cut
into fifths, so each score covers (nearly) a fifth of the customers and every score 1–5 is used
even on real logs where most customers have one order. The price is that equal values can land
in adjacent scores: ties are broken by customer id in sorted order (the order `groupby` gives),
so the result does not depend on the order of rows in the file. At least 5 customers are needed.

FM = the mean of the F and M scores, rounded half up (F 4 and M 5 give FM 5). The group comes
from the widely used 5 × 5 R-score × FM-score map; its bottom-left cell, often called
"Hibernating", is named "Lost" here, which gives these ten groups:

| group              | R score | FM score |
|--------------------|---------|----------|
| Champions          | 5       | 4–5      |
| Loyal Customers    | 3–4     | 4–5      |
| Potential Loyalist | 4–5     | 2–3      |
| New Customers      | 5       | 1        |
| Promising          | 4       | 1        |
| Need Attention     | 3       | 3        |
| About To Sleep     | 3       | 1–2      |
| At Risk            | 1–2     | 3–4      |
| Can't Lose Them    | 1–2     | 5        |
| Lost               | 1–2     | 1–2      |

The rules cover each of the 25 (R, FM) cells exactly once (checked when this module loads).
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

# group, (lowest, highest) R score, (lowest, highest) FM score; in this order everywhere.
GROUP_RULES = (
    ("Champions", (5, 5), (4, 5)),
    ("Loyal Customers", (3, 4), (4, 5)),
    ("Potential Loyalist", (4, 5), (2, 3)),
    ("New Customers", (5, 5), (1, 1)),
    ("Promising", (4, 4), (1, 1)),
    ("Need Attention", (3, 3), (3, 3)),
    ("About To Sleep", (3, 3), (1, 2)),
    ("At Risk", (1, 2), (3, 4)),
    ("Can't Lose Them", (1, 2), (5, 5)),
    ("Lost", (1, 2), (1, 2)),
)
GROUPS = tuple(name for name, _, _ in GROUP_RULES)
MIN_CUSTOMERS = 5
# The width of the customer id column in the database.


def _group_grid() -> np.ndarray:
    """grid[r - 1, fm - 1] = index into GROUPS."""
    grid = np.full((5, 5), -1)
    for code, (name, (r_low, r_high), (fm_low, fm_high)) in enumerate(GROUP_RULES):
        cells = grid[r_low - 1 : r_high, fm_low - 1 : fm_high]
        if (cells != -1).any():
            raise AssertionError(f"RFM rule {name!r} overlaps another rule")
        cells[:] = code
    if (grid == -1).any():
        raise AssertionError("the RFM rules leave some (R, FM) cells without a group")
    return grid


_GRID = _group_grid()


@dataclass(frozen=True)
class RfmResult:
    """Per-customer scores and per-group summary of one log, as of one date."""

    customers: pd.DataFrame
    groups: pd.DataFrame
    as_of: date
    orders: int


def compute_rfm(orders: pd.DataFrame, as_of: date | None = None) -> RfmResult:
    """Score validated orders (customer_id, order_date, amount) as of `as_of`."""
    order_day = orders["order_date"].dt.normalize()
    last_order = order_day.max()
    if as_of is None:
        as_of = (last_order + pd.Timedelta(days=1)).date()
    elif pd.Timestamp(as_of) < last_order:
        line = int(order_day.idxmax()) + 2
        raise ValueError(
            f"the as-of date {as_of.isoformat()} is before the last order in the log "
            f"({last_order.date().isoformat()}, line {line}); recency would be negative"
        )

    per_customer = (
        orders.assign(order_day=order_day)
        .groupby("customer_id", sort=True)
        .agg(
            last_order=("order_day", "max"),
            frequency=("order_day", "size"),
            monetary=("amount", "sum"),
        )
    )
    recency = (pd.Timestamp(as_of) - per_customer["last_order"]).dt.days
    scores = pd.DataFrame(
        {
            "customer_id": per_customer.index.to_numpy(),
            "recency": recency.to_numpy(dtype=int),
            "frequency": per_customer["frequency"].to_numpy(dtype=int),
            "monetary": per_customer["monetary"].to_numpy(dtype=float),
        }
    )
    scores["r_score"] = quintile_scores(scores["recency"], ascending=False)
    scores["f_score"] = quintile_scores(scores["frequency"])
    scores["m_score"] = quintile_scores(scores["monetary"])
    scores["fm_score"] = fm_scores(scores["f_score"], scores["m_score"])
    scores["group"] = assign_groups(scores["r_score"], scores["fm_score"])
    return RfmResult(
        customers=scores,
        groups=summarise_groups(scores),
        as_of=as_of,
        orders=len(orders),
    )


def quintile_scores(values: pd.Series, ascending: bool = True) -> np.ndarray:
    """Scores 1–5 by fifths of the ranks; ties take the order of the rows (see module doc).

    With `ascending=False` the largest values score 1, as recency needs.
    """
    if len(values) < MIN_CUSTOMERS:
        raise ValueError(f"quintile scores need at least {MIN_CUSTOMERS} values")
    ranks = values.rank(method="first", ascending=ascending)
    return pd.qcut(ranks, 5, labels=False).to_numpy(dtype=int) + 1


def fm_scores(f_score: pd.Series, m_score: pd.Series) -> np.ndarray:
    """The mean of F and M, rounded half up (not to even, so 4.5 → 5 and 2.5 → 3 alike)."""
    return (np.asarray(f_score, dtype=int) + np.asarray(m_score, dtype=int) + 1) // 2


def assign_groups(r_score: pd.Series, fm_score: pd.Series) -> pd.Categorical:
    """The named group of each (R, FM) pair, as a categorical over GROUPS in rule order."""
    codes = _GRID[np.asarray(r_score, dtype=int) - 1, np.asarray(fm_score, dtype=int) - 1]
    return pd.Categorical.from_codes(codes, categories=list(GROUPS))


def summarise_groups(scores: pd.DataFrame) -> pd.DataFrame:
    """One row per group (all ten, in rule order, empty ones with zero customers)."""
    summary = (
        scores.groupby("group", observed=False)
        .agg(
            customers=("customer_id", "size"),
            mean_recency=("recency", "mean"),
            mean_frequency=("frequency", "mean"),
            mean_monetary=("monetary", "mean"),
            revenue=("monetary", "sum"),
        )
        .reindex(list(GROUPS))
        .rename_axis("name")
        .reset_index()
    )
    summary["customers"] = summary["customers"].fillna(0).astype(int)
    summary["revenue"] = summary["revenue"].fillna(0.0)
    summary.insert(2, "share", summary["customers"] / max(len(scores), 1))
    return summary
