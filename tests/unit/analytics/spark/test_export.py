"""The Spark engine's export for the web process, and its one-line refusals; no Spark needed."""

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from threadpoolctl import threadpool_limits

from analytics import cli
from analytics.spark import session
from analytics.spark.export import agreement, distil
from analytics.spark.session import SparkUnavailable, check_available
from analytics.steps.classifier import predict_probability


def _customers(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "Age": rng.integers(18, 65, rows).astype(float),
            "Salary": rng.integers(20_000, 100_000, rows).astype(float),
            "Gender": rng.choice(["Female", "Male"], rows),
        }
    )


def _linear_probability(x: pd.DataFrame) -> np.ndarray:
    return expit(
        0.08 * (x["Age"] - 40) + 4e-5 * (x["Salary"] - 60_000) + 0.5 * (x["Gender"] == "Male")
    )


def test_a_linear_export_reproduces_a_logistic_model():
    x = _customers(2_000)
    features = ["Age", "Salary", "Gender"]
    exported = distil(x, _linear_probability(x), features, linear=True, seed=1)
    held_out = _customers(500, seed=1)
    y = (np.random.default_rng(2).random(500) < _linear_probability(held_out)).astype(int)
    measured = agreement(exported, held_out, y, _linear_probability(held_out))
    assert measured["max_abs_probability_difference"] < 1e-9
    assert measured["same_decision_share"] == 1.0
    assert measured["roc_auc_exported"] == pytest.approx(measured["roc_auc_spark"])
    customer = {"Age": 30.0, "Salary": 50_000.0, "Gender": "Male"}
    expected = _linear_probability(pd.DataFrame([customer]))[0]
    assert predict_probability(exported, features, customer) == pytest.approx(expected)


def test_a_tree_export_follows_a_step_function_closely():
    x = _customers(2_000)
    step = np.where(x["Age"] > 40, 0.8, 0.2)
    # One thread: on 2,000 rows OpenMP threads only slow the boosted trees down, badly so on a
    # busy machine; the fitted trees are the same.
    with threadpool_limits(limits=1):
        exported = distil(x, step, ["Age", "Salary", "Gender"], linear=False, seed=1)
    held_out = _customers(1_000, seed=3)
    truth = np.where(held_out["Age"] > 40, 0.8, 0.2)
    measured = agreement(exported, held_out, (truth > 0.5).astype(int), truth)
    assert measured["same_decision_share"] > 0.99
    assert measured["mean_abs_probability_difference"] < 0.02


def test_no_java_is_one_line_and_exit_2(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(session.shutil, "which", lambda *args, **kwargs: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(SparkUnavailable, match="needs Java 17"):
        check_available()
    status = cli.main(
        ["run", "--engine", "spark", "--input", "x.csv", "--db", f"sqlite:///{tmp_path}/a.db"]
    )
    stderr = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(stderr) == 1 and "openjdk-17-jre-headless" in stderr[0]


def test_no_pyspark_is_one_line_and_exit_2(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(session.importlib.util, "find_spec", lambda name: None)
    status = cli.main(
        ["run", "--engine", "spark", "--input", "x.csv", "--db", f"sqlite:///{tmp_path}/a.db"]
    )
    stderr = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert stderr == [
        "error: the Spark engine needs PySpark; install it with `pip install '.[spark]'` "
        "(or use the default --engine pandas)."
    ]


def test_the_pandas_engine_takes_one_input(capsys, tmp_path):
    status = cli.main(["run", "--input", "a.csv", "b.csv", "--db", f"sqlite:///{tmp_path}/a.db"])
    assert status == 2
    assert "the pandas engine reads one file" in capsys.readouterr().err
