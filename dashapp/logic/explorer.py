"""Pure helpers behind the segment explorer: the filter state and its query string, which
customers match, the scatter sample and selection, and segment profiles and comparisons. An
order-log run's filters (dashapp.logic.explorer_orders) use the same Choices and Filters."""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from math import ceil, floor, log10

import numpy as np
import pandas as pd

from analytics.config import RANDOM_STATE
from dashapp.logic.explorer_selection import LASSO_VERTICES as LASSO_VERTICES
from dashapp.logic.explorer_selection import inside_selection
from dashapp.logic.explorer_selection import selection_from_event as selection_from_event
from dashapp.ui import theme

RANGE_COLUMNS = ("Age", "Salary", "Price")
PURCHASE_CHOICES = {"all": "All", "buyers": "Buyers", "non-buyers": "Non-buyers"}
# The minimum purchase probability moves in steps of this size, from 0 (no filter) to 1.
PROBABILITY_STEP = 0.05
# WebGL stays responsive well beyond this, but the figure's payload grows with every point.
SCATTER_LIMIT = 20_000
# The largest top N by probability the explorer takes (a filter beyond it keeps everyone).
MAX_TOP_N = 10**9
# Each range slider has about this many steps across the data.
SLIDER_STEPS = 50


@dataclass(frozen=True)
class Slider:
    low: float
    high: float
    step: float


@dataclass(frozen=True)
class Choices:
    """What a run offers to filter on: genders (most common first), segments, a slider per
    range column that has data, and a minimum probability (of `probability_column`) when the
    run has one; `picks` are further columns to choose values of ({column: its values}), and
    `axes` the columns the scatter may plot."""

    genders: tuple[str, ...]
    segments: tuple[int, ...]
    sliders: Mapping[str, Slider]
    has_probability: bool
    axes: tuple[str, ...] = ()
    picks: Mapping[str, tuple] = field(default_factory=dict)
    probability_column: str = "purchase_probability"
    # Whether customers can be told apart by having purchased (a customer file's Purchased).
    has_purchase_status: bool = True


@dataclass(frozen=True)
class Filters:
    """What the controls hold. A range that spans its whole slider does not filter (so customers
    without a value stay in); an empty gender or segment choice matches nobody; a minimum
    purchase probability of 0 does not filter. `top_n` keeps the N customers with the highest
    probability among those the controls match (before the scatter selection, which picks among
    the points shown); None keeps them all."""

    genders: tuple[str, ...]
    ranges: Mapping[str, tuple[float, float]]
    segments: tuple[int, ...]
    purchased: str = "all"
    selection: Mapping | None = None
    min_probability: float = 0.0
    # The chosen values of each of Choices.picks (all of them, or left out: no filter).
    picks: Mapping[str, tuple] = field(default_factory=dict)
    top_n: int | None = None


@dataclass(frozen=True)
class View:
    x: str
    y: str
    compare: tuple[int, int]


@dataclass(frozen=True)
class Masks:
    """Which customers pass each part of the filters, as boolean arrays over the customers;
    with `top_n`, only the N highest `probability` values of those the controls match count."""

    others: np.ndarray
    segments: np.ndarray
    selection: np.ndarray = field(repr=False)
    probability: np.ndarray | None = field(default=None, repr=False)
    top_n: int | None = None

    @property
    def shown(self) -> np.ndarray:
        """Matching every filter but the scatter selection (what the scatter plots)."""
        return self._top(self.others & self.segments)

    @property
    def matching(self) -> np.ndarray:
        return self.shown & self.selection

    @property
    def any_segment(self) -> np.ndarray:
        """Matching every filter but the segment choice (what the segment views compare)."""
        return self._top(self.others) & self.selection

    def _top(self, mask: np.ndarray) -> np.ndarray:
        positions = np.flatnonzero(mask)
        if self.top_n is None or self.probability is None or len(positions) <= self.top_n:
            return mask
        # Highest first, a tie to the earlier customer; customers without a probability last.
        kept = positions[np.argsort(-self.probability[positions], kind="stable")[: self.top_n]]
        top = np.zeros(len(mask), dtype=bool)
        top[kept] = True
        return top


def choices_for(customers: pd.DataFrame, segments: Collection[int]) -> Choices:
    sliders = {
        column: slider_for(customers[column])
        for column in RANGE_COLUMNS
        if customers[column].notna().any()
    }
    genders = tuple(str(g) for g in customers["Gender"].value_counts().index)
    has_probability = bool(customers["purchase_probability"].notna().any())
    axes = tuple(column for column in RANGE_COLUMNS if column in sliders)
    return Choices(genders, tuple(sorted(segments)), sliders, has_probability, axes)


