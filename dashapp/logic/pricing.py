"""Pure helpers behind the /what-if page's price questions: the price-sensitivity grid, the
smallest price change that flips a prediction, and a price change applied to a whole segment."""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashapp.ui import theme


@dataclass(frozen=True)
class PriceChange:
    """A price that moves a prediction across the buy threshold, and the probability there."""

    price: float
    change: float
    probability: float


@dataclass(frozen=True)
class SegmentOutcome:
    """Expected purchases and revenue of a segment now and after a price change, scaled from the
    predicted rows to the whole segment."""

    customers: int
    predicted_rows: int
    purchases_now: float
    purchases_changed: float
    revenue_now: float
    revenue_changed: float


_ROUND_STEPS = (1.0, 2.0, 2.5, 5.0)


def price_grid(low: float, high: float, current: float, points: int = 60) -> np.ndarray:
    """At most about `points` round prices covering the data's range and the current price, which
    is always on the grid (so the curve passes through the customer's own prediction)."""
    low, high = min(low, current), max(high, current)
    if high <= low:
        low, high = low / 2, (high * 1.5) or 1.0
    raw_step = (high - low) / (points - 1)
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (*_ROUND_STEPS, 10.0) if m * magnitude >= raw_step)
    grid = np.arange(math.floor(low / step) * step, math.ceil(high / step) * step + step / 2, step)
    return np.union1d(grid, [current])


def at_prices(customer: pd.DataFrame, prices: np.ndarray) -> pd.DataFrame:
    """A one-row frame of model inputs repeated once per price, with Price set to each in turn:
    one batch for predict_proba instead of a prediction per price."""
    batch = customer.loc[customer.index.repeat(len(prices))].reset_index(drop=True)
    batch["Price"] = np.asarray(prices, dtype=float)
    return batch


def smallest_crossing(
    prices: np.ndarray, probabilities: np.ndarray, current: float, threshold: float
) -> PriceChange | None:
    """The grid price nearest to the current one whose prediction is on the other side of the
    threshold (a purchase is likely at probability >= threshold); None when no price is.

    `prices` must be sorted and contain `current`; on equal distance the lower price wins."""
    likely = np.asarray(probabilities) >= threshold
    likely_now = likely[np.searchsorted(prices, current)]
    crossing = np.flatnonzero(likely != likely_now)
    if crossing.size == 0:
        return None
    nearest = crossing[np.argmin(np.abs(prices[crossing] - current))]
    return PriceChange(
        float(prices[nearest]), float(prices[nearest] - current), float(probabilities[nearest])
    )


def counterfactual_text(
    crossing: PriceChange | None, likely_now: bool, low: float, high: float
) -> str:
    """The smallest price change that flips the prediction, as a sentence for sales staff."""
    if crossing is None:
        outcome = "likely" if likely_now else "unlikely"
        return (
            f"A purchase stays {outcome} at every price from {theme.money(low)} to "
            f"{theme.money(high)}: no price change in that range flips the prediction."
        )
    verb = "Lowering" if crossing.change < 0 else "Raising"
    return (
        f"{verb} the price by {theme.money(abs(crossing.change))} "
        f"(to {theme.money(crossing.price)}) makes a purchase "
        f"{'unlikely' if likely_now else 'likely'} ({theme.percent(crossing.probability)})."
    )


def typical_prices_query(customers: str) -> str:
    """SQL of the products of `customers` (a table expression with "Product ID" and "Price"):
    per product its customers and most common price (the lower one on a tie), the most common
    product first; no rows without a Product ID."""
    return f"""
        WITH known AS (SELECT "Product ID" AS product, "Price" AS price FROM {customers}
                       WHERE "Product ID" IS NOT NULL),
        sizes AS (SELECT product, count(*) AS customers FROM known GROUP BY product),
        prices AS (SELECT product, price, count(*) AS n FROM known GROUP BY product, price),
        typical AS (SELECT product, first(price ORDER BY n DESC, price NULLS LAST) AS price
                    FROM prices GROUP BY product)
        SELECT sizes.product, sizes.customers, typical.price
        FROM sizes JOIN typical USING (product)
        ORDER BY sizes.customers DESC, sizes.product
    """


