"""analytics.runs.publish is the one path by which a run is written and published: every run kind
goes through it (the Spark engine's test is in tests/integration/test_spark_engine.py)."""

import functools

import pytest
from sqlalchemy import select

from analytics.db import rfm_repository
from analytics.db.models import FAILED, PUBLISHED, RfmGroup, RfmRun, Run
from analytics.db.session import session_factory
from analytics.runs import customer_file, order_log, publish
from analytics.steps.classifier import CANDIDATES, choose_model

FAST = {"Logistic Regression": CANDIDATES["Logistic Regression"]}
RFM_COLUMNS = ("Customer ID", "Order Date", "Amount")


def record_publish_calls(monkeypatch) -> list[tuple[type, object]]:
    """Every (table, published record) that goes through publish.publish_run from now on."""
    calls = []
    original = publish.publish_run

    def recording(sessions, table, fields, write, announce=None):
        record = original(sessions, table, fields, write, announce)
        calls.append((table, record))
        return record

    monkeypatch.setattr(publish, "publish_run", recording)
    return calls


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'runs.db'}"


def test_a_customer_file_run_is_published_through_the_publish_path(sample_csv, db, monkeypatch):
    monkeypatch.setattr(
        customer_file, "choose_model", functools.partial(choose_model, candidates=FAST)
    )
    announced = []
    monkeypatch.setattr(
        publish.webhooks, "announce", lambda _sessions, summary, _at: announced.append(summary)
    )
    calls = record_publish_calls(monkeypatch)
    summary = customer_file.run(sample_csv, db)
    [(table, record)] = calls
    assert table is Run and record.id == summary.run_id and record.status == PUBLISHED
    assert announced == [summary.as_dict()]


def test_an_order_log_run_is_published_through_the_publish_path(sample_csv, db, monkeypatch):
    calls = record_publish_calls(monkeypatch)
    summary = order_log.run_rfm(sample_csv.parent / "sample_transactions.csv", db, *RFM_COLUMNS)
    [(table, record)] = calls
    assert table is RfmRun and record.id == summary.rfm_run_id and record.status == PUBLISHED
    with session_factory(db)() as session:
        stored = session.scalars(select(RfmGroup.name).where(RfmGroup.rfm_run_id == record.id))
        assert sorted(stored) == sorted(summary.groups)


def test_a_failed_write_is_recorded_as_a_failed_run_and_not_announced(db, monkeypatch):
    announced = []
    monkeypatch.setattr(publish.webhooks, "announce", lambda *args: announced.append(args))
    fields = {"input_name": "log.csv", "input_sha256": "0" * 64, "orders": 1, "customers": 1}
    fields |= {"as_of": "2025-01-01", "params": {}, "versions": {}}

    def write(_session, _record):
        raise RuntimeError("disk full")

    sessions = session_factory(db)
    with pytest.raises(RuntimeError, match="disk full"):
        publish.publish_run(sessions, RfmRun, fields, write, announce=lambda record: {})
    with sessions() as session:
        [run] = session.scalars(select(RfmRun)).all()
        assert (run.status, run.error) == (FAILED, "RuntimeError: disk full")
        assert rfm_repository.latest_published_rfm_run(session) is None
    assert announced == []


def test_the_announcement_comes_after_the_commit(db, monkeypatch):
    sessions = session_factory(db)
    seen = []

    def announce(_sessions, summary, published_at):
        # A fresh session sees the run as published: the transaction has committed.
        with sessions() as session:
            seen.append((session.get(RfmRun, summary["run_id"]).status, published_at))

    monkeypatch.setattr(publish.webhooks, "announce", announce)
    fields = {"input_name": "log.csv", "input_sha256": "0" * 64, "orders": 1, "customers": 1}
    fields |= {"as_of": "2025-01-01", "params": {}, "versions": {}}
    record = publish.publish_run(
        sessions, RfmRun, fields, lambda *_: None, announce=lambda r: {"run_id": r.id}
    )
    assert seen == [(PUBLISHED, record.finished_at)]
