"""Reads of one run as flat tables for `python -m analytics export`: its customers (the
`customers` of a customer-file run, the `customer_behaviour` of an order-log run), its segments
and its models' metrics, with the JSON columns unpacked into one column per value."""

import json

import pandas as pd
from sqlalchemy.orm import Session

from analytics.db import behaviour_repository, repository
from analytics.db.models import ORDER_LOG, Run


def run_tables(session: Session, run: Run) -> dict[str, pd.DataFrame]:
    """{"customers", "segments", "model_metrics"}: the run's tables, each flat."""
    return {
        "customers": _customers(session, run),
        "segments": segment_table(repository.segments(session, run.id)),
        "model_metrics": model_metrics_table(repository.run_models(session, run.id)),
    }


def _customers(session: Session, run: Run) -> pd.DataFrame:
    if run.input_kind != ORDER_LOG:
        return repository.run_customers(session, run.id)
    customers = behaviour_repository.run_behaviour(session, run.id)
    # The drivers differ: SQLite gives dates and JSON as text, PostgreSQL as objects.
    for column in ("first_order", "last_order"):
        customers[column] = pd.to_datetime(customers[column]).dt.date
    customers["attributes"] = [_json_text(value) for value in customers["attributes"]]
    # Columns that may be NULL throughout keep a number type (a Parquet schema per run kind).
    for column in ("mean_days_between", "distinct_products", "holdout_orders"):
        customers[column] = pd.to_numeric(customers[column]).astype(float)
    return customers


def segment_table(segments: list) -> pd.DataFrame:
    """One row per segment: number, name, size, then each value of its stored profile."""
    rows = [
        {
            "segment": segment.segment,
            "name": segment.name,
            "size": segment.size,
            **{
                key: _cell(value)
                for key, value in segment.profile.items()
                if key not in ("segment", "name", "size")
            },
        }
        for segment in segments
    ]
    return pd.DataFrame(rows, columns=None if rows else ["segment", "name", "size"])


def model_metrics_table(models: list) -> pd.DataFrame:
    """One row per model of the run (the selected one first): name, selected, calibrated,
    threshold, then its metrics as `<stage>_<metric>` (cv_roc_auc, holdout_brier, …)."""
    rows = []
    for model in models:
        row = {
            "model": model.name,
            "is_selected": bool(model.is_selected),
            "calibrated": bool(model.calibrated),
            "threshold": model.threshold,
        }
        for key, value in (model.metrics or {}).items():
            if isinstance(value, dict):
                row |= {f"{key}_{name}": _cell(item) for name, item in value.items()}
            else:
                row[key] = _cell(value)
        rows.append(row)
    if not rows:
        return pd.DataFrame(columns=["model", "is_selected", "calibrated", "threshold"])
    table = pd.DataFrame(rows)
    return table.assign(threshold=pd.to_numeric(table["threshold"]).astype(float))


def _cell(value):
    """A value a flat table can hold: nested lists and mappings become JSON text."""
    return _json_text(value) if isinstance(value, dict | list) else value


def _json_text(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)
