import pytest
import sklearn

from analytics.classifier import (
    ModelVersionError,
    dump_model,
    load_model,
    predict_probability,
    train_purchase_model,
)
from analytics.sample import generate_customers


@pytest.fixture(scope="module")
def trained():
    return train_purchase_model(generate_customers(3_000, seed=42))


def test_holdout_is_stratified_twenty_percent(trained):
    assert trained.metrics["test_rows"] == 600
    assert trained.metrics["train_rows"] == 2_400
    assert trained.name == "Random Forest"


def test_learns_the_generated_signal(trained):
    assert trained.metrics["roc_auc"] > 0.78
    assert trained.metrics["accuracy"] > 0.7


def test_preprocessing_lives_inside_the_pipeline(trained):
    assert list(trained.pipeline.named_steps) == ["preprocess", "classifier"]
    assert trained.pipeline.named_steps["classifier"].random_state == 42


def test_probability_moves_with_price_and_salary(trained):
    cheap = predict_probability(trained.pipeline, 40, 70_000, 2_000, "Female")
    dear = predict_probability(trained.pipeline, 40, 70_000, 7_000, "Female")
    poor = predict_probability(trained.pipeline, 40, 25_000, 2_000, "Female")
    assert 0 <= dear < cheap <= 1
    assert poor < cheap


def test_missing_gender_is_imputed(trained):
    probability = predict_probability(trained.pipeline, 40, 70_000, 3_500, None)
    assert 0 <= probability <= 1


def test_artifact_round_trip_and_version_guard(trained):
    artifact = dump_model(trained.pipeline)
    restored = load_model(artifact, sklearn.__version__)
    assert predict_probability(restored, 30, 50_000, 3_500, "Male") == predict_probability(
        trained.pipeline, 30, 50_000, 3_500, "Male"
    )
    with pytest.raises(ModelVersionError, match=r"trained with scikit-learn 0\.1"):
        load_model(artifact, "0.1")


def test_reference_data_quality_floor(reference_csv):
    from analytics.validation import read_customers

    metrics = train_purchase_model(read_customers(reference_csv)).metrics
    assert metrics["test_rows"] == 200
    assert metrics["accuracy"] >= 0.75
    assert metrics["roc_auc"] >= 0.85
