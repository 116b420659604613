"""Webhooks: every published run is POSTed as a signed JSON summary to each registered receiver.

Signing: `X-Analytics-Signature: sha256=<hex>` is the HMAC-SHA256, keyed with the webhook's
secret, of `<X-Analytics-Timestamp value>.<raw request body>`. Signing the timestamp too lets a
receiver refuse replays: it recomputes the HMAC, compares in constant time, and rejects
timestamps more than a few minutes old.

Receivers must be on public addresses unless ALLOW_PRIVATE_WEBHOOKS=1, checked on the connection
that sends each delivery (analytics.webhook_targets); a refused address is recorded, not retried.
Credentials in a receiver's URL are sent as HTTP Basic authentication and appear only redacted in
deliveries and logs; the URL and secret are stored encrypted (analytics.webhook_secrets).

Delivery never fails the run: a receiver gets ATTEMPTS tries with short timeouts and exponential
backoff, all receivers at once, and every attempt is recorded in `webhook_deliveries`.
"""

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import sessionmaker

from analytics.config import Settings
from analytics.db import webhook_repository
from analytics.db.models import CUSTOMER_FILE, ORDER_LOG, WebhookDelivery
from analytics.webhook_secrets import Keys, SealError
from analytics.webhook_targets import PrivateAddress, opener, redact, without_credentials

EVENT = "run.published"
SIGNATURE_HEADER = "X-Analytics-Signature"
TIMESTAMP_HEADER = "X-Analytics-Timestamp"
ATTEMPTS = 3
TIMEOUT_SECONDS = 3.0
# Waits 0.5 s after the first failure and 1 s after the second: a receiver that is down costs
# a run at most about ATTEMPTS x TIMEOUT_SECONDS + 1.5 s.
BACKOFF_SECONDS = 0.5
# Statuses worth another try; any other 4xx (a wrong URL, a refused signature) will not change.
RETRYABLE_STATUSES = {408, 425, 429}
MAX_PARALLEL_DELIVERIES = 8

log = logging.getLogger(__name__)


def new_secret() -> str:
    return secrets.token_hex(32)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Analytics-Signature value for `body` sent at `timestamp` (Unix seconds, as text)."""
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def payload(summary: dict, published_at: datetime) -> dict:
    """What receivers get: the run's kind, size, segments and model metrics (`summary` is the
    run's `as_dict()`: analytics.runs.customer_file.RunSummary or, for an order log,
    analytics.runs.order_log_run.OrderRunSummary, which adds the RFM group sizes and the
    repeat-purchase and value models' figures)."""
    sent = {
        "event": EVENT,
        "run_id": summary["run_id"],
        "input_kind": summary.get("input_kind", CUSTOMER_FILE),
        "published_at": published_at.isoformat(),
        "rows": summary["rows"],
        "k": summary["k"],
        "segment_sizes": summary["segment_sizes"],
        "segments": [
            {"segment": item["segment"], "name": item["name"], "size": item["size"]}
            for item in summary["segments"]
        ],
        "model": summary["model"],
    }
    if sent["input_kind"] == ORDER_LOG:
        repeat, value = summary["repeat_model"], summary["value"]
        sent["rfm"] = {"groups": summary["rfm"]["groups"]}
        sent["repeat_model"] = {"name": repeat["name"], "cv_roc_auc": repeat["cv_roc_auc"]}
        sent["value"] = {
            "model": value["model"],
            "horizon_days": value["horizon_days"],
            # Added with the payload's order-log figures; a summary made without it sends null.
            "expected_revenue": value.get("expected_revenue"),
        }
    return sent


@dataclass(frozen=True)
class Receiver:
    webhook_id: int
    shown_url: str
    url: str | None  # None when it could not be decrypted (see `problem`)
    secret: str | None
    problem: str | None = None


def announce(
    sessions: sessionmaker, summary: dict, published_at: datetime, settings: Settings | None = None
) -> None:
    """Deliver a just-published run to every webhook. Never raises: the run is already published
    and a receiver's trouble must not turn it into a failure. `settings` (default: from the
    environment) give ALLOW_PRIVATE_WEBHOOKS and the keys."""
    try:
        settings = Settings.from_env() if settings is None else settings
        database_url = sessions.kw["bind"].url.render_as_string(hide_password=False)
        keys = Keys.for_database(settings, database_url)
        with sessions() as session:
            receivers = [_receiver(hook, keys) for hook in webhook_repository.webhooks(session)]
        if not receivers:
            return
        body = json.dumps(payload(summary, published_at), separators=(",", ":")).encode()
        sender = opener(settings.allow_private_webhooks)
        with ThreadPoolExecutor(min(len(receivers), MAX_PARALLEL_DELIVERIES)) as pool:
            for receiver in receivers:
                pool.submit(_deliver, sessions, sender, receiver, summary["run_id"], body)
    except Exception:
        log.exception("webhooks for run %s could not be sent", summary["run_id"])


def _receiver(hook, keys: Keys) -> Receiver:
    if hook.sealed is None:  # added before secrets were sealed
        return Receiver(hook.id, redact(hook.url), hook.url, hook.secret)
    try:
        sealed = keys.unseal(hook.sealed)
    except SealError as error:
        return Receiver(hook.id, hook.url, None, None, problem=str(error))
    return Receiver(hook.id, hook.url, sealed.url, sealed.secret)


def _deliver(sessions: sessionmaker, sender, receiver: Receiver, run_id: int, body: bytes):
    webhook_id, url = receiver.webhook_id, receiver.shown_url
    try:
        for attempt in range(1, ATTEMPTS + 1):
            if receiver.problem is None:
                status, error, retry = _post(sender, receiver.url, receiver.secret, body)
            else:
                status, error, retry = None, receiver.problem, False
            delivered = status is not None and 200 <= status < 300
            with sessions.begin() as session:
                session.add(
                    WebhookDelivery(
                        webhook_id=webhook_id,
                        run_id=run_id,
                        url=url,
                        attempt=attempt,
                        delivered=delivered,
                        status_code=status,
                        error=error,
                    )
                )
            if delivered:
                return
            if attempt == ATTEMPTS or not retry:
                break
            time.sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
        log.warning(
            "webhook %s: run %s was not delivered to %s after %s attempt%s: %s",
            webhook_id,
            run_id,
            url,
            attempt,
            "" if attempt == 1 else "s",
            error,
        )
    except Exception:
        log.exception("webhook %s: delivering run %s to %s failed", webhook_id, run_id, url)


def _retryable(status: int | None) -> bool:
    return status is None or status >= 500 or status in RETRYABLE_STATUSES


def _post(sender, url: str, secret: str, body: bytes) -> tuple[int | None, str | None, bool]:
    """POST once; returns (HTTP status or None without a response, error text or None, whether
    another attempt may help)."""
    timestamp = str(int(time.time()))
    bare_url, credentials = without_credentials(url)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "customer-analytics-webhooks",
        "X-Analytics-Event": EVENT,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    }
    if credentials is not None:
        # urllib would take "user:password@host" for the host name; send them as Basic auth.
        token = base64.b64encode(":".join(credentials).encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    request = urllib.request.Request(bare_url, data=body, method="POST", headers=headers)
    try:
        with sender.open(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code} {error.reason}", _retryable(error.code)
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, PrivateAddress):
            return None, f"refused: {reason}", False
        return None, f"{type(reason).__name__}: {reason}", True
    return status, None, False
