"""The Spark engine against the pandas engine: on 100k generated customers both choose the same
k, segments of the same sizes and models of the same ROC-AUC; on the hostile corpus both reject
the same files with the same message; and a Spark run is a published run `predict` can use.

One local[2] SparkSession serves the whole test session. Skipped (with the reason) when PySpark
or Java is missing: `make test` installs both.
"""

import importlib.util
import json
import shutil

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from analytics import cli
from analytics.db import repository
from analytics.db.models import PUBLISHED, Run
from analytics.db.session import session_factory
from analytics.errors import InputError
from analytics.io.sample import generate_customers
from analytics.runs import customer_file
from analytics.spark.export import agreement
from dashapp.data import queries
from tests.integration.runs.test_publish import record_publish_calls
from tests.integration.test_hostile import CORPUS, OUTCOMES, Rejected
from tests.receivers import Receiver, add_webhook, signature_is_valid

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
    reason="the Spark engine needs PySpark (pip install '.[spark]') and Java 17 on PATH",
)
AGREEMENT_ROWS = 100_000


@pytest.fixture(scope="session")
def spark():
    from analytics.spark.session import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def both_engines(spark, tmp_path_factory) -> dict:
    """Each engine's summary of one run of the same 100k customers, and the Spark run's DB."""
    from analytics.spark import engine

    folder = tmp_path_factory.mktemp("agreement")
    data = folder / "customers.csv"
    generate_customers(AGREEMENT_ROWS, seed=7).to_csv(data, index=False)
    spark_db = f"sqlite:///{folder / 'spark.db'}"
    pandas_db = f"sqlite:///{folder / 'pandas.db'}"
    return {
        "pandas": customer_file.run(data, pandas_db).as_dict(),
        "spark": engine.run([data], spark_db, master="local[2]").as_dict(),
        "spark_db": spark_db,
        "pandas_db": pandas_db,
    }


def stored_customers(url: str, run_id: int) -> pd.DataFrame:
    with session_factory(url)() as session:
        return repository.run_customers(session, run_id)


def test_same_k(both_engines):
    assert both_engines["spark"]["rows"] == both_engines["pandas"]["rows"] == AGREEMENT_ROWS
    assert both_engines["spark"]["k"] == both_engines["pandas"]["k"]


def test_segment_sizes_within_2_percent(both_engines):
    spark_sizes = both_engines["spark"]["segment_sizes"]
    pandas_sizes = both_engines["pandas"]["segment_sizes"]
    assert len(spark_sizes) == len(pandas_sizes)
    for spark_size, pandas_size in zip(spark_sizes, pandas_sizes, strict=True):
        assert abs(spark_size - pandas_size) <= 0.02 * pandas_size, (spark_sizes, pandas_sizes)


def test_roc_auc_within_0_02(both_engines):
    spark_model, pandas_model = both_engines["spark"]["model"], both_engines["pandas"]["model"]
    assert spark_model["name"] in {
        "Logistic Regression",
        "Random Forest",
        "Gradient-Boosted Trees",
    }
    assert abs(spark_model["holdout_roc_auc"] - pandas_model["holdout_roc_auc"]) <= 0.02
    assert abs(spark_model["cv_roc_auc"] - pandas_model["cv_roc_auc"]) <= 0.02


