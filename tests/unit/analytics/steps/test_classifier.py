import pickle
import sys
import types

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import ParameterGrid
from threadpoolctl import threadpool_limits

from analytics.config import cv_folds
from analytics.steps.classifier import (
    CANDIDATES,
    ModelVersionError,
    PlattCalibrated,
    build_pipeline,
    choose_model,
    contributions,
    cv_workers,
    dump_model,
    evaluate_choice,
    holdout_counts,
    lift_by_decile,
    load_model,
    model_features,
    predict_probabilities,
    predict_probability,
    purchase_probabilities,
)
from analytics.steps.classifier.cross_validation import cv_sample, fit_fold

FAST = {name: CANDIDATES[name] for name in ("Logistic Regression", "Decision Tree")}


def chosen_and_evaluated(customers: pd.DataFrame):
    """The fast candidates' choice for `customers`, evaluated on its holdout."""
    return evaluate_choice(choose_model(customers, candidates=FAST))


# How many generated customers the `customers` fixture (conftest.py) holds.
CUSTOMERS = 2_000


@pytest.fixture(scope="module")
def selection(customers):
    return chosen_and_evaluated(customers)


def test_every_candidate_and_grid_setting_builds_a_preprocessing_pipeline():
    assert set(CANDIDATES) == {
        "Logistic Regression",
        "Decision Tree",
        "Random Forest",
        "SVM",
        "Naive Bayes",
        "KNN",
        "HistGradientBoosting",
    }
    for candidate in CANDIDATES.values():
        for params in ParameterGrid(candidate.grid):
            pipeline = build_pipeline(
                candidate.make(42).set_params(**params), ["Age", "Salary", "Price", "Gender"]
            )
            assert isinstance(pipeline.named_steps["preprocess"], ColumnTransformer)


def test_split_and_comparison_table(selection):
    assert (selection.train_rows, selection.test_rows) == (1_600, 400)
    table = selection.comparison
    assert list(table["name"]) == sorted(
        FAST, key=lambda n: -table.set_index("name").loc[n, "roc_auc"]
    )
    assert selection.name == table.iloc[0]["name"]
    for column in ("roc_auc", "pr_auc", "brier", "log_loss", "accuracy", "f1"):
        assert table[column].between(0, 10).all()
    assert set(selection.holdout_metrics) == {
        "roc_auc",
        "pr_auc",
        "brier",
        "log_loss",
        "accuracy",
        "f1",
    }


def test_learns_the_generated_signal(selection):
    assert selection.cv_metrics["roc_auc"] > 0.8
    assert selection.holdout_metrics["roc_auc"] > 0.8


def test_calibration_only_kept_when_it_lowers_cv_brier(selection):
    if selection.calibrated:
        assert isinstance(selection.model, PlattCalibrated)
        assert selection.cv_metrics["brier"] < selection.cv_metrics["uncalibrated_brier"]
    else:
        assert selection.cv_metrics["brier"] == selection.cv_metrics["uncalibrated_brier"]


def test_no_preprocessing_ever_sees_the_holdout(customers, monkeypatch):
    """Leakage guard: every fit of a ColumnTransformer must see training rows only."""
    seen_salaries: list[set] = []
    original = ColumnTransformer.fit_transform

    def recording_fit_transform(self, x, y=None, **params):
        seen_salaries.append(set(x["Salary"].round(6)))
        return original(self, x, y, **params)

    monkeypatch.setattr(ColumnTransformer, "fit_transform", recording_fit_transform)
    unique = customers.assign(Salary=customers["Salary"] + np.arange(len(customers)) * 1e-3)
    selection = chosen_and_evaluated(unique)
    holdout = unique.drop(index=_training_index(unique)).Salary.round(6)
    assert len(holdout) == selection.test_rows
    assert seen_salaries, "no preprocessing was fitted at all"
    for salaries in seen_salaries:
        assert not salaries & set(holdout)


def _training_index(customers):
    from sklearn.model_selection import train_test_split

    train, _ = train_test_split(
        customers, test_size=0.2, stratify=customers["Purchased"], random_state=42
    )
    return train.index


def test_curves_and_confusion_matrix_are_consistent(selection):
    curves = selection.curves
    confusion = curves["confusion"]
    assert sum(confusion[key] for key in ("tn", "fp", "fn", "tp")) == selection.test_rows
    assert curves["roc"]["fpr"][0] == 0 and curves["roc"]["tpr"][-1] == 1
    assert len(curves["lift"]) == 10
    assert curves["lift"][-1]["cumulative_gain"] == pytest.approx(1.0)
    holdout = pd.DataFrame(curves["holdout"])
    assert holdout["customers"].sum() == selection.test_rows
    assert not holdout.duplicated(["score", "y"]).any()
    at_threshold = holdout[holdout["score"] >= 0.5].groupby("y")["customers"].sum()
    assert (at_threshold[0], at_threshold[1]) == (confusion["fp"], confusion["tp"])


