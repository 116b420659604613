"""The CLI as a user runs it (a real subprocess), then the database as the dashboard reads it."""

import json
import subprocess
import sys

import pytest
from sqlalchemy import select

from analytics.db import repository
from analytics.db.models import Run
from analytics.db.session import session_factory
from dashapp import queries


def cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "analytics", *args], capture_output=True, text=True, timeout=300
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def run_json(csv, db, *extra) -> dict:
    return json.loads(cli("run", "--input", str(csv), "--db", db, "--json", *extra).stdout)


def predict_json(db, **inputs) -> dict:
    args = [f"--{name}={value}" for name, value in inputs.items()]
    return json.loads(cli("predict", "--db", db, "--json", *args).stdout)


def test_sample_command_writes_the_seeded_csv(tmp_path, sample_csv):
    out = tmp_path / "sample.csv"
    cli("sample", "--rows", "3000", "--seed", "42", "--out", str(out))
    assert out.read_bytes() == sample_csv.read_bytes()


def test_run_on_sample_publishes_and_queries_read_it(sample_csv, db):
    summary = run_json(sample_csv, db)
    assert summary["rows"] == 3_000
    assert 2 <= summary["k"] <= 8
    assert sum(summary["segment_sizes"]) == 3_000
    assert len(summary["segment_sizes"]) == summary["k"]
    assert summary["model"]["name"] == "Random Forest"

    run = queries.latest_run(db)
    assert (run.id, run.rows, run.k) == (summary["run_id"], 3_000, summary["k"])
    overview = queries.overview(db, run.id)
    assert overview.kpis["customers"] == 3_000
    assert overview.segments["size"].tolist() == summary["segment_sizes"]
    assert overview.model_metrics["roc_auc"] == pytest.approx(summary["model"]["roc_auc"])
    assert overview.age_distribution[["purchased", "not_purchased"]].to_numpy().sum() == 3_000
    assert len(queries.scatter_points(db, run.id)) == 3_000


def test_run_with_fixed_k(sample_csv, db):
    assert run_json(sample_csv, db, "--k", "3")["k"] == 3


def test_reference_data_meets_the_quality_floor(reference_csv, db):
    summary = run_json(reference_csv, db)
    assert summary["rows"] == 1_000
    assert 2 <= summary["k"] <= 8
    assert sum(summary["segment_sizes"]) == 1_000
    assert summary["model"]["accuracy"] >= 0.75
    assert summary["model"]["roc_auc"] >= 0.85


def test_predict_uses_the_latest_published_model(sample_csv, db):
    run_json(sample_csv, db)
    cheap = predict_json(db, age=40, salary=70000, price=2000, gender="Female")
    dear = predict_json(db, age=40, salary=70000, price=7000, gender="Female")
    assert 0 <= dear["probability"] < cheap["probability"] <= 1
    text = cli(
        "predict",
        "--db",
        db,
        "--age",
        "40",
        "--salary",
        "70000",
        "--price",
        "2000",
        "--gender",
        "Female",
    ).stdout
    assert f"{cheap['probability']:.1%}" in text


def test_predict_without_a_run_says_what_to_do(db):
    result = cli("predict", "--db", db, "--age", "30", "--salary", "1", "--price", "1", check=False)
    assert result.returncode == 1
    assert "no published run" in result.stderr and "python -m analytics run" in result.stderr


BAD_FILES = {
    "empty.csv": ("", "the file is empty"),
    "missing_price.csv": (
        "Customer ID,Gender,Age,Salary,Product ID,Purchased\n1,Female,30,50000,P01,1\n",
        "missing required column 'Price'",
    ),
    "text_age.csv": (
        "Customer ID,Gender,Age,Salary,Product ID,Price,Purchased\n1,Female,abc,50000,P01,2000,1\n",
        "column 'Age' must be a number",
    ),
    "purchased7.csv": (
        "Customer ID,Gender,Age,Salary,Product ID,Price,Purchased\n1,Female,30,50000,P01,2000,7\n",
        "'Purchased' must be 0 or 1",
    ),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_input_exits_2_and_keeps_the_published_run(tmp_path, sample_csv, db, name):
    published = run_json(sample_csv, db)["run_id"]
    before = predict_json(db, age=35, salary=60000, price=3500)
    text, expected = BAD_FILES[name]
    bad = tmp_path / name
    bad.write_text(text)

    result = cli("run", "--input", str(bad), "--db", db, check=False)

    assert result.returncode == 2
    assert expected in result.stderr and name in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert queries.latest_run(db).id == published
    assert predict_json(db, age=35, salary=60000, price=3500) == before


def test_too_few_buyers_is_bad_input(tmp_path, db):
    rows = "".join(f"{i},Female,{20 + i},{30000 + i * 1000},P01,2000,0\n" for i in range(30))
    bad = tmp_path / "no_buyers.csv"
    bad.write_text("Customer ID,Gender,Age,Salary,Product ID,Price,Purchased\n" + rows)
    result = cli("run", "--input", str(bad), "--db", db, check=False)
    assert result.returncode == 2
    assert "0 buyers and 30 non-buyers" in result.stderr


def test_failed_write_leaves_no_partial_run(sample_csv, db, monkeypatch):
    from analytics import pipeline

    published = run_json(sample_csv, db)["run_id"]

    def explode(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pipeline.repository, "insert_customers", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        pipeline.run(sample_csv, db)

    with session_factory(db)() as session:
        assert repository.latest_published_run(session).id == published
        statuses = [run.status for run in session.scalars(select(Run).order_by(Run.id))]
    assert statuses == ["published", "failed"]
    assert queries.latest_run(db).id == published
