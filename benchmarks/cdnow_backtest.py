"""The order-log models against classic BG/NBD on CDNOW (the standard buy-till-you-die
benchmark, shipped inside the lifetimes wheel): the Fader-Hardie-Lee split, 39 weeks to fit
(1997-01-01 … 1997-09-30) and 39 weeks to score (… 1998-06-30), one order = one customer-day.

    python -m benchmarks.cdnow_backtest [--sample-only]

Prints one JSON line per data set: classic BG/NBD (E[X(t)] and P(≥1 order)) and this
project's recipe (analytics.steps.repeat_model, as `run --orders --holdout-from 1997-10-01`
computes it), each scored by analytics.steps.backtest.
"""

import argparse
import importlib.util
import json
import time
from pathlib import Path

import pandas as pd

from analytics.config import RANDOM_STATE
from analytics.steps import backtest, btyd, repeat_model
from analytics.steps.behaviour import model_features, order_days, order_table, window_counts

FIT_END = pd.Timestamp("1997-09-30")
HOLDOUT_END = pd.Timestamp("1998-06-30")


def cdnow_path(name: str) -> Path:
    spec = importlib.util.find_spec("lifetimes")
    if spec is None:
        raise SystemExit("lifetimes is not installed; pip install lifetimes==0.11.3")
    return Path(spec.origin).parent / "datasets" / name


def load_cdnow(sample: bool) -> pd.DataFrame:
    """Order lines (customer_id, order_date, amount) of CDNOW_sample (2,357 customers, no
    header) or CDNOW_master (23,570 customers)."""
    if sample:
        names, skip = ["customer_id", "sample_id", "date", "cds", "amount"], 0
    else:
        names, skip = ["customer_id", "date", "cds", "amount"], 1
    frame = pd.read_csv(
        cdnow_path("CDNOW_sample.txt" if sample else "CDNOW_master.txt"),
        sep=r"\s+",
        skiprows=skip,
        header=None,
        names=names,
        dtype={"customer_id": str, "date": str},
    )
    return pd.DataFrame(
        {
            "customer_id": frame["customer_id"],
            "order_date": pd.to_datetime(frame["date"], format="%Y%m%d"),
            "amount": frame["amount"].astype(float),
            "cancelled": False,
        }
    )


def score(lines: pd.DataFrame) -> dict:
    days = order_days(order_table(lines))
    fitted = days[days["day"] <= FIT_END]
    horizon = (HOLDOUT_END - FIT_END).days
    actual = window_counts(days, FIT_END, HOLDOUT_END)
    started = time.process_time()
    f = model_features(fitted, FIT_END)
    classic_model = btyd.fit_bgnbd(f["x"], f["t_x"], f["T"])
    weeks = horizon / 7
    low, high = btyd.order_interval(classic_model, weeks, f["x"], f["t_x"], f["T"])
    classic = pd.DataFrame(
        {
            "expected_orders": btyd.expected_orders(classic_model, weeks, f["x"], f["t_x"], f["T"]),
            "expected_orders_lo": low,
            "expected_orders_hi": high,
            "p_repeat": btyd.p_any_order(classic_model, weeks, f["x"], f["t_x"], f["T"]),
        },
        index=f.index,
    )
    classic_seconds = time.process_time() - started
    started = time.process_time()
    model = repeat_model.fit_repeat_model(fitted, FIT_END, horizon, RANDOM_STATE)
    ours = repeat_model.predict(model, fitted, FIT_END, horizon).frame
    ours_seconds = time.process_time() - started
    return {
        "customers": len(f),
        "bgnbd": classic_model.params(),
        "classic_bgnbd": {**backtest.holdout_metrics(classic, actual), "cpu_s": classic_seconds},
        "ours": {
            **backtest.holdout_metrics(ours, actual),
            "cpu_s": ours_seconds,
            "propensity": model.name,
            "window_days": model.window_days,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample-only", action="store_true", help="only the 2,357 sample")
    args = parser.parse_args()
    for sample in (True,) if args.sample_only else (True, False):
        name = "CDNOW sample" if sample else "CDNOW full"
        print(json.dumps({"data": name, **score(load_cdnow(sample))}), flush=True)


if __name__ == "__main__":
    main()