def test_holdout_counts_by_hand():
    counts = holdout_counts(np.array([1, 0, 1, 1]), np.array([0.70004, 0.2, 0.7, 0.2]))
    assert counts == {"score": [0.2, 0.2, 0.7], "y": [0, 1, 1], "customers": [1, 1, 2]}


def test_lift_by_decile_by_hand():
    y = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0] * 2)
    scores = np.linspace(1, 0, 20)
    lift = lift_by_decile(y, scores)
    assert lift[0] == {
        "decile": 1,
        "customers": 2,
        "buyers": 2,
        "rate": 1.0,
        "lift": 5.0,
        "cumulative_gain": 0.5,
    }


def test_contributions_are_exact_shapley(selection):
    inputs = {"Age": 60, "Salary": 90_000, "Price": 2_000, "Gender": "Male"}
    baseline, shares = contributions(
        selection.model, selection.features, inputs, selection.reference
    )
    probability = predict_probability(selection.model, selection.features, inputs)
    assert baseline + sum(shares.values()) == pytest.approx(probability, abs=1e-9)
    reference_probability = predict_probability(
        selection.model, selection.features, selection.reference
    )
    assert baseline == pytest.approx(reference_probability)
    assert shares["Salary"] > 0  # a high salary raises the chance on this data


def test_probability_moves_with_price_and_salary(selection):
    def p(salary, price):
        return predict_probability(
            selection.model,
            selection.features,
            {"Age": 40, "Salary": salary, "Price": price, "Gender": "Female"},
        )

    assert p(70_000, 7_000) < p(70_000, 2_000)
    assert p(25_000, 2_000) < p(70_000, 2_000)


def test_missing_gender_is_imputed_and_missing_price_is_refused(selection):
    inputs = {"Age": 40, "Salary": 70_000, "Price": 3_500}
    most_common = {**inputs, "Gender": selection.reference["Gender"]}
    other = {**inputs, "Gender": "Female" if most_common["Gender"] == "Male" else "Male"}
    alone = predict_probability(selection.model, selection.features, inputs)
    expected = predict_probability(selection.model, selection.features, most_common)
    assert alone == pytest.approx(expected, abs=1e-12)
    assert expected != pytest.approx(
        predict_probability(selection.model, selection.features, other), abs=1e-6
    )
    # The same when the customer without a gender comes in a batch with one who has one.
    batch = predict_probabilities(selection.model, selection.features, [other, inputs])
    assert batch[1] == pytest.approx(expected, abs=1e-12)
    with pytest.raises(ValueError, match="needs Price"):
        predict_probability(selection.model, selection.features, {"Age": 40, "Salary": 1})


def test_a_frames_probabilities_are_each_customers_own_in_order(customers, selection):
    # Every customer twice, in shuffled order and with a gappy index, as a filtered frame has.
    # (A hundred customers: each is then predicted on its own, one model call apiece.)
    some = customers.iloc[:100]
    frame = pd.concat([some, some]).sample(frac=1, random_state=3)
    frame.index = np.arange(len(frame)) * 7
    probabilities = purchase_probabilities(selection.model, selection.features, frame)
    one_by_one = [
        predict_probability(selection.model, selection.features, row)
        for row in frame[selection.features].to_dict("records")
    ]
    assert probabilities.shape == (200,)
    np.testing.assert_allclose(probabilities, one_by_one, rtol=0, atol=1e-12)
    assert 0 < probabilities.min() < 0.5 < probabilities.max() < 1


def test_each_distinct_combination_of_inputs_is_predicted_once(customers, selection):
    class CountingModel:
        rows_seen = 0

        def predict_proba(self, x):
            CountingModel.rows_seen += len(x)
            return selection.model.predict_proba(x)

    frame = pd.concat([customers] * 5)
    probabilities = purchase_probabilities(CountingModel(), selection.features, frame)
    assert CountingModel.rows_seen == len(customers[selection.features].drop_duplicates())
    np.testing.assert_array_equal(probabilities[:2_000], probabilities[-2_000:])


def test_customers_without_a_gender_get_the_imputed_genders_probability(selection):
    inputs = {"Age": 40, "Salary": 70_000, "Price": 3_500}
    frame = pd.DataFrame(
        [{**inputs, "Gender": gender} for gender in (None, np.nan, "Female", "Male")]
    )
    probabilities = purchase_probabilities(selection.model, selection.features, frame)
    imputed = predict_probability(
        selection.model, selection.features, {**inputs, "Gender": selection.reference["Gender"]}
    )
    np.testing.assert_allclose(probabilities[:2], [imputed, imputed], rtol=0, atol=1e-12)
    assert probabilities[2] != pytest.approx(probabilities[3], abs=1e-6)


def test_artifact_round_trip_and_version_guard(selection):
    artifact = dump_model(selection.model)
    restored = load_model(artifact, sklearn.__version__)
    inputs = {"Age": 30, "Salary": 50_000, "Price": 3_500, "Gender": "Male"}
    assert predict_probability(restored, selection.features, inputs) == predict_probability(
        selection.model, selection.features, inputs
    )
    with pytest.raises(ModelVersionError, match=r"trained with scikit-learn 0\.1"):
        load_model(artifact, "0.1")