def changed_prices(prices: np.ndarray, change_percent: float) -> np.ndarray:
    return np.asarray(prices, dtype=float) * (1 + change_percent / 100)


def segment_outcome(
    prices: np.ndarray,
    probability_now: np.ndarray,
    probability_changed: np.ndarray,
    change_percent: float,
    customers: int,
) -> SegmentOutcome:
    """Expected purchases (sum of probabilities) and revenue (sum of probability × price) of
    the predicted rows, at their prices and after the change, scaled to `customers`."""
    prices = np.asarray(prices, dtype=float)
    scale = customers / len(prices) if len(prices) else 0.0
    return SegmentOutcome(
        customers=customers,
        predicted_rows=len(prices),
        purchases_now=float(np.sum(probability_now)) * scale,
        purchases_changed=float(np.sum(probability_changed)) * scale,
        revenue_now=float(np.sum(probability_now * prices)) * scale,
        revenue_changed=float(np.sum(probability_changed * changed_prices(prices, change_percent)))
        * scale,
    )


def _signed(value: float, formatted: str) -> str:
    return f"{'−' if value < 0 else '+'}{formatted}"


def percent_change_label(change_percent: float) -> str:
    """A price change in whole percent with a true minus sign: "−10%", "0%", "+25%"."""
    sign = "−" if change_percent < 0 else "+" if change_percent > 0 else ""
    return f"{sign}{abs(change_percent):g}%"


def _relative(now: float, changed: float) -> str:
    if not now:
        return theme.MISSING
    ratio = changed / now - 1
    return _signed(ratio, f"{abs(ratio):.1%}")


def segment_outcome_rows(outcome: SegmentOutcome) -> list[tuple[str, str, str, str]]:
    """(measure, now, after the change, difference) for the segment what-if table."""
    purchases = outcome.purchases_changed - outcome.purchases_now
    revenue = outcome.revenue_changed - outcome.revenue_now
    return [
        (
            "Expected purchases",
            theme.count(outcome.purchases_now),
            theme.count(outcome.purchases_changed),
            f"{_signed(purchases, theme.count(abs(purchases)))} "
            f"({_relative(outcome.purchases_now, outcome.purchases_changed)})",
        ),
        (
            "Expected revenue",
            theme.money(outcome.revenue_now),
            theme.money(outcome.revenue_changed),
            f"{_signed(revenue, theme.money(abs(revenue)))} "
            f"({_relative(outcome.revenue_now, outcome.revenue_changed)})",
        ),
    ]


def segment_sample_note(outcome: SegmentOutcome) -> str:
    if outcome.predicted_rows >= outcome.customers:
        return f"Predicted for all {outcome.customers:,} customers at their own prices."
    return (
        f"Predicted for a random sample of {outcome.predicted_rows:,} of "
        f"{outcome.customers:,} customers at their own prices, scaled up "
        f"×{outcome.customers / outcome.predicted_rows:.2f}."
    )


# A segment what-if predicts at most this many customers (a random sample) and scales up.
SEGMENT_ROWS = 20_000


@dataclass(frozen=True)
class SegmentPrediction:
    """A segment's model inputs (a seeded sample of at most SEGMENT_ROWS customers), their
    purchase probabilities at today's prices, and how many customers the segment has."""

    rows: pd.DataFrame
    probability: pd.Series
    customers: int


def predict_sample(
    estimator, features: list[str], sample: pd.DataFrame, customers: int
) -> SegmentPrediction:
    """Today's purchase probabilities of a sample of a segment's `customers` customers."""
    rows = sample[features]
    probability = pd.Series(estimator.predict_proba(rows)[:, 1], index=rows.index)
    return SegmentPrediction(rows, probability, customers)
