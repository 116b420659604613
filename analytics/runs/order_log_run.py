"""The order-log run (`analytics run --orders`): read an order log, compute each customer's
behaviour, RFM group, behaviour segment, repeat propensity and value, optionally backtest
them (--holdout-from), and publish it all as one run through analytics.runs.publish.

`analyse` is pure (the steps in analytics.steps); `run` adds reading and storing. In a
backtest every order on or after the holdout date is cut off before anything is computed;
the customers are those known the day before, and the horizon is the holdout period.
"""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.config import RANDOM_STATE
from analytics.db.models import ORDER_LOG, Run
from analytics.db.session import session_factory
from analytics.errors import InputError
from analytics.runs import order_log_store, publish
from analytics.runs.provenance import library_versions, sha256_of
from analytics.steps import backtest, btyd, order_summaries, repeat_model
from analytics.steps.behaviour import (
    WEEK,
    behaviour_features,
    order_days,
    order_table,
    window_counts,
)
from analytics.steps.behaviour_segments import segment_behaviour
from analytics.steps.rfm import GROUPS, assign_groups, fm_scores, quintile_scores
from analytics.steps.segmentation import Segmentation
from analytics.validation.order_file import OrderLog, read_order_log

Progress = Callable[[str], None]
DEFAULT_HORIZON_DAYS = 90
NO_BACKTEST_NO_FAIRNESS = (
    "Fairness by group needs a backtest: analyse the log with --holdout-from DATE."
)


@dataclass(frozen=True)
class OrderRunOptions:
    columns: Mapping[str, str] | None = None
    customers: Path | None = None
    holdout_from: date | None = None
    horizon_days: int = DEFAULT_HORIZON_DAYS
    k: int | str = "auto"
    seed: int = RANDOM_STATE

    def params(self) -> dict:
        return {
            "columns": dict(self.columns or {}),
            "customers": None if self.customers is None else self.customers.name,
            "holdout_from": None if self.holdout_from is None else self.holdout_from.isoformat(),
            "horizon_days": self.horizon_days,
            "k": self.k,
            "seed": self.seed,
        }


@dataclass(frozen=True)
class OrderAnalysis:
    customers: pd.DataFrame  # index customer_id: the customer_behaviour columns
    segmentation: Segmentation
    repeat: repeat_model.RepeatModel
    bgnbd: btyd.BgNbd
    gamma_gamma: btyd.GammaGamma | None
    aggregates: dict
    holdout: dict | None  # the backtest's metrics, None without --holdout-from
    fairness: dict | None  # the repeat propensity's, on the holdout: None without one too
    as_of: date
    horizon_days: int
    orders: int
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Window:
    """The day the features are taken on and the days the predictions are for."""

    cutoff: pd.Timestamp
    horizon_days: int
    last_day: pd.Timestamp  # the log's last order day (a backtest scores up to it)
    notes: list[str]


def window(first_day: pd.Timestamp, last_day: pd.Timestamp, options: OrderRunOptions) -> Window:
    """As of the last order day, or in a backtest the day before --holdout-from."""
    if options.holdout_from is None:
        return Window(last_day, options.horizon_days, last_day, [])
    holdout_start = pd.Timestamp(options.holdout_from)
    if not first_day < holdout_start <= last_day:
        raise InputError(
            f"--holdout-from {options.holdout_from.isoformat()} must fall after the first "
            f"order ({first_day.date()}) and on or before the last ({last_day.date()})."
        )
    cutoff = holdout_start - pd.Timedelta(days=1)
    horizon = (last_day - cutoff).days
    note = (
        f"Backtest: fitted on the orders before {holdout_start.date()}, scored on the "
        f"{horizon} days from it to the last order; predictions are for those {horizon} days."
    )
    return Window(cutoff, horizon, last_day, [note])


