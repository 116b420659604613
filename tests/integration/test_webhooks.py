"""Webhooks end to end: receivers on loopback get signed run summaries; failures are retried,
recorded and shown on the Runs page."""

import functools
import json
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from analytics import webhooks
from analytics.db import behaviour_repository
from analytics.db.models import WebhookDelivery
from analytics.db.session import session_factory
from analytics.io.sample import generate_customers
from analytics.runs import customer_file, order_log_run
from analytics.steps.classifier import CANDIDATES, choose_model
from analytics.steps.rfm import GROUPS
from dashapp.data import deliveries as delivery_reads
from dashapp.data import queries
from dashapp.pages.runs import webhook_deliveries
from tests.conftest import ROOT
from tests.receivers import (
    Receiver,
    add_webhook,
    secret_printed,
    signature_is_valid,
    webhooks_command,
)

FAST = {"Logistic Regression": CANDIDATES["Logistic Regression"]}
# Receivers take free ports; nothing listens on CLOSED_PORT (the discard port).
RECEIVER_PORT = FAILING_PORT = REJECTING_PORT = 0
CLOSED_PORT = 9


@pytest.fixture
def receivers(monkeypatch):
    # These receivers listen on loopback, which webhooks refuse unless private addresses are
    # allowed (tests/integration/test_webhook_security.py checks the refusal).
    monkeypatch.setenv("ALLOW_PRIVATE_WEBHOOKS", "1")
    started = []

    def start(port: int, status: int) -> Receiver:
        started.append(Receiver(port, status))
        return started[-1]

    yield start
    for receiver in started:
        receiver.close()


@pytest.fixture(scope="module")
def customers_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("webhooks") / "customers.csv"
    generate_customers(300, seed=5).to_csv(path, index=False)
    return path


@pytest.fixture
def fast_models(monkeypatch):
    monkeypatch.setattr(
        customer_file, "choose_model", functools.partial(choose_model, candidates=FAST)
    )


def deliveries(db: str) -> list[WebhookDelivery]:
    with session_factory(db)() as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_a_new_run_reaches_the_receiver_signed(fresh_db, customers_csv, receivers, fast_models):
    receiver = receivers(RECEIVER_PORT, 200)
    secret = add_webhook(fresh_db, receiver.url)
    summary = customer_file.run(customers_csv, fresh_db).as_dict()

    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert signature_is_valid(secret, headers, body)
    assert not signature_is_valid("another secret", headers, body)
    assert abs(int(headers["X-Analytics-Timestamp"]) - time.time()) < 120
    assert headers["Content-Type"] == "application/json"
    sent = json.loads(body)
    assert sent["event"] == "run.published"
    assert sent["run_id"] == summary["run_id"]
    assert sent["rows"] == 300
    assert sent["k"] == summary["k"] and sum(sent["segment_sizes"]) == 300
    assert [s["size"] for s in sent["segments"]] == sent["segment_sizes"]
    assert sent["model"]["name"] == "Logistic Regression"
    assert sent["model"]["roc_auc"] == pytest.approx(summary["model"]["roc_auc"])
    assert sent["published_at"].startswith(str(time.gmtime().tm_year))

    [delivery] = deliveries(fresh_db)
    assert (delivery.run_id, delivery.attempt, delivery.delivered) == (summary["run_id"], 1, True)
    assert (delivery.status_code, delivery.error) == (200, None)


def test_a_published_order_log_run_carries_its_rfm_groups_and_models(fresh_db, receivers):
    receiver = receivers(RECEIVER_PORT, 200)
    secret = add_webhook(fresh_db, receiver.url)
    summary = order_log_run.run(ROOT / "data" / "sample_transactions.csv", fresh_db).as_dict()

    [(headers, body)] = receiver.requests
    assert signature_is_valid(secret, headers, body)
    sent = json.loads(body)
    assert (sent["run_id"], sent["input_kind"], sent["model"]) == (
        summary["run_id"],
        "orders",
        None,
    )
    with session_factory(fresh_db)() as session:
        stored = behaviour_repository.run_behaviour(session, summary["run_id"])
    assert sent["rows"] == len(stored) == sum(sent["segment_sizes"])
    assert (
        sent["rfm"]["groups"]
        == stored["rfm_group"].value_counts().reindex(list(GROUPS), fill_value=0).to_dict()
    )
    assert list(sent["rfm"]["groups"]) == list(GROUPS)
    assert sent["repeat_model"] == {
        "name": summary["repeat_model"]["name"],
        "cv_roc_auc": pytest.approx(summary["repeat_model"]["cv_roc_auc"]),
    }
    assert 0.5 < sent["repeat_model"]["cv_roc_auc"] <= 1
    assert sent["value"]["horizon_days"] == 90 and sent["value"]["model"].startswith("BG/NBD")
    assert sent["value"]["expected_revenue"] == pytest.approx(stored["expected_value"].sum())
    assert sent["value"]["expected_revenue"] > 0


