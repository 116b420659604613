"""What the pages derive from a stored run, cached like the reads they start from (a published
run never changes): the computing is in dashapp.logic, the reading in dashapp.data.queries."""

import numpy as np
import pandas as pd

from analytics.db.models import ORDER_LOG
from dashapp.data import cache, customer_reads, orders, queries
from dashapp.logic import comparison, explorer, explorer_link, explorer_orders, export, pricing
from dashapp.ui import theme


def segment_label_map(url: str, run_id: int) -> dict[int, str]:
    """Each segment of a run and its label ("2. Older mid earners, …")."""
    names = queries.overview(url, run_id).segments.set_index("segment")["name"]
    return {int(segment): theme.segment_label(segment, name) for segment, name in names.items()}


@cache.per_run
def segment_moves(url: str, previous_id: int, run_id: int) -> pd.DataFrame:
    """Who moved between the segments of two runs; both runs are published, so it is cached."""
    return comparison.segment_moves(
        customer_reads.moves_between(url, previous_id, run_id),
        segment_label_map(url, previous_id),
        segment_label_map(url, run_id),
    )


def product_prices(url: str, run_id: int) -> pd.DataFrame:
    """Each product of a run with its customers and most common price, most common first."""
    return customer_reads.typical_prices(url, run_id)


@cache.process_local(maxsize=16)
def segment_prediction(
    url: str, run_id: int, segment: int | None
) -> pricing.SegmentPrediction | None:
    """Today's predictions for a segment (None: every customer), computed once per run and
    segment so that a what-if price change only predicts the changed prices: on at most
    pricing.SEGMENT_ROWS of its customers, the first in the run's random order. None without a
    model. Callers must not modify what they get."""
    model = queries.purchase_model(url, run_id)
    if model is None:
        return None
    sample, size = customer_reads.segment_sample(
        url, run_id, segment, model.features, pricing.SEGMENT_ROWS
    )
    return pricing.predict_sample(model.estimator, model.features, sample, size)


@cache.per_run
def order_explorer_choices(url: str, run_id: int) -> explorer.Choices:
    """What the segment explorer offers to filter an order-log run's customers on."""
    segments = orders.order_summary(url, run_id).segments["segment"]
    return explorer_orders.choices_for(orders.behaviour_customers(url, run_id), segments.tolist())


def order_segment_names(url: str, run_id: int) -> dict[int, str]:
    segments = orders.order_summary(url, run_id).segments
    return dict(zip(segments["segment"], segments["name"], strict=True))


@cache.process_local(maxsize=2)
def order_audience_csv_lines(url: str, run_id: int) -> tuple[str, np.ndarray]:
    """An order-log run's customers as audience CSV: the header and one line per customer, in
    the order of orders.behaviour_customers, rendered once per run so that an export picks
    lines."""
    names = order_segment_names(url, run_id)
    return export.csv_lines(
        export.order_audience_frame(orders.behaviour_customers(url, run_id), names)
    )


def audience_sizes(url: str, input_kind: str, query: str, run_ids: list[int]) -> list[int | None]:
    """How many customers of each run (published, of `input_kind`) match a saved audience's
    filters (`query`, the explorer's link): the one place that counts an audience. None for a
    run that some filter does not fit (a segment it does not have…): the explorer would ignore
    that filter there, so the count would not be the audience's."""
    return [_audience_size(url, run_id, input_kind, query) for run_id in run_ids]


@cache.per_run
def _audience_size(url: str, run_id: int, input_kind: str, query: str) -> int | None:
    order_log = input_kind == ORDER_LOG
    choices = (
        order_explorer_choices(url, run_id)
        if order_log
        else customer_reads.explorer_choices(url, run_id)
    )
    filters, _view, ignored = explorer_link.read_query(explorer_link.parameters(query), choices)
    if ignored:
        return None
    if not order_log:  # counted by the database: no process holds a run's customers
        return customer_reads.matching_count(url, run_id, filters)
    customers = orders.behaviour_customers(url, run_id)
    return int(explorer.masks(customers, filters, choices).matching.sum())