@dataclass(frozen=True)
class OrderTables:
    """What the per-customer steps need of an order log, whichever engine made it."""

    window: Window
    days: pd.DataFrame  # every kept order day: customer_id, day, amount; sorted
    behaviour: pd.DataFrame  # behaviour_features as of the cutoff, index customer_id
    orders: int  # orders on or before the cutoff
    ordering_customers: int  # customers with an order (kept or not) on or before the cutoff


def order_tables(log: OrderLog, options: OrderRunOptions) -> OrderTables:
    """The pandas engine's per-order work: orders, order days and behaviour as of the cutoff."""
    orders = order_table(log.lines)
    span = window(orders["day"].min(), orders["day"].max(), options)
    fitted_orders = orders[orders["day"] <= span.cutoff]
    lines = log.lines[log.lines["order_date"].dt.normalize() <= span.cutoff]
    return OrderTables(
        window=span,
        days=order_days(orders),
        behaviour=behaviour_features(fitted_orders, span.cutoff, lines),
        orders=len(fitted_orders),
        ordering_customers=fitted_orders["customer_id"].nunique(),
    )


def analyse(
    log: OrderLog, options: OrderRunOptions, progress: Progress = lambda _: None
) -> OrderAnalysis:
    return analyse_tables(order_tables(log, options), log.attributes, log.notes, options, progress)


def analyse_tables(
    tables: OrderTables,
    log_attributes: pd.DataFrame,
    log_notes: list[str],
    options: OrderRunOptions,
    progress: Progress = lambda _: None,
) -> OrderAnalysis:
    """Everything per customer, from the order days and behaviour (small: a row per customer
    or per customer and day), on one machine whichever engine read the log."""
    cutoff, horizon = tables.window.cutoff, tables.window.horizon_days
    last_day = tables.window.last_day
    notes = [*log_notes, *tables.window.notes]
    days = tables.days[tables.days["day"] <= cutoff].reset_index(drop=True)

    progress(f"behaviour of {days['customer_id'].nunique():,} customers as of {cutoff.date()}")
    customers = tables.behaviour
    if len(customers) < 10:
        raise InputError(f"{len(customers)} customers with orders before the cutoff; need 10.")
    left_out = tables.ordering_customers - len(customers)
    if left_out:
        notes.append(f"{left_out:,} customers whose every order was cancelled were left out.")
    customers = customers.join(_rfm(customers))
    attributes = log_attributes.reindex(customers.index)
    progress("segmenting customers by behaviour")
    segmentation = segment_behaviour(customers, attributes, options.k, options.seed)
    customers["segment"] = segmentation.labels
    progress(segmentation.reason)

    progress("learning repeat purchases from time splits of the log")
    repeat = repeat_model.fit_repeat_model(days, cutoff, horizon, options.seed)
    predicted = repeat_model.predict(repeat, days, cutoff, horizon)
    if repeat.window_days < horizon:
        notes.append(
            f"The repeat model learned from {repeat.window_days}-day windows (the log is short "
            f"for {horizon}); BG/NBD scales its answers to {horizon} days."
        )
    progress("fitting Gamma-Gamma spend")
    # Gamma-Gamma's convention: the mean of repeat orders (the first one is often different);
    # one-time buyers get the population mean whatever their own value is.
    mean_value = days.groupby("customer_id")["amount"].mean().reindex(customers.index)
    repeats = days[days["customer_id"].duplicated()]
    repeat_value = repeats.groupby("customer_id")["amount"].mean().reindex(customers.index)
    mean_value = repeat_value.fillna(mean_value)
    gamma_gamma = btyd.fit_gamma_gamma(customers["repeat_orders"], mean_value)
    if gamma_gamma is None:
        notes.append(
            "Gamma-Gamma could not be fitted (too few repeat buyers, or no convergence): "
            "expected spend is each customer's mean order value."
        )
    frame = predicted.frame.reindex(customers.index)
    customers = customers.join(frame.drop(columns=["bg_expected", "x", "t_x", "T"]))
    customers["expected_spend"] = btyd.expected_spend(
        gamma_gamma, customers["repeat_orders"], mean_value
    )
    customers["expected_value"] = customers["expected_orders"] * customers["expected_spend"]
    customers["attributes"] = _attribute_dicts(attributes)

    holdout, curves, fairness = None, {}, None
    customers["holdout_orders"] = np.nan
    if options.holdout_from is not None:
        all_days = tables.days
        actual = window_counts(all_days, cutoff, last_day)
        holdout = backtest.holdout_metrics(frame, actual)
        fairness = backtest.holdout_fairness(frame, actual, attributes)
        known = all_days[all_days["day"] > cutoff]
        holdout["new_customers"] = int((~known["customer_id"].isin(customers.index)).sum())
        customers["holdout_orders"] = actual.reindex(customers.index, fill_value=0)
        curves = {
            "weekly": backtest.weekly_curve(
                frame, predicted.bgnbd, known, cutoff + pd.Timedelta(days=1), horizon
            ),
            "by_frequency": backtest.frequency_curve(frame, actual),
        }

    before = np.maximum(frame["T"] - order_summaries.AT_RISK_DAYS / WEEK, frame["t_x"])
    p_alive_before = btyd.p_alive(predicted.bgnbd, frame["x"], frame["t_x"], before)
    as_of = cutoff.date()
    names = dict(zip(segmentation.profiles["segment"], segmentation.profiles["name"], strict=True))
    aggregates = {
        "order_kpis": order_summaries.order_kpis(
            customers, tables.orders, horizon, as_of.isoformat()
        ),
        "rfm_grid": order_summaries.rfm_grid(customers),
        "rfm_groups": order_summaries.rfm_groups(customers),
        "value_by_segment": order_summaries.value_by_segment(customers, names),
        "at_risk": order_summaries.at_risk(customers, p_alive_before),
    }
    if holdout is not None:
        aggregates["backtest"] = {**holdout, **curves}
    return OrderAnalysis(
        customers=customers,
        segmentation=segmentation,
        repeat=repeat,
        bgnbd=predicted.bgnbd,
        gamma_gamma=gamma_gamma,
        aggregates=aggregates,
        holdout=holdout,
        fairness=fairness,
        as_of=as_of,
        horizon_days=horizon,
        orders=tables.orders,
        notes=notes,
    )


