"""What /api/v1 answers about an order-log run: its summary (order KPIs, RFM groups and grid,
segments, the repeat and value models' figures, the backtest) and its customers, filtered and
paged. dashapp.api.routes checks tokens and parameters and writes the responses."""

from dataclasses import dataclass

import pandas as pd

from analytics.db.models import ORDER_LOG
from dashapp.data import derived, orders
from dashapp.logic import export


@dataclass(frozen=True)
class CustomerPage:
    customers: pd.DataFrame  # the page, as the explorer's audience export writes it
    total: int  # customers matching the filters, on every page


def published_run(url: str, run_id: int) -> orders.OrderRunInfo | None:
    """The published order-log run `run_id`, or None for any other id."""
    if orders.published_order_run_id(run_id) is None:
        return None
    return orders.order_run(url, run_id)


def summary(url: str, run: orders.OrderRunInfo) -> dict:
    stored = orders.order_summary(url, run.id)
    return {
        "run_id": run.id,
        "input_kind": ORDER_LOG,
        "input_name": run.input_name,
        "created_at": run.created_at,
        "customers": run.customers,
        "order_kpis": stored["order_kpis"],
        "rfm_groups": stored["rfm_groups"],
        "rfm_grid": stored["rfm_grid"],
        "segments": _segments(stored.segments),
        "repeat_model": _model(stored.repeat_model),
        "value_model": _model(stored.value_model),
        "backtest": stored["backtest"],
        "notes": stored.notes,
    }


def _segments(profiles: pd.DataFrame) -> list[dict]:
    """Segment profiles numbered from 1, as on the dashboard and in the exports."""
    return [
        {"id": int(profile.pop("segment")) + 1, **profile}
        for profile in profiles.to_dict(orient="records")
    ]


def _model(figures: dict | None) -> dict | None:
    if figures is None:
        return None
    return {key: figures[key] for key in ("name", "params", "metrics", "importance")}


def customer_page(
    url: str,
    run_id: int,
    rfm_groups: tuple[str, ...] | None,
    segment: int | None,
    page: int,
    per_page: int,
) -> CustomerPage:
    """Page `page` (from 1) of the run's customers in the given RFM groups (None: all) and
    segment (numbered from 1; None: all), in customer id order."""
    customers = orders.behaviour_customers(url, run_id)
    keep = pd.Series(True, index=customers.index)
    if rfm_groups is not None:
        keep &= customers["rfm_group"].isin(rfm_groups)
    if segment is not None:
        keep &= customers["segment"] == segment - 1
    members = customers[keep]
    shown = members.iloc[(page - 1) * per_page : page * per_page]
    names = derived.order_segment_names(url, run_id)
    return CustomerPage(export.order_audience_frame(shown, names), len(members))
