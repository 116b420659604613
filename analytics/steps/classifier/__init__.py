"""Purchase-propensity models: seven candidates, chosen by cross-validation, explained.

How a model is chosen (selection.choose_model, then selection.evaluate_choice):
1. A stratified 80/20 split (seeded) keeps a holdout that no choice ever sees.
2. Each candidate (candidates) is a Pipeline whose ColumnTransformer scales and encodes, so
   preprocessing is fitted on training folds only. A small grid per candidate is searched by
   stratified cross-validation (cross_validation; 5 folds, 3 from LARGE_SAMPLE_ROWS rows on, see
   analytics.config.cv_folds) on (a stratified sample of at most MODEL_SELECTION_ROWS of) the
   training part, raced: every setting is scored on the first fold and only the best goes on to
   the others (successive halving over the folds); the out-of-fold predictions of that setting
   over every fold give its CV metrics. Each fold's preprocessing is fitted once and shared by
   every fit on that fold (the same scores as fitting each whole pipeline). On a large sample
   the fold fits run in worker processes (every fit is seeded, so the choice is the same however
   many run at once).
3. The candidate with the highest CV ROC-AUC wins (ties go to the lower CV Brier score).
4. A Platt (sigmoid) map from the winner's out-of-fold scores to probabilities is tried
   (calibration); it is kept only if it lowers the CV Brier score (itself cross-validated over
   those scores).
5. The winner is refitted on the whole training part; its CV fits (the same setting on each
   fold's training rows) are kept: those fold models give every probability its interval
   (uncertainty).
   The purchase rate of each sample is recorded (sampling). `choose_model` ends here.
6. The winner is reported on the holdout (`evaluate_choice`: evaluation's metrics and curves,
   permutation importance, and fairness by gender and age band, analytics.steps.fairness).

Explanations (explanation): permutation importance on the holdout, and, per prediction, exact
Shapley values of the four inputs against a reference customer (median age, salary and price,
most common gender of the training rows): the contributions add up to p(customer) - p(reference).
Predictions (prediction) and stored models (persistence) are what the CLI, the dashboard and the
API use. The names below are the package's public API.
"""

from analytics.steps.classifier.calibration import PlattCalibrated
from analytics.steps.classifier.candidates import (
    CANDIDATES,
    CATEGORICAL_FEATURES,
    NUMERIC_FEATURES,
    Candidate,
    build_pipeline,
    model_features,
)
from analytics.steps.classifier.evaluation import (
    THRESHOLD,
    evaluation_curves,
    holdout_counts,
    lift_by_decile,
)
from analytics.steps.classifier.explanation import contributions, reference_customer
from analytics.steps.classifier.persistence import ModelVersionError, dump_model, load_model
from analytics.steps.classifier.prediction import (
    customer_frame,
    predict_probabilities,
    predict_probability,
    purchase_probabilities,
    with_file_features,
)
from analytics.steps.classifier.selection import (
    ModelChoice,
    ModelSelection,
    choose_model,
    cv_workers,
    discard_worker_pool,
    evaluate_choice,
    evaluate_in_worker,
    start_workers,
)
from analytics.steps.classifier.uncertainty import (
    is_uncertain,
    probabilities_with_intervals,
    probability_interval,
)

__all__ = [
    "CANDIDATES",
    "CATEGORICAL_FEATURES",
    "NUMERIC_FEATURES",
    "THRESHOLD",
    "Candidate",
    "ModelChoice",
    "ModelSelection",
    "ModelVersionError",
    "PlattCalibrated",
    "build_pipeline",
    "choose_model",
    "contributions",
    "customer_frame",
    "cv_workers",
    "discard_worker_pool",
    "dump_model",
    "evaluate_choice",
    "evaluate_in_worker",
    "evaluation_curves",
    "holdout_counts",
    "is_uncertain",
    "lift_by_decile",
    "load_model",
    "model_features",
    "predict_probabilities",
    "predict_probability",
    "probabilities_with_intervals",
    "probability_interval",
    "purchase_probabilities",
    "reference_customer",
    "start_workers",
    "with_file_features",
]
