"""Reads and writes of webhooks and their deliveries, in the caller's session and transaction."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analytics.db.models import Webhook, WebhookDelivery


def add_webhook(session: Session, url: str, secret: str, sealed: str | None = None) -> Webhook:
    """`url` as it may be shown; `sealed` the encrypted full URL and secret (then `secret` is
    empty)."""
    webhook = Webhook(url=url, secret=secret, sealed=sealed)
    session.add(webhook)
    session.flush()
    return webhook


def webhooks(session: Session) -> list[Webhook]:
    return list(session.scalars(select(Webhook).order_by(Webhook.id)))


def remove_webhook(session: Session, webhook_id: int) -> bool:
    """Delete a webhook (its past deliveries stay); False when there is no such webhook."""
    webhook = session.get(Webhook, webhook_id)
    if webhook is None:
        return False
    session.delete(webhook)
    return True


def recent_deliveries(session: Session, runs: int = 10) -> list[WebhookDelivery]:
    """Every delivery attempt for the newest `runs` runs that had any, newest run first and
    attempts in order."""
    newest_runs = (
        select(WebhookDelivery.run_id)
        .group_by(WebhookDelivery.run_id)
        .order_by(WebhookDelivery.run_id.desc())
        .limit(runs)
        .subquery()
    )
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.run_id.in_(select(newest_runs.c.run_id)))
        .order_by(WebhookDelivery.run_id.desc(), WebhookDelivery.id)
    )
    return list(session.scalars(query))


def last_results(session: Session) -> dict[int, WebhookDelivery]:
    """Each webhook's most recent delivery attempt, by webhook id."""
    latest = (
        select(func.max(WebhookDelivery.id))
        .where(WebhookDelivery.webhook_id.is_not(None))
        .group_by(WebhookDelivery.webhook_id)
    )
    return {
        delivery.webhook_id: delivery
        for delivery in session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.id.in_(latest))
        )
    }
