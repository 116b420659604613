"""Writes of a customer-file run's results, by either engine, inside the run's transaction:
its segments, k scores and overview aggregates, and the candidate purchase models with the
chosen one's card and pickled artifact."""

import numpy as np
import pandas as pd
import sklearn
from sqlalchemy.orm import Session

from analytics.db.models import Aggregate, KScore, Model, Run, Segment
from analytics.steps.classifier import ModelSelection, dump_model
from analytics.steps.segmentation import Segmentation


def insert_summaries(
    session: Session, run: Run, segmentation: Segmentation, aggregates: dict
) -> None:
    """The run's segments, k scores and overview aggregates."""
    for profile in segmentation.profiles.to_dict("records"):
        session.add(
            Segment(
                run_id=run.id,
                segment=int(profile["segment"]),
                name=profile["name"],
                size=int(profile["size"]),
                profile=json_safe(profile),
            )
        )
    for score in segmentation.k_scores.to_dict("records"):
        session.add(KScore(run_id=run.id, **json_safe(score)))
    for name, payload in aggregates.items():
        session.add(Aggregate(run_id=run.id, name=name, payload=json_safe(payload)))


def insert_models(
    session: Session, run: Run, selection: ModelSelection, customers: pd.DataFrame
) -> None:
    """Every candidate's cross-validated metrics; the chosen one also with its holdout metrics,
    curves, explanation, model card and pickled model."""
    for candidate in selection.comparison.to_dict("records"):
        chosen = candidate["name"] == selection.name
        metrics = {
            key: candidate[key]
            for key in ("roc_auc", "pr_auc", "brier", "log_loss", "accuracy", "f1")
        }
        session.add(
            Model(
                run_id=run.id,
                name=candidate["name"],
                params=json_safe(candidate["params"]),
                features=selection.features,
                metrics=json_safe(
                    {
                        "cv": selection.cv_metrics if chosen else metrics,
                        "cv_rows": candidate["rows"],
                        **({"holdout": selection.holdout_metrics} if chosen else {}),
                        # The study around the chosen model (absent from Spark runs).
                        **(
                            {"fairness": selection.fairness, "sampling": selection.sampling}
                            if chosen and selection.fairness is not None
                            else {}
                        ),
                    }
                ),
                is_selected=chosen,
                calibrated=selection.calibrated if chosen else False,
                threshold=selection.threshold if chosen else None,
                curves=json_safe(selection.curves) if chosen else None,
                explanation=json_safe(
                    {
                        "importance": selection.importance.to_dict("records"),
                        "reference": selection.reference,
                    }
                )
                if chosen
                else None,
                card=model_card(run, selection, customers) if chosen else None,
                sklearn_version=sklearn.__version__ if chosen else None,
                artifact=dump_model(selection.model) if chosen else None,
                fold_models=dump_model(selection.fold_models)
                if chosen and selection.fold_models
                else None,
            )
        )


def model_card(run: Run, selection: ModelSelection, customers: pd.DataFrame) -> dict:
    """What a reviewer needs to trust, reproduce or question the published model."""
    buyers = int(customers["Purchased"].sum())
    return json_safe(
        {
            "run_id": run.id,
            "created_at": run.created_at.isoformat() if run.created_at else None,
            "data": {
                "input": run.input_name,
                "sha256": run.input_sha256,
                "rows": len(customers),
                "buyers": buyers,
                "non_buyers": len(customers) - buyers,
                "purchase_rate": buyers / len(customers),
            },
            "features": selection.features,
            "model": {
                "name": selection.name,
                "params": selection.params,
                "calibrated": selection.calibrated,
                "threshold": selection.threshold,
            },
            "evaluation": {
                "split": "stratified 80/20 holdout",
                "cv_folds": selection.cv_folds,
                "train_rows": selection.train_rows,
                "test_rows": selection.test_rows,
                "selection_rows": selection.selection_rows,
                "selected_by": "highest cross-validated ROC-AUC",
            },
            "metrics": {"cv": selection.cv_metrics, "holdout": selection.holdout_metrics},
            "seed": run.params.get("seed"),
            "versions": run.versions,
        }
    )


def json_safe(value):
    """JSON-safe copies of numpy scalars and nested containers (NaN becomes null: PostgreSQL's
    json type rejects NaN)."""
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value