def _rfm(customers: pd.DataFrame) -> pd.DataFrame:
    """Scores and groups by analytics.steps.rfm's rules (ties broken by customer id)."""
    scores = pd.DataFrame(index=customers.index)
    scores["r_score"] = quintile_scores(customers["recency_days"], ascending=False)
    scores["f_score"] = quintile_scores(customers["frequency"])
    scores["m_score"] = quintile_scores(customers["monetary"])
    scores["fm_score"] = fm_scores(scores["f_score"], scores["m_score"])
    scores["rfm_group"] = np.asarray(assign_groups(scores["r_score"], scores["fm_score"]))
    return scores


def _attribute_dicts(attributes: pd.DataFrame) -> list:
    if attributes.columns.empty:
        return [None] * len(attributes)
    records = attributes.astype(object).where(attributes.notna(), None).to_dict("records")
    return records


@dataclass(frozen=True)
class OrderRunSummary:
    run_id: int
    analysis: OrderAnalysis

    def as_dict(self) -> dict:
        analysis = self.analysis
        profiles = analysis.segmentation.profiles
        groups = analysis.customers["rfm_group"].value_counts()
        repeat = analysis.repeat
        repeat_json = {
            "name": repeat.name,
            "calibrated": repeat.calibrated,
            "window_days": repeat.window_days,
            "cv_roc_auc": repeat.cv_metrics["roc_auc"],
            "cv_brier": repeat.cv_metrics["brier"],
        }
        value_json = {
            "model": "BG/NBD + Gamma-Gamma, blended with a gradient-boosted count",
            "horizon_days": analysis.horizon_days,
            # What every customer is expected to spend in the next horizon_days, summed.
            "expected_revenue": float(analysis.customers["expected_value"].sum()),
        }
        if analysis.holdout is not None:
            holdout = analysis.holdout
            repeat_json.update(
                holdout_roc_auc=holdout["roc_auc"],
                holdout_pr_auc=holdout["pr_auc"],
                holdout_brier=holdout["brier"],
            )
            value_json["holdout"] = order_log_store.holdout_summary(holdout)
        return {
            "run_id": self.run_id,
            "input_kind": ORDER_LOG,
            "rows": len(analysis.customers),
            "orders": analysis.orders,
            "as_of": analysis.as_of.isoformat(),
            "k": analysis.segmentation.k,
            "k_reason": analysis.segmentation.reason,
            "segment_features": analysis.segmentation.features,
            "segment_sizes": profiles["size"].astype(int).tolist(),
            "segments": [
                {"segment": int(p["segment"]), "name": p["name"], "size": int(p["size"])}
                for p in profiles.to_dict("records")
            ],
            "model": None,
            "rfm": {"groups": {name: int(groups.get(name, 0)) for name in GROUPS}},
            "repeat_model": repeat_json,
            "value": value_json,
            # The repeat propensity's fairness by attribute, as a customer-file run's model's.
            "fairness": {} if analysis.fairness is None else analysis.fairness["attributes"],
            "fairness_notes": [NO_BACKTEST_NO_FAIRNESS]
            if analysis.fairness is None
            else analysis.fairness["notes"],
            "notes": analysis.notes,
            "quarantined": {"count": 0, "reasons": {}},
        }


