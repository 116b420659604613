"""Model selection across worker processes gives exactly what one process gives. Each test starts
worker processes (a second or two apiece, importing scikit-learn), hence integration."""

import pandas as pd

from analytics.config import cv_folds
from analytics.io.sample import generate_customers
from analytics.steps.classifier import (
    CANDIDATES,
    choose_model,
    cv_workers,
    evaluate_choice,
    evaluate_in_worker,
)

FAST = {name: CANDIDATES[name] for name in ("Logistic Regression", "Decision Tree")}


def test_worker_processes_choose_exactly_what_one_process_chooses():
    # 12,500 rows leave a 10,000-row selection sample: the size at which workers take over.
    customers = generate_customers(12_500, seed=3)
    assert cv_workers(len(customers), 2) == 2
    alone = choose_model(customers, candidates=FAST, jobs=1)
    shared = choose_model(customers, candidates=FAST, jobs=2)
    assert alone.selection_rows == 10_000 and cv_folds(alone.selection_rows) == 3
    pd.testing.assert_frame_equal(alone.comparison, shared.comparison)
    assert (alone.name, alone.params) == (shared.name, shared.params)


def test_a_worker_process_evaluates_the_holdout_as_this_process_does():
    customers = generate_customers(2_000, seed=42)
    choice = choose_model(customers, candidates=FAST)
    here = evaluate_choice(choice, seed=42)
    there = evaluate_in_worker(choice, seed=42, jobs=2).result()
    assert there.holdout_metrics == here.holdout_metrics
    assert there.curves == here.curves
    pd.testing.assert_frame_equal(there.importance, here.importance)
    assert (there.name, there.test_rows) == (here.name, len(choice.x_test))
