"""What an order-log run writes inside its publishing transaction: its customers, segments,
k scores, the dashboard's aggregates (with the RFM moves since the previous order-log run),
and its two models (the repeat classifier with its artifact, the value model's parameters)."""

import sklearn
from sqlalchemy.orm import Session

from analytics.db import behaviour_repository, results
from analytics.db.models import Model, Run
from analytics.steps import btyd, order_summaries, repeat_model
from analytics.steps.classifier import dump_model

REPEAT_MODEL_KIND = "repeat purchase"
VALUE_MODEL_NAME = "BG/NBD + Gamma-Gamma"


def store(session: Session, run: Run, analysis) -> None:
    behaviour_repository.insert_behaviour(session, run.id, analysis.customers)
    previous = behaviour_repository.previous_order_run(session, run.id)
    moves = order_summaries.rfm_moves(
        analysis.customers,
        None if previous is None else behaviour_repository.rfm_groups_of(session, previous.id),
        None if previous is None else previous.id,
    )
    aggregates = {**analysis.aggregates, "rfm_moves": moves}
    results.insert_summaries(session, run, analysis.segmentation, aggregates)
    _insert_models(session, run, analysis)


def _insert_models(session: Session, run: Run, analysis) -> None:
    repeat, holdout = analysis.repeat, analysis.holdout
    holdout_metrics = (
        {}
        if holdout is None
        else {
            "holdout": {
                "roc_auc": holdout["roc_auc"],
                "pr_auc": holdout["pr_auc"],
                "brier": holdout["brier"],
                "customers": holdout["customers"],
            },
            "fairness": analysis.fairness,
        }
    )
    params = {
        "kind": REPEAT_MODEL_KIND,
        "window_days": repeat.window_days,
        "cutoffs": [c.date().isoformat() for c in repeat.cutoffs],
        "train_rows": repeat.train_rows,
        "horizon_days": analysis.horizon_days,
    }
    card = {
        "run_id": run.id,
        "data": {"input": run.input_name, "sha256": run.input_sha256, "as_of": str(analysis.as_of)},
        "target": f"at least one order in the next {repeat.window_days} days",
        "model": {"name": repeat.name, "calibrated": repeat.calibrated, **params},
        "evaluation": {
            "split": "stacked time splits; cross-validation grouped by customer",
            "candidates": repeat.comparison,
        },
        "metrics": {"cv": repeat.cv_metrics, **holdout_metrics},
        "seed": run.params.get("seed"),
        "versions": run.versions,
    }
    session.add(
        Model(
            run_id=run.id,
            name=repeat.name,
            params=results.json_safe(params),
            features=repeat.columns,
            metrics=results.json_safe({"cv": repeat.cv_metrics, **holdout_metrics}),
            is_selected=True,
            calibrated=repeat.calibrated,
            explanation=results.json_safe(
                {"importance": repeat.importance, "computed_on": "a sample of training rows"}
            ),
            card=results.json_safe(card),
            sklearn_version=sklearn.__version__,
            artifact=dump_model(repeat.classifier),
        )
    )
    gamma_gamma = analysis.gamma_gamma
    value_params = {
        "kind": "value",
        "bgnbd": analysis.bgnbd.params(),
        "bgnbd_penalizer": analysis.bgnbd.penalizer,
        "gamma_gamma": None
        if gamma_gamma is None
        else {"p": gamma_gamma.p, "q": gamma_gamma.q, "v": gamma_gamma.v},
        "blend_weight": repeat_model.BLEND_WEIGHT,
        "window_days": repeat.window_days,
        "horizon_days": analysis.horizon_days,
        "interval_level": btyd.INTERVAL_LEVEL,
    }
    value_metrics = (
        {} if holdout is None else {"holdout": holdout_summary(holdout, "new_customers")}
    )
    session.add(
        Model(
            run_id=run.id,
            name=VALUE_MODEL_NAME,
            params=results.json_safe(value_params),
            features=["x", "t_x", "T", "mean order value"],
            metrics=results.json_safe(value_metrics),
            is_selected=False,
        )
    )


def holdout_summary(holdout: dict, *extra_keys: str) -> dict:
    """The backtest figures a run reports for its value model (plus `extra_keys`)."""
    keys = (
        "actual_repeat_orders",
        "predicted_repeat_orders",
        "customer_correlation",
        "customer_mae",
        "interval_coverage",
        *extra_keys,
    )
    return {key: holdout[key] for key in keys}
