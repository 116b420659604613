"""The one place a run is written and published, for every run kind and engine.

A run's record and everything `write` stores for it go into the database in one transaction,
and the run is published (status, finish time) as that transaction commits: readers never see
half a run. If anything fails, the run is recorded as failed instead and the error re-raised.
Once committed, the run may be announced to the webhooks.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from analytics import webhooks
from analytics.db.models import PUBLISHED
from analytics.db.session import record_failed_run

Record = TypeVar("Record")


def publish_run(
    sessions: sessionmaker,
    table: type[Record],
    fields: dict,
    write: Callable[[Session, Record], None],
    announce: Callable[[Record], dict] | None = None,
) -> Record:
    """Add a `table` row made of `fields`, call `write(session, record)` (the record has its id
    by then) and publish both at commit. `announce`, if given, makes the webhook summary of the
    published record (it needs a `run_id`), sent once the run is committed."""
    record = table(**fields)
    try:
        with sessions.begin() as session:
            session.add(record)
            session.flush()
            write(session, record)
            record.status = PUBLISHED
            record.finished_at = datetime.now(UTC)
    except Exception as error:
        record_failed_run(sessions, table, fields, error)
        raise
    if announce is not None:
        webhooks.announce(sessions, announce(record), record.finished_at)
    return record