def test_predict_and_the_card_use_the_exported_spark_model(both_engines, capsys):
    url = both_engines["spark_db"]
    arguments = ["--db", url, "--age", "35", "--salary", "60000", "--price", "3000"]
    assert cli.main(["predict", *arguments, "--gender", "Female", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["run_id"] == both_engines["spark"]["run_id"]
    assert 0.0 < answer["probability"] < 1.0
    assert cli.main(["model-card", "--db", url]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["engine"]["name"] == "spark"
    assert card["data"]["rows"] == AGREEMENT_ROWS
    held_out = card["engine"]["export"]["agreement_on_holdout"]
    assert held_out["rows"] == 20_000
    assert held_out["same_decision_share"] >= 0.97
    assert abs(held_out["roc_auc_exported"] - held_out["roc_auc_spark"]) <= 0.01


def test_every_customer_has_the_spark_models_probability(both_engines):
    url, run_id = both_engines["spark_db"], both_engines["spark"]["run_id"]
    stored = stored_customers(url, run_id)
    probability = stored["purchase_probability"].to_numpy()
    assert len(stored) == AGREEMENT_ROWS
    assert np.all((probability > 0) & (probability < 1))
    # Most of these rows trained the model, so they rank buyers at least as well as its holdout.
    spark_auc = both_engines["spark"]["model"]["holdout_roc_auc"]
    assert roc_auc_score(stored["Purchased"], probability) == pytest.approx(spark_auc, abs=0.02)

    # The what-if's export follows the stored probabilities as its card says it follows the
    # Spark model on the holdout.
    model = queries.purchase_model(url, run_id)
    card = queries.model_report(url, run_id).selected.card
    held_out = card["engine"]["export"]["agreement_on_holdout"]
    on_everyone = agreement(
        model.estimator, stored[model.features], stored["Purchased"].to_numpy(), probability
    )
    assert on_everyone["same_decision_share"] >= 0.97
    assert on_everyone["mean_abs_probability_difference"] == pytest.approx(
        held_out["mean_abs_probability_difference"], abs=0.01
    )


def test_both_engines_give_a_customer_much_the_same_probability(both_engines):
    spark = stored_customers(both_engines["spark_db"], both_engines["spark"]["run_id"])
    pandas = stored_customers(both_engines["pandas_db"], both_engines["pandas"]["run_id"])
    paired = spark.merge(pandas, on="Customer ID", suffixes=("_spark", "_pandas"))
    assert len(paired) == AGREEMENT_ROWS
    spark_probability = paired["purchase_probability_spark"]
    pandas_probability = paired["purchase_probability_pandas"]
    assert np.corrcoef(spark_probability, pandas_probability)[0, 1] > 0.98
    assert (spark_probability - pandas_probability).abs().mean() < 0.02


REJECTED = sorted(name for name, outcome in OUTCOMES.items() if isinstance(outcome, Rejected))


@pytest.mark.parametrize("name", REJECTED)
def test_hostile_rejections_are_identical(spark, name, tmp_path):
    from analytics.spark import engine

    path = CORPUS / name
    with pytest.raises(InputError) as pandas_error:
        customer_file.run(path, f"sqlite:///{tmp_path / 'pandas.db'}")
    with pytest.raises(InputError) as spark_error:
        engine.run([path], f"sqlite:///{tmp_path / 'spark.db'}", master="local[2]")
    assert str(spark_error.value) == str(pandas_error.value)
    for part in OUTCOMES[name].parts:
        assert part in str(spark_error.value)


def test_a_spark_run_is_published_and_announced_through_the_publish_path_as_a_pandas_run_is(
    spark, tmp_path, monkeypatch
):
    from analytics.spark import engine

    calls = record_publish_calls(monkeypatch)

    db = f"sqlite:///{tmp_path / 'spark.db'}"
    # Too few customers for a purchase model, which keeps the Spark run short.
    few_customers = tmp_path / "few.csv"
    generate_customers(40, seed=5).to_csv(few_customers, index=False)
    monkeypatch.setenv("ALLOW_PRIVATE_WEBHOOKS", "1")  # the receiver is on loopback
    receiver = Receiver(0, 200)
    try:
        secret = add_webhook(db, receiver.url)
        summary = engine.run([few_customers], db, master="local[2]").as_dict()
    finally:
        receiver.close()
    [(headers, body)] = receiver.requests
    assert signature_is_valid(secret, headers, body)
    sent = json.loads(body)
    assert (sent["event"], sent["run_id"], sent["rows"]) == ("run.published", summary["run_id"], 40)
    assert sent["segment_sizes"] == summary["segment_sizes"] and sent["model"] is None
    [(table, record)] = calls
    assert table is Run and record.id == summary["run_id"] and record.status == PUBLISHED


def test_parquet_parts_in_a_directory_read_as_the_csv_does(spark, tmp_path, sample_csv):
    from analytics.spark.inputs import input_files
    from analytics.spark.reading import read_customers
    from analytics.validation.customer_file import read_customers as read_csv

    expected = read_csv(sample_csv).customers
    folder = tmp_path / "parts"
    folder.mkdir()
    raw = pd.read_csv(sample_csv, dtype={"Customer ID": str})
    half = len(raw) // 2
    raw.iloc[:half].to_parquet(folder / "part-0.parquet")
    raw.iloc[half:].to_parquet(folder / "part-1.parquet")
    loaded = read_customers(spark, input_files([folder]))
    read = (
        loaded.customers.orderBy("row_number")
        .select(*expected.columns)
        .toPandas()
        .astype(expected.dtypes.to_dict())
    )
    assert loaded.rows == len(expected)
    assert loaded.notes == []
    pd.testing.assert_frame_equal(read, expected, check_dtype=False)


def test_the_spark_engine_refuses_a_file_without_salary_and_says_which_engine_takes_it(
    spark, tmp_path
):
    from analytics.spark import engine

    with pytest.raises(InputError) as error:
        engine.run([CORPUS / "missing_column.csv"], f"sqlite:///{tmp_path / 'x.db'}")
    assert str(error.value) == (
        "missing_column.csv: the Spark engine needs the columns Gender, Age, Salary, and the "
        "file has no 'Salary'; run it with the pandas engine (the default), which leaves out "
        "the columns a file lacks."
    )


def test_the_spark_engine_refuses_a_files_own_features_before_starting_spark(
    sample_csv, tmp_path, monkeypatch
):
    from analytics.spark import engine

    monkeypatch.setattr(engine, "spark_session", lambda *_: pytest.fail("Spark was started"))
    options = customer_file.RunOptions(features=("age", "tenure_months"))
    with pytest.raises(InputError, match=r"not on other columns \(tenure_months\); run the file"):
        engine.run([sample_csv], f"sqlite:///{tmp_path / 'x.db'}", options)