def slider_for(values: pd.Series) -> Slider:
    """A slider over the values with a round step, its ends rounded outwards to the step."""
    whole = bool(values.dropna().mod(1).eq(0).all())
    return slider_between(float(values.min()), float(values.max()), whole)


def slider_between(low: float, high: float, whole: bool) -> Slider:
    """slider_for values from `low` to `high`, all whole numbers or not."""
    step = 10.0 ** floor(log10((high - low) / SLIDER_STEPS)) if high > low else 1.0
    if whole:
        step = max(step, 1.0)
    decimals = max(0, -floor(log10(step)))
    return Slider(
        round(floor(low / step) * step, decimals), round(ceil(high / step) * step, decimals), step
    )


def top_n_value(value: object) -> int | None:
    """The top-N control's value as a count of customers; None (keep them all) for an empty,
    non-numeric, fractional or non-positive value."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number.is_integer() and 0 < number <= MAX_TOP_N else None


def default_filters(choices: Choices) -> Filters:
    return Filters(
        genders=choices.genders,
        ranges={column: (s.low, s.high) for column, s in choices.sliders.items()},
        segments=choices.segments,
        picks=dict(choices.picks),
    )


def default_view(choices: Choices) -> View:
    axes = choices.axes
    compare = (choices.segments + choices.segments)[:2]
    return View(axes[0], axes[min(1, len(axes) - 1)], compare)


# What a column is called where people read it; columns not listed go by their own names.
COLUMN_LABELS = {
    "recency_days": "Recency (days)",
    "frequency": "Orders",
    "monetary": "Spend ($)",
    "expected_value": "Expected value ($)",
    "p_alive": "P(alive)",
    "p_repeat": "Propensity",
}
# How a column's values are written; money unless listed.
_COUNTED = ("Age", "recency_days", "frequency")
_SHARES = ("p_alive", "p_repeat")


def label(column: str) -> str:
    return COLUMN_LABELS.get(column, column)


def describe_selection(selection: Mapping | None) -> str:
    if not selection:
        return "None: drag on the scatter to select customers."
    x, y = selection["x"], selection["y"]
    axes = f"{label(x)} × {label(y)}"
    if selection["kind"] == "lasso":
        return f"Lasso selection on {axes}."
    xs, ys = selection["xs"], selection["ys"]
    return (
        f"Box selection: {label(x)} {value_text(x, xs[0])}–{value_text(x, xs[1])}, "
        f"{label(y)} {value_text(y, ys[0])}–{value_text(y, ys[1])}."
    )


def value_text(column: str, value: float) -> str:
    if column in _COUNTED:
        return theme.number(value, 0)
    return theme.number(value, 2) if column in _SHARES else theme.money(value)


# Which customers match.


def active_ranges(filters: Filters, choices: Choices) -> dict[str, tuple[float, float]]:
    """The ranges that narrow the customers: present in the run and inside their slider."""
    active = {}
    for column, slider in choices.sliders.items():
        value = filters.ranges.get(column)
        if value is not None and (value[0] > slider.low or value[1] < slider.high):
            active[column] = (value[0], value[1])
    return active


def masks(customers: pd.DataFrame, filters: Filters, choices: Choices) -> Masks:
    rows = len(customers)
    others = np.ones(rows, dtype=bool)
    if set(filters.genders) != set(choices.genders):
        others &= customers["Gender"].isin(filters.genders).to_numpy()
    for column, (low, high) in active_ranges(filters, choices).items():
        values = customers[column].to_numpy()
        others &= (values >= low) & (values <= high)
    if choices.has_purchase_status and filters.purchased != "all":
        others &= customers["Purchased"].to_numpy() == (filters.purchased == "buyers")
    if choices.has_probability and filters.min_probability > 0:
        others &= customers[choices.probability_column].to_numpy() >= filters.min_probability
    for column, values in choices.picks.items():
        chosen = filters.picks.get(column)
        if chosen is not None and set(chosen) != set(values):
            others &= customers[column].isin(list(chosen)).to_numpy()
    segments = np.ones(rows, dtype=bool)
    if set(filters.segments) != set(choices.segments):
        segments = np.isin(customers["segment"].to_numpy(), list(filters.segments))
    selection = np.ones(rows, dtype=bool)
    if filters.selection:
        selection = inside_selection(
            filters.selection,
            customers[filters.selection["x"]].to_numpy(),
            customers[filters.selection["y"]].to_numpy(),
        )
    if choices.has_probability and filters.top_n:
        probability = customers[choices.probability_column].to_numpy(dtype=float)
        return Masks(others, segments, selection, probability, int(filters.top_n))
    return Masks(others, segments, selection)


def count_text(matching: int, total: int) -> str:
    return f"{theme.count(matching)} of {theme.count(total)} customers match"


def sample_note(shown: int, total: int) -> str:
    if shown >= total:
        return f"Showing all {theme.count(total)} matching customers."
    return f"Showing a random sample of {theme.count(shown)} of {theme.count(total)} customers."


def sample_positions(mask: np.ndarray, limit: int = SCATTER_LIMIT) -> np.ndarray:
    """Positions of at most `limit` of the True entries, in order, chosen uniformly at random.

    The draw is by a fixed random ranking of all rows, so narrowing the filters keeps the
    points that stay in the sample where they were instead of drawing a new sample.
    """
    positions = np.flatnonzero(mask)
    if len(positions) <= limit:
        return positions
    rank = np.random.default_rng(RANDOM_STATE).permutation(len(mask))
    return np.sort(positions[np.argpartition(rank[positions], limit)[:limit]])


def toggle_segment(chosen: Collection[int], clicked: int, segments: Collection[int]) -> list[int]:
    """A click on a segment shows only that segment; a click on the only one shows them all."""
    return sorted(segments) if list(chosen) == [clicked] else [clicked]


# Profiles of segments.

PROFILE_COLUMNS = [
    "segment",
    "customers",
    "share",
    "age_mean",
    "salary_mean",
    "price_mean",
    "purchase_rate",
    "revenue",
    "revenue_per_customer",
    "top_gender",
    "top_gender_share",
]


def segment_counts(customers: pd.DataFrame, segments: pd.DataFrame, mask: np.ndarray):
    """Columns segment, name, size and share (of the masked customers) for every segment."""
    ids = segments["segment"].to_numpy()
    size = np.bincount(customers["segment"].to_numpy()[mask], minlength=ids.max() + 1)[ids]
    total = size.sum()
    return pd.DataFrame(
        {
            "segment": ids,
            "name": segments["name"].to_numpy(),
            "size": size,
            "share": size / total if total else np.zeros(len(size)),
        }
    )


def segment_profiles(frame: pd.DataFrame) -> pd.DataFrame:
    """Per segment of the given customers: how many, their share, means, purchase rate, revenue
    (prices of purchases) and most common gender. Means of a column without values are NaN."""
    if frame.empty:
        return pd.DataFrame(columns=PROFILE_COLUMNS)
    groups = frame.groupby("segment", sort=True)
    profiles = groups.agg(
        customers=("Purchased", "size"),
        age_mean=("Age", "mean"),
        salary_mean=("Salary", "mean"),
        price_mean=("Price", "mean"),
        purchase_rate=("Purchased", "mean"),
    )
    if frame["Price"].notna().any():
        revenue = frame["Price"] * frame["Purchased"]
        profiles["revenue"] = revenue.groupby(frame["segment"]).sum()
    else:
        profiles["revenue"] = np.nan
    profiles["revenue_per_customer"] = profiles["revenue"] / profiles["customers"]
    profiles["share"] = profiles["customers"] / len(frame)
    genders = frame.groupby(["segment", "Gender"]).size()
    top = genders.groupby(level="segment").idxmax().map(lambda key: key[1])
    profiles["top_gender"] = top
    profiles["top_gender_share"] = genders.groupby(level="segment").max() / profiles["customers"]
    return profiles.reset_index()[PROFILE_COLUMNS]


_COMPARED = (
    ("Customers", "customers", theme.count, theme.count),
    ("Average age", "age_mean", theme.number, lambda years: f"{theme.number(years)} years"),
    ("Average salary", "salary_mean", theme.money, theme.money),
    ("Average price", "price_mean", theme.money, theme.money),
    ("Purchase rate", "purchase_rate", theme.percent, lambda rate: f"{rate * 100:.1f} pts"),
    ("Revenue", "revenue", theme.money, theme.money),
    ("Revenue per customer", "revenue_per_customer", theme.money, theme.money),
)


def comparison_rows(a: pd.Series | None, b: pd.Series | None) -> list[tuple[str, str, str, str]]:
    """(measure, A, B, B − A) for two segment profiles; None for a segment with no customers."""
    rows = measure_rows(a, b, _COMPARED)
    rows.append(("Most common gender", _top_gender(a), _top_gender(b), ""))
    return rows


def measure_rows(
    a: pd.Series | None, b: pd.Series | None, measures: Iterable[tuple]
) -> list[tuple[str, str, str, str]]:
    """(measure, A, B, B − A) for each (label, profile key, format, difference format)."""
    rows = []
    for name, key, shown, difference in measures:
        first = None if a is None else a[key]
        second = None if b is None else b[key]
        change = theme.MISSING
        if first is not None and second is not None and first == first and second == second:
            change = f"{'+' if second >= first else '−'}{difference(abs(second - first))}"
        rows.append((name, shown(first), shown(second), change))
    return rows


def _top_gender(profile: pd.Series | None) -> str:
    if profile is None:
        return theme.MISSING
    return f"{profile['top_gender']} ({theme.percent(profile['top_gender_share'])})"