def run(
    input_path: str | Path,
    database_url: str,
    options: OrderRunOptions | None = None,
    progress: Progress = lambda _: None,
) -> OrderRunSummary:
    """Read, analyse and publish one order-log run; visible only once fully written."""
    options = options or OrderRunOptions()
    input_path = Path(input_path)
    progress(f"reading and validating {input_path.name}")
    log = read_order_log(input_path, options.columns, options.customers)
    with named_errors(input_path):
        analysis = analyse(log, options, progress)
    return publish_analysis(input_path, database_url, options, analysis, progress)


@contextmanager
def named_errors(input_path: Path) -> Iterator[None]:
    """A problem found while analysing is reported as the file's."""
    try:
        yield
    except InputError as error:
        raise InputError(f"{input_path.name}: {error}") from None
    except ValueError as error:
        raise InputError(f"{input_path.name}: {error}.") from None


def publish_analysis(
    input_path: Path,
    database_url: str,
    options: OrderRunOptions,
    analysis: OrderAnalysis,
    progress: Progress = lambda _: None,
    engine_params: Mapping[str, object] | None = None,
    engine_versions: Mapping[str, str] | None = None,
) -> OrderRunSummary:
    """Publish an analysed order log as one run; another engine than pandas adds its own
    params and library versions to the run's."""
    progress(f"saving {len(analysis.customers):,} customers and results")
    run_fields = {
        "input_name": input_path.name,
        "input_sha256": sha256_of(input_path),
        "input_kind": ORDER_LOG,
        "rows": len(analysis.customers),
        "k": analysis.segmentation.k,
        "k_reason": analysis.segmentation.reason,
        "segment_features": analysis.segmentation.features,
        "notes": analysis.notes,
        "params": {**options.params(), **(engine_params or {})},
        "versions": {
            **library_versions(),
            "lifetimes": version("lifetimes"),
            **(engine_versions or {}),
        },
    }

    def write(session, record: Run) -> None:
        order_log_store.store(session, record, analysis)
        progress(f"publishing run {record.id}")

    record = publish.publish_run(
        session_factory(database_url),
        Run,
        run_fields,
        write,
        announce=lambda published: OrderRunSummary(published.id, analysis).as_dict(),
    )
    return OrderRunSummary(record.id, analysis)
