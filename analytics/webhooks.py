"""Webhooks: every published run is POSTed as a signed JSON summary to each registered receiver.

Signing: `X-Analytics-Signature: sha256=<hex>` is the HMAC-SHA256, keyed with the webhook's
secret, of `<X-Analytics-Timestamp value>.<raw request body>`. Signing the timestamp too lets a
receiver refuse replays: it recomputes the HMAC, compares in constant time, and rejects
timestamps more than a few minutes old.

Delivery never fails the run: a receiver gets ATTEMPTS tries with short timeouts and exponential
backoff, all receivers at once, and every attempt is recorded in `webhook_deliveries`.
"""

import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from sqlalchemy.orm import sessionmaker

from analytics.db import webhook_repository
from analytics.db.models import WebhookDelivery

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


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect turns a POST into a GET without the body: report it as the failure it is."""

    def redirect_request(self, *_args, **_kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def new_secret() -> str:
    return secrets.token_hex(32)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Analytics-Signature value for `body` sent at `timestamp` (Unix seconds, as text)."""
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def payload(summary: dict, published_at: datetime) -> dict:
    """What receivers get: the run's size, segments and model metrics (`summary` is
    analytics.runs.customer_file.RunSummary.as_dict())."""
    return {
        "event": EVENT,
        "run_id": summary["run_id"],
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


def announce(sessions: sessionmaker, summary: dict, published_at: datetime) -> None:
    """Deliver a just-published run to every webhook. Never raises: the run is already published
    and a receiver's trouble must not turn it into a failure."""
    try:
        with sessions() as session:
            receivers = [(h.id, h.url, h.secret) for h in webhook_repository.webhooks(session)]
        if not receivers:
            return
        body = json.dumps(payload(summary, published_at), separators=(",", ":")).encode()
        with ThreadPoolExecutor(min(len(receivers), MAX_PARALLEL_DELIVERIES)) as pool:
            for receiver in receivers:
                pool.submit(_deliver, sessions, receiver, summary["run_id"], body)
    except Exception:
        log.exception("webhooks for run %s could not be sent", summary["run_id"])


def _deliver(sessions: sessionmaker, receiver: tuple[int, str, str], run_id: int, body: bytes):
    webhook_id, url, secret = receiver
    try:
        for attempt in range(1, ATTEMPTS + 1):
            status, error = _post(url, secret, body)
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
            if attempt == ATTEMPTS or not _retryable(status):
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


def _post(url: str, secret: str, body: bytes) -> tuple[int | None, str | None]:
    """POST once; returns (HTTP status or None without a response, error text or None)."""
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "customer-analytics-webhooks",
            "X-Analytics-Event": EVENT,
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(secret, timestamp, body),
        },
    )
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code} {error.reason}"
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return None, f"{type(reason).__name__}: {reason}"
    return status, None
