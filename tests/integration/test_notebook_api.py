"""The notebook API against the command line: `analyse` on a frame gives what `run --input`
gives on the same file, refuses a bad file with the same message, and `publish` stores a run that
the dashboard's queries read as they read a `run`."""

import numpy as np
import pandas as pd
import pytest

from analytics import analyse, publish
from analytics.db import repository
from analytics.db.session import session_factory
from analytics.errors import InputError
from dashapp.data import queries
from tests.integration.test_cli import cli, run_json


@pytest.fixture(scope="module")
def sample_result(sample_csv):
    return analyse(pd.read_csv(sample_csv), name=sample_csv.name)


def test_analyse_gives_what_run_json_reports_on_the_same_file(sample_result, sample_csv, tmp_path):
    from_cli = run_json(sample_csv, f"sqlite:///{tmp_path / 'cli.db'}")
    in_memory = sample_result.summary
    assert in_memory["run_id"] is None
    assert in_memory["k"] == from_cli["k"]
    assert in_memory["segment_sizes"] == from_cli["segment_sizes"]
    assert in_memory["model"]["name"] == from_cli["model"]["name"]
    # Everything else `run --json` reports, metrics included, is the same too.
    assert {**in_memory, "run_id": from_cli["run_id"]} == from_cli


def test_a_bad_frame_is_refused_with_the_message_run_prints_for_the_file(sample_csv, tmp_path):
    bad = pd.read_csv(sample_csv, dtype=str, keep_default_na=False).head(300)
    bad.loc[[10, 11], "Salary"] = "unknown"
    path = tmp_path / "shop.csv"
    bad.to_csv(path, index=False)
    refused = cli(
        "run", "--input", str(path), "--db", f"sqlite:///{tmp_path / 'x.db'}", check=False
    )
    assert refused.returncode == 2
    with pytest.raises(InputError) as from_api:
        analyse(bad, name="shop.csv")
    assert f"error: {from_api.value}" == refused.stderr.strip().splitlines()[-1]


def test_the_result_holds_segments_model_and_predictions_per_customer(sample_result):
    customers = sample_result.customers
    assert len(customers) == sample_result.summary["rows"]
    assert customers["purchase_probability"].between(0, 1).all()
    sizes = customers["segment"].value_counts().sort_index().tolist()
    assert sizes == sample_result.segments.sort_values("segment")["size"].tolist()
    assert set(sample_result.aggregates) >= {"kpis", "age_distribution", "correlation"}
    first = customers.iloc[0]
    assert sample_result.predict(
        first["Age"], first["Salary"], first["Price"], first["Gender"]
    ) == pytest.approx(first["purchase_probability"])


def test_publish_stores_a_run_the_dashboard_reads(sample_result, tmp_path):
    db = f"sqlite:///{tmp_path / 'notebook.db'}"
    run_id = publish(sample_result, db)

    assert queries.latest_run(db).id == run_id
    overview = queries.overview(db, run_id)
    assert overview.model_name == sample_result.model.name
    assert overview.segments["size"].tolist() == sample_result.summary["segment_sizes"]
    stored = queries.customers(db, run_id)
    assert stored["Customer ID"].tolist() == sample_result.customers["Customer ID"].tolist()
    np.testing.assert_allclose(
        stored["purchase_probability"], sample_result.customers["purchase_probability"]
    )
    with session_factory(db)() as session:
        run = repository.run_by_id(session, run_id)
    assert (run.input_name, run.input_sha256) == (
        sample_result.name,
        sample_result.input_sha256,
    )
    assert run.k == sample_result.summary["k"] and run.notes == sample_result.notes
    assert publish(sample_result, db) == run_id + 1  # each publish is a new run