def test_a_customer_file_runs_payload_says_its_kind_and_nothing_of_order_logs():
    summary = {
        "run_id": 3,
        "input_kind": "customers",
        "rows": 10,
        "k": 1,
        "segment_sizes": [10],
        "segments": [{"segment": 0, "name": "All", "size": 10, "purchase_rate": 0.5}],
        "model": None,
    }
    sent = webhooks.payload(summary, datetime(2026, 1, 2, tzinfo=UTC))
    assert sent["input_kind"] == "customers"
    assert not {"rfm", "repeat_model", "value"} & set(sent)
    # Summaries from before input_kind (a stored delivery being replayed) are customer files.
    del summary["input_kind"]
    assert webhooks.payload(summary, datetime(2026, 1, 2, tzinfo=UTC))["input_kind"] == "customers"


def test_the_commands_add_a_webhook_and_announce_a_run(tmp_path, receivers):
    """Both commands as a user runs them, in subprocesses."""
    db = f"sqlite:///{tmp_path / 'analytics.db'}"
    # Too few customers for a purchase model, which keeps the subprocess quick.
    few_customers = tmp_path / "few.csv"
    generate_customers(40, seed=5).to_csv(few_customers, index=False)
    receiver = receivers(RECEIVER_PORT, 200)
    added = subprocess.run(
        [sys.executable, "-m", "dashapp", "webhooks", "--db", db, "add", receiver.url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert added.returncode == 0, added.stderr
    secret = secret_printed(added.stdout)
    command = ["run", "--json", "--input", str(few_customers), "--db", db]
    result = subprocess.run(
        [sys.executable, "-m", "analytics", *command],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    [(headers, body)] = receiver.requests
    assert signature_is_valid(secret, headers, body)
    assert json.loads(body)["run_id"] == json.loads(result.stdout)["run_id"]
    assert json.loads(body)["rows"] == 40
    assert json.loads(body)["model"] is None


def test_failing_receivers_are_retried_recorded_and_shown(
    tmp_path, customers_csv, receivers, fast_models, caplog
):
    db = f"sqlite:///{tmp_path / 'analytics.db'}"
    failing = receivers(FAILING_PORT, 503)
    rejecting = receivers(REJECTING_PORT, 404)
    down = f"http://127.0.0.1:{CLOSED_PORT}/hook"
    for url in (failing.url, rejecting.url, down):
        add_webhook(db, url)

    started = time.monotonic()
    run_id = customer_file.run(customers_csv, db).run_id
    assert queries.latest_run(db).id == run_id  # published, whatever the receivers did

    # A 503 and a refused connection are retried with backoff; a 404 will not change, so once.
    assert len(failing.requests) == webhooks.ATTEMPTS == 3
    assert len(rejecting.requests) == 1
    attempts = [(d.url, d.attempt, d.delivered, d.status_code) for d in deliveries(db)]
    assert sorted(attempts) == sorted(
        [(failing.url, n, False, 503) for n in (1, 2, 3)]
        + [(down, n, False, None) for n in (1, 2, 3)]
        + [(rejecting.url, 1, False, 404)]
    )
    assert "ConnectionRefusedError" in next(d.error for d in deliveries(db) if d.url == down)
    assert f"run {run_id} was not delivered to {failing.url} after 3 attempts" in caplog.text
    # The first failed attempt may have been a second before the pipeline's model step ended.
    assert time.monotonic() - started < 60

    shown = delivery_reads.webhook_deliveries(db).set_index("url")
    assert shown.loc[failing.url, "attempts"] == 3
    assert shown.loc[failing.url, "error"] == "HTTP 503 Service Unavailable"
    assert not shown["delivered"].any()
    card = str(webhook_deliveries.deliveries_card(delivery_reads.webhook_deliveries(db)))
    assert "3 failed" in card and "HTTP 404 Not Found" in card


def test_list_and_remove_keep_the_delivery_history(tmp_path, customers_csv, receivers, fast_models):
    db = f"sqlite:///{tmp_path / 'analytics.db'}"
    receiver = receivers(RECEIVER_PORT, 204)
    add_webhook(db, receiver.url)
    run_id = customer_file.run(customers_csv, db).run_id

    _, listed, _ = webhooks_command("--db", db, "list")
    assert f"1\t{receiver.url}\t" in listed
    assert f"run {run_id} delivered (HTTP 204)" in listed
    assert webhooks_command("--db", db, "remove", "1")[0] == 0
    assert "No webhooks" in webhooks_command("--db", db, "list")[1]
    status, _, stderr = webhooks_command("--db", db, "remove", "1")
    assert status == 1 and "there is no webhook 1" in stderr
    assert webhooks_command("--db", db, "add", "ftp://example.com/x")[0] == 2
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:1/x"
    status, _, stderr = webhooks_command("--db", unreachable, "list")
    assert status == 1 and stderr.startswith(f"error: database {unreachable} could not be used")
    [delivery] = deliveries(db)
    assert delivery.webhook_id is None and delivery.delivered
    card = webhook_deliveries.deliveries_card(delivery_reads.webhook_deliveries(db))
    assert "all delivered" in str(card)
