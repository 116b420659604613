"""The dashboard's Parquet copy of a run's customers (dashapp.data.snapshots): made in pieces, the
same customers as the database holds, made ahead by `python -m dashapp snapshot`."""

import pandas as pd
import pytest

from analytics.config import Settings
from dashapp import __main__ as dashapp_main
from dashapp.app import create_app
from dashapp.data import queries, snapshots


def test_the_copy_holds_the_runs_customers_in_file_order(published_db, tmp_path, monkeypatch):
    monkeypatch.setattr(snapshots, "CHUNK_ROWS", 128)  # several pieces
    app = create_app(Settings(database_url=published_db, snapshot_dir=tmp_path / "copies"))
    run_id = queries.latest_run(published_db).id
    with app.server.app_context():
        path = snapshots.customers_file(published_db, run_id)
    copy = pd.read_parquet(path)
    stored = queries.customers(published_db, run_id)
    assert copy["row_number"].tolist() == list(range(len(stored)))
    pd.testing.assert_frame_equal(copy[stored.columns], stored, check_dtype=False)
    assert (tmp_path / "copies").stat().st_mode & 0o777 == 0o700
    assert not list((tmp_path / "copies").glob("*.partial"))


def test_the_snapshot_command_makes_the_latest_runs_copy(
    published_db, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("SNAPSHOT_DIR", str(tmp_path))
    assert dashapp_main.main(["snapshot", "--db", published_db]) == 0
    made = capsys.readouterr().out.strip()
    assert made.startswith(str(tmp_path)) and made.endswith(".parquet")
    assert len(pd.read_parquet(made)) == queries.latest_run(published_db).rows
    with pytest.raises(SystemExit):
        dashapp_main.main(["snapshot", "--db", published_db, "--run", "999"])
