"""Webhooks under attack (security issue, rows 11 and 12): no run data to internal addresses,
checked when a webhook is added and again on the connection that sends it; credentials in a
receiver's URL and signing secrets are stored encrypted and never shown or logged."""

import base64
import logging
import socket
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from analytics import webhooks
from analytics.db.session import get_engine, session_factory
from dashapp.data import deliveries, queries
from dashapp.pages.runs import webhook_deliveries
from tests.receivers import Receiver, secret_printed, signature_is_valid, webhooks_command

PASSWORD = "hunter2-secret"
real_getaddrinfo = socket.getaddrinfo


@pytest.fixture
def receiver():
    started = Receiver(0, 200)
    yield started
    started.close()


@pytest.fixture
def db(own_db, monkeypatch):
    monkeypatch.delenv("ALLOW_PRIVATE_WEBHOOKS", raising=False)
    monkeypatch.delenv("WEBHOOK_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    return own_db


def resolve(monkeypatch, name: str, address: str | None):
    """Make `name` resolve to `address` (None: not at all); other names resolve as usual."""

    def fake(host, *args, **kwargs):
        if host != name:
            return real_getaddrinfo(host, *args, **kwargs)
        if address is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real_getaddrinfo(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def announce(db: str) -> int:
    run_id = queries.latest_run(db).id
    summary = {"run_id": run_id, "rows": 1, "k": 1, "segment_sizes": [1], "segments": []}
    webhooks.announce(session_factory(db), {**summary, "model": None}, datetime.now(UTC))
    return run_id


def stored(db: str) -> str:
    """Everything the webhook tables hold, as text."""
    with get_engine(db).connect() as connection:
        rows = [
            *connection.execute(text("SELECT * FROM webhooks")),
            *connection.execute(text("SELECT * FROM webhook_deliveries")),
        ]
    return repr(rows)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data",
        "http://127.0.0.1:8050/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://10.0.0.5/hook",
        "http://0x7f.1/hook",  # 127.0.0.1 once resolved
        "http://localhost/hook",
    ],
)
def test_webhooks_to_internal_addresses_are_refused_when_added(db, url):
    status, _, stderr = webhooks_command("--db", db, "add", url)
    assert status == 2
    assert "ALLOW_PRIVATE_WEBHOOKS=1" in stderr
    assert "No webhooks" in webhooks_command("--db", db, "list")[1]


def test_a_name_that_does_not_resolve_yet_is_added_with_a_note(db, monkeypatch):
    resolve(monkeypatch, "hooks.example.com", None)
    status, _, stderr = webhooks_command("--db", db, "add", "https://hooks.example.com/x")
    assert status == 0
    assert "checked again before each delivery" in stderr


def test_a_name_that_resolves_inside_at_send_time_is_not_sent_to(db, monkeypatch, receiver):
    port = receiver.server.server_address[1]
    resolve(monkeypatch, "hooks.example.com", "93.184.216.34")
    status, _, stderr = webhooks_command("--db", db, "add", f"http://hooks.example.com:{port}/x")
    assert status == 0, stderr
    # DNS rebinding: the name now points at the server's own loopback.
    resolve(monkeypatch, "hooks.example.com", "127.0.0.1")
    announce(db)
    assert receiver.requests == []
    [row] = deliveries.webhook_deliveries(db).itertuples()
    assert not row.delivered and "resolves to 127.0.0.1, which is not a public address" in row.error
    assert row.attempts == 1  # a refusal is not retried


def test_allow_private_webhooks_lets_a_lan_receiver_in(db, monkeypatch, receiver):
    monkeypatch.setenv("ALLOW_PRIVATE_WEBHOOKS", "1")
    status, stdout, stderr = webhooks_command("--db", db, "add", receiver.url)
    assert status == 0, stderr
    announce(db)
    [(headers, body)] = receiver.requests
    assert signature_is_valid(secret_printed(stdout), headers, body)


def test_credentials_in_a_webhook_url_are_never_shown(db, monkeypatch):
    resolve(monkeypatch, "hooks.example.com", None)
    url = f"https://user:{PASSWORD}@hooks.example.com/x"
    status, stdout, stderr = webhooks_command("--db", db, "add", url)
    assert status == 0, stderr
    assert PASSWORD not in stdout + stderr
    assert "https://user:***@hooks.example.com/x" in stdout
    listed = webhooks_command("--db", db, "list")[1]
    assert PASSWORD not in listed and "https://user:***@hooks.example.com/x" in listed
    assert PASSWORD not in stored(db)


def test_the_receiver_still_gets_its_credentials_and_a_signature_it_can_check(
    db, monkeypatch, receiver, caplog
):
    monkeypatch.setenv("ALLOW_PRIVATE_WEBHOOKS", "1")
    port = receiver.server.server_address[1]
    url = f"http://user:{PASSWORD}@127.0.0.1:{port}/hooks"
    status, stdout, _ = webhooks_command("--db", db, "add", url)
    secret = secret_printed(stdout)
    assert status == 0
    # Signing secrets are stored encrypted too.
    assert secret not in stored(db) and PASSWORD not in stored(db)
    with caplog.at_level(logging.INFO):
        announce(db)
    [(headers, body)] = receiver.requests
    assert headers["Authorization"] == "Basic " + base64.b64encode(
        f"user:{PASSWORD}".encode()
    ).decode("ascii")
    assert signature_is_valid(secret, headers, body)
    assert PASSWORD not in stored(db) and PASSWORD not in caplog.text
    card = str(webhook_deliveries.deliveries_card(deliveries.webhook_deliveries(db)))
    assert PASSWORD not in card and "user:***@127.0.0.1" in card


def test_a_failed_delivery_logs_the_url_without_its_password(db, monkeypatch, caplog):
    monkeypatch.setenv("ALLOW_PRIVATE_WEBHOOKS", "1")
    rejecting = Receiver(0, 404)
    try:
        port = rejecting.server.server_address[1]
        webhooks_command("--db", db, "add", f"http://user:{PASSWORD}@127.0.0.1:{port}/hooks")
        announce(db)
    finally:
        rejecting.close()
    assert "was not delivered to http://user:***@127.0.0.1" in caplog.text
    assert PASSWORD not in caplog.text


def test_a_webhook_stored_in_clear_before_0009_is_still_delivered(db, monkeypatch, receiver):
    monkeypatch.setenv("ALLOW_PRIVATE_WEBHOOKS", "1")
    with get_engine(db).begin() as connection:
        connection.execute(
            text("INSERT INTO webhooks (url, secret, created_at) VALUES (:url, :secret, :at)"),
            {"url": receiver.url, "secret": "old-secret", "at": datetime.now(UTC)},
        )
    announce(db)
    [(headers, body)] = receiver.requests
    assert signature_is_valid("old-secret", headers, body)


def test_deliveries_recorded_in_clear_before_0009_are_shown_redacted(db):
    run_id = queries.latest_run(db).id
    with get_engine(db).begin() as connection:
        connection.execute(
            text(
                "INSERT INTO webhook_deliveries (run_id, url, attempt, attempted_at, delivered) "
                "VALUES (:run, :url, 1, :at, true)"
            ),
            {"run": run_id, "url": f"https://user:{PASSWORD}@h.example/x", "at": datetime.now(UTC)},
        )
    card = str(webhook_deliveries.deliveries_card(deliveries.webhook_deliveries(db)))
    assert PASSWORD not in card and "user:***@h.example" in card
