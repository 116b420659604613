"""`python -m analytics export`: a run's customers, segments and model metrics as CSV
(formula-safe) or Parquet, for either run kind; an unknown run, a run that is not published or a
folder that cannot be written to is refused with exit status 2."""

import csv
import functools

import pandas as pd
import pytest

from analytics.db import behaviour_repository, repository
from analytics.db.models import FAILED, Run
from analytics.db.session import session_factory
from analytics.runs import customer_file, order_log_run
from analytics.steps.classifier import CANDIDATES, choose_model
from tests.integration.test_cli import run_main

FAST = {"Logistic Regression": CANDIDATES["Logistic Regression"]}
TABLES = ("customers", "segments", "model_metrics")


def export(capsys, db, run_id, file_format, out) -> tuple[int, str]:
    status, _, err = run_main(
        capsys, "export", "--db", db, "--run-id", str(run_id), "--format", file_format,
        "--out", str(out),
    )  # fmt: skip
    return status, err


@pytest.fixture(scope="module")
def formula_run(tmp_path_factory, sample_csv) -> tuple[str, int]:
    """A customer-file run whose IDs a spreadsheet would run as formulas."""
    folder = tmp_path_factory.mktemp("export")
    frame = pd.read_csv(sample_csv, dtype={"Customer ID": str}).head(600)
    frame.loc[0, "Customer ID"] = '=HYPERLINK("http://x")'
    frame.loc[1, "Product ID"] = "@SUM(A1)"
    path = folder / "formulas.csv"
    frame.to_csv(path, index=False)
    db = f"sqlite:///{folder / 'runs.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            customer_file, "choose_model", functools.partial(choose_model, candidates=FAST)
        )
        return db, customer_file.run(path, db).run_id


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_a_customer_file_run_exports_its_three_tables(capsys, own_db, tmp_path, file_format):
    out = tmp_path / "run-1" / "nested"  # created as needed
    status, err = export(capsys, own_db, 1, file_format, out)
    assert status == 0, err
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.{file_format}" for t in TABLES)
    read = pd.read_csv if file_format == "csv" else pd.read_parquet
    tables = {name: read(out / f"{name}.{file_format}") for name in TABLES}

    with session_factory(own_db)() as session:
        stored = repository.run_customers(session, 1)
        segments = repository.segments(session, 1)
        models = repository.run_models(session, 1)
    customers = tables["customers"]
    assert customers.columns.tolist() == stored.columns.tolist()
    assert customers["Customer ID"].astype(str).tolist() == stored["Customer ID"].tolist()
    assert customers["purchase_probability"].tolist() == pytest.approx(
        stored["purchase_probability"].tolist()
    )
    assert tables["segments"]["size"].tolist() == [s.size for s in segments]
    assert tables["segments"]["purchase_rate"].tolist() == pytest.approx(
        [s.profile["purchase_rate"] for s in segments]
    )
    metrics = tables["model_metrics"]
    assert metrics["model"].tolist() == [m.name for m in models]
    assert metrics["is_selected"].tolist() == [True] + [False] * (len(models) - 1)
    assert metrics.loc[0, "holdout_roc_auc"] == pytest.approx(
        models[0].metrics["holdout"]["roc_auc"]
    )
    assert metrics["cv_roc_auc"].notna().all() and metrics.loc[1:, "holdout_roc_auc"].isna().all()
    assert f"run 1 (customers): {len(stored):,} customers" in err


def test_csv_cells_a_spreadsheet_would_run_are_neutralised_and_parquet_keeps_them(
    capsys, formula_run, tmp_path
):
    db, run_id = formula_run
    for file_format in ("csv", "parquet"):
        assert export(capsys, db, run_id, file_format, tmp_path / file_format)[0] == 0
    with (tmp_path / "csv" / "customers.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["Customer ID"] == '\'=HYPERLINK("http://x")'
    assert rows[1]["Product ID"] == "'@SUM(A1)"
    assert rows[2]["Customer ID"] == "3"
    parquet = pd.read_parquet(tmp_path / "parquet" / "customers.parquet")
    assert parquet.loc[0, "Customer ID"] == '=HYPERLINK("http://x")'


def test_an_order_log_run_exports_its_customer_behaviour(capsys, tmp_path, sample_csv):
    db = f"sqlite:///{tmp_path / 'orders.db'}"
    run_id = order_log_run.run(sample_csv.parent / "sample_transactions.csv", db).run_id
    status, err = export(capsys, db, run_id, "parquet", tmp_path / "out")
    assert status == 0, err
    customers = pd.read_parquet(tmp_path / "out" / "customers.parquet")
    with session_factory(db)() as session:
        stored = behaviour_repository.run_behaviour(session, run_id)
    assert customers.columns.tolist() == stored.columns.tolist()
    assert customers["customer_id"].tolist() == stored["customer_id"].tolist()
    assert customers["rfm_group"].tolist() == stored["rfm_group"].tolist()
    assert pd.api.types.is_float_dtype(customers["holdout_orders"])  # NULL without a backtest
    metrics = pd.read_parquet(tmp_path / "out" / "model_metrics.parquet")
    assert metrics.loc[0, "is_selected"] and metrics.loc[0, "cv_roc_auc"] > 0.5
    assert len(pd.read_parquet(tmp_path / "out" / "segments.parquet")) >= 2


def test_an_unknown_or_unpublished_run_is_refused(capsys, own_db, tmp_path):
    status, err = export(capsys, own_db, 99, "csv", tmp_path / "out")
    assert status == 2 and err.startswith("error: no run 99 in sqlite:///")
    with session_factory(own_db).begin() as session:
        failed = Run(input_name="broken.csv", input_sha256="0" * 64, status=FAILED)
        session.add(failed)
        session.flush()
        failed_id = failed.id
    status, err = export(capsys, own_db, failed_id, "csv", tmp_path / "out")
    assert status == 2
    assert f"run {failed_id} is failed, not published: only published runs" in err
    assert not (tmp_path / "out").exists()


def test_a_folder_that_cannot_be_written_is_refused(capsys, own_db, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    status, err = export(capsys, own_db, 1, "parquet", blocker / "out")
    assert status == 2
    assert (
        err.strip() == f"error: {blocker / 'out'}: cannot write there (Not a directory); "
        "choose another --out."
    )