def test_a_model_stored_under_the_old_module_path_still_loads(customers, monkeypatch):
    # Models stored before the classifier became a package name analytics.classifier.
    x = customers[["Age", "Salary"]].iloc[:200]
    fitted = LogisticRegression().fit(x, customers["Purchased"].iloc[:200])
    with monkeypatch.context() as old_layout:
        old_layout.setattr(PlattCalibrated, "__module__", "analytics.classifier")
        old_layout.setitem(
            sys.modules,
            "analytics.classifier",
            types.SimpleNamespace(PlattCalibrated=PlattCalibrated),
        )
        artifact = dump_model(PlattCalibrated(fitted, 1.5, -0.2))
    assert b"analytics.classifier" in artifact
    with pytest.raises(ModuleNotFoundError):
        pickle.loads(artifact)
    restored = load_model(artifact, sklearn.__version__)
    assert isinstance(restored, PlattCalibrated)
    assert (restored.slope, restored.intercept) == (1.5, -0.2)
    np.testing.assert_array_equal(
        restored.predict_proba(x), PlattCalibrated(fitted, 1.5, -0.2).predict_proba(x)
    )


def test_same_seed_same_model(customers, selection):
    again = chosen_and_evaluated(customers)
    assert again.cv_metrics == selection.cv_metrics
    assert again.holdout_metrics == selection.holdout_metrics


def test_price_column_is_optional(customers):
    without_price = choose_model(customers.iloc[:600].drop(columns=["Price"]), candidates=FAST)
    assert without_price.features == ["Age", "Salary", "Gender"]


def test_small_samples_keep_five_folds(selection):
    assert selection.cv_folds == 5


def test_worker_processes_start_where_the_selection_sample_reaches_10000_rows():
    assert [cv_workers(rows, 2) for rows in (1_000, 12_499, 12_500, 1_000_000)] == [1, 1, 2, 2]
    assert cv_workers(1_000_000, 1) == 1


def test_folds_drop_to_three_where_the_selection_sample_reaches_5000_rows():
    assert [cv_folds(rows) for rows in (800, 4_999, 5_000, 10_000)] == [5, 5, 3, 3]


def test_folds_preprocessed_once_score_as_each_whole_pipeline_would(customers):
    # Cross-validation fits the scaler and encoder once per fold and shares them between
    # candidates: the scores must be those of fitting and scoring each pipeline on raw rows.
    from sklearn.model_selection import StratifiedKFold

    features = model_features(customers)
    # Fewer rows than the other tests: an SVM fits three times per fold.
    x, y = customers[features].iloc[:600], customers["Purchased"].iloc[:600]
    sample = cv_sample(x, y, StratifiedKFold(3, shuffle=True, random_state=0), features)
    for name in ("Logistic Regression", "SVM", "HistGradientBoosting"):
        candidate = CANDIDATES[name]
        for (train_rows, valid_rows), fold in zip(sample.splits, sample.folds, strict=True):
            # One thread, as fit_fold fits: OpenMP threads only slow these small fits down.
            with threadpool_limits(limits=1):
                whole = build_pipeline(candidate.make(0), features).fit(
                    x.iloc[train_rows], y.iloc[train_rows]
                )
                expected = whole.predict_proba(x.iloc[valid_rows])[:, 1]
            np.testing.assert_array_equal(fit_fold(candidate.make(0), *fold)[1], expected)


def test_each_grid_is_raced_on_the_first_fold_and_its_best_setting_scored_on_every_fold(
    customers,
):
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    from analytics.steps.classifier.cross_validation import cross_validate

    features = model_features(customers)
    x, y = customers[features].iloc[:800], customers["Purchased"].iloc[:800]
    folds = StratifiedKFold(5, shuffle=True, random_state=42)
    sample = cv_sample(x, y, folds, features)
    candidates = {"Decision Tree": CANDIDATES["Decision Tree"]}
    [(name, result)] = list(cross_validate(candidates, features, x, y, 42, 1))
    settings = list(ParameterGrid(CANDIDATES[name].grid))
    first_valid = sample.splits[0][1]

    def make(params):
        return CANDIDATES[name].make(42).set_params(**params)

    first_fold = [
        roc_auc_score(y.iloc[first_valid], fit_fold(make(params), *sample.folds[0])[1])
        for params in settings
    ]
    assert result.params == settings[int(np.argmax(first_fold))]
    expected = np.empty(len(y))
    for (_, valid_rows), fold, model in zip(
        sample.splits, sample.folds, result.fold_models, strict=True
    ):
        expected[valid_rows] = fit_fold(make(result.params), *fold)[1]
        # Each kept fit is that fold's whole pipeline: it scores raw rows.
        np.testing.assert_array_equal(
            model.predict_proba(x.iloc[valid_rows])[:, 1], expected[valid_rows]
        )
    np.testing.assert_array_equal(result.scores, expected)
