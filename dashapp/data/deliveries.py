"""What the runs page reads of webhook deliveries: read on each request, never cached, since
deliveries keep arriving after a run is published."""

import pandas as pd

from analytics.db import webhook_repository
from analytics.db.session import session_factory
from analytics.webhook_targets import redact


def webhook_deliveries(url: str) -> pd.DataFrame:
    """One row per run and receiver for the newest runs that were sent to webhooks: attempts,
    whether one got through, and the last attempt's error. Read on each request."""
    with session_factory(url)() as session:
        attempts = pd.DataFrame(
            [
                {
                    "run_id": delivery.run_id,
                    # Deliveries recorded before URLs were redacted may hold a password.
                    "url": redact(delivery.url),
                    "attempted_at": delivery.attempted_at,
                    "delivered": delivery.delivered,
                    "error": delivery.error,
                }
                for delivery in webhook_repository.recent_deliveries(session)
            ],
            columns=["run_id", "url", "attempted_at", "delivered", "error"],
        )
    return (
        attempts.groupby(["run_id", "url"], sort=False)
        .agg(
            attempts=("delivered", "size"),
            delivered=("delivered", "any"),
            last_attempt=("attempted_at", "last"),
            error=("error", "last"),
        )
        .reset_index()
    )
