"""The segment explorer for an order-log run: what its customers (customer_behaviour) can be
filtered on and plotted by, and its segments' behaviour profiles and comparisons, in the
explorer's own Choices and Filters (dashapp.logic.explorer)."""

import pandas as pd

from analytics.steps.rfm import GROUPS
from dashapp.logic.explorer import Choices, slider_for
from dashapp.ui import theme

RFM_SCORES = (1, 2, 3, 4, 5)
# Filtered by a range each (a full range keeps everyone).
RANGE_COLUMNS = ("expected_value", "p_alive")
# What the scatter may plot; the first two are its default axes (the R and F of RFM).
AXES = ("recency_days", "frequency", "monetary", "expected_value", "p_alive", "p_repeat")
# Filtered by choosing values: the RFM group, and the R and FM scores of the R × FM grid.
PICKS = {"rfm_group": GROUPS, "r_score": RFM_SCORES, "fm_score": RFM_SCORES}
PROBABILITY_COLUMN = "p_repeat"
PROFILE_COLUMNS = [
    "segment",
    "recency_days",
    "frequency",
    "monetary",
    "expected_value",
    "p_alive",
    "p_repeat",
]


def choices_for(customers: pd.DataFrame, segments: list[int]) -> Choices:
    """What an order-log run's customers can be filtered on: no genders or purchase status, a
    slider for expected value and P(alive), the RFM picks and a minimum propensity."""
    sliders = {
        column: slider_for(customers[column])
        for column in RANGE_COLUMNS
        if customers[column].notna().any()
    }
    return Choices(
        genders=(),
        segments=tuple(sorted(segments)),
        sliders=sliders,
        has_probability=bool(customers[PROBABILITY_COLUMN].notna().any()),
        axes=AXES,
        picks=dict(PICKS),
        probability_column=PROBABILITY_COLUMN,
        has_purchase_status=False,
    )


def segment_profiles(frame: pd.DataFrame) -> pd.DataFrame:
    """Per segment of the given customers: how many, their share, mean recency, orders, spend,
    P(alive) and propensity, and their spend so far and expected value, summed."""
    columns = [
        "segment",
        "customers",
        "share",
        "recency_mean",
        "frequency_mean",
        "monetary_mean",
        "p_alive_mean",
        "p_repeat_mean",
        "revenue",
        "expected_value",
    ]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    profiles = frame.groupby("segment", sort=True).agg(
        customers=("recency_days", "size"),
        recency_mean=("recency_days", "mean"),
        frequency_mean=("frequency", "mean"),
        monetary_mean=("monetary", "mean"),
        p_alive_mean=("p_alive", "mean"),
        p_repeat_mean=("p_repeat", "mean"),
        revenue=("monetary", "sum"),
        expected_value=("expected_value", "sum"),
    )
    profiles["share"] = profiles["customers"] / len(frame)
    return profiles.reset_index()[columns]


def _days(value: float) -> str:
    return f"{theme.number(value, 0)} days"


def _points(share: float) -> str:
    return f"{share * 100:.1f} pts"


# (label, profile key, how a value is written, how a difference is written)
COMPARED = (
    ("Customers", "customers", theme.count, theme.count),
    ("Days since last order", "recency_mean", _days, _days),
    ("Orders per customer", "frequency_mean", theme.number, theme.number),
    ("Spend per customer", "monetary_mean", theme.money, theme.money),
    ("P(alive)", "p_alive_mean", theme.percent, _points),
    ("Repeat propensity", "p_repeat_mean", theme.percent, _points),
    ("Spend so far", "revenue", theme.money, theme.money),
    ("Expected value", "expected_value", theme.money, theme.money),
)

# The profile table's columns: heading and how its profile key is written.
PROFILE_TABLE = (
    ("Customers", "customers", theme.count),
    ("Share", "share", theme.percent),
    ("Avg days since last order", "recency_mean", lambda days: theme.number(days, 0)),
    ("Avg orders", "frequency_mean", theme.number),
    ("Avg spend", "monetary_mean", theme.money),
    ("Avg P(alive)", "p_alive_mean", theme.percent),
    ("Avg propensity", "p_repeat_mean", theme.percent),
    ("Expected value", "expected_value", theme.money),
)


def profile_cells(profile: pd.Series | None) -> list[str]:
    """A segment's profile as the profile table's cells; None: a segment nobody matches."""
    if profile is None:
        return [theme.count(0), *[theme.MISSING] * (len(PROFILE_TABLE) - 1)]
    return [shown(profile[key]) for _, key, shown in PROFILE_TABLE]
