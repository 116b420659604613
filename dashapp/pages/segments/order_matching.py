"""The explorer's counts, profiles and scatter sample for an order-log run, whose customers (one
row per customer who ordered) are a frame in memory: explorer.masks over it, where a
customer-file run's are queries (dashapp.data.customer_reads)."""

import numpy as np
import pandas as pd

from dashapp.data.customer_reads import Summary
from dashapp.logic import explorer, explorer_orders
from dashapp.pages.segments.explored import Explored


def _profiles(run: Explored, mask: np.ndarray) -> pd.DataFrame:
    return explorer_orders.segment_profiles(
        run.customers.loc[mask, explorer_orders.PROFILE_COLUMNS]
    )


def summary(run: Explored, filters: explorer.Filters) -> Summary:
    masks = explorer.masks(run.customers, filters, run.choices)
    matching = masks.matching
    return Summary(
        int(matching.sum()),
        len(run.customers),
        explorer.segment_counts(run.customers, run.segments, masks.any_segment),
        _profiles(run, matching),
    )


def scatter_sample(run: Explored, filters: explorer.Filters) -> tuple[pd.DataFrame, int]:
    masks = explorer.masks(run.customers, filters, run.choices)
    shown = masks.shown
    positions = explorer.sample_positions(shown)
    points = run.customers.iloc[positions][[*run.choices.axes, "segment"]]
    if filters.selection:
        points = points.assign(selected=masks.selection[positions])
    return points, int(shown.sum())


def pair_profiles(run: Explored, filters: explorer.Filters, pair: tuple[int, int]) -> pd.DataFrame:
    masks = explorer.masks(run.customers, filters, run.choices)
    in_pair = masks.any_segment & np.isin(run.customers["segment"].to_numpy(), list(pair))
    return _profiles(run, in_pair)
