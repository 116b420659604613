"""Engines and sessions; callers own the session and its transaction."""

import contextlib
import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from analytics.db import migrate
from analytics.db.models import FAILED

_first_use = threading.Lock()
_engines: dict[str, Engine] = {}


class DatabaseMissing(SQLAlchemyError):
    """The database file that was in use is gone (moved or deleted)."""


def get_engine(url: str) -> Engine:
    """One engine per URL per process; the schema is migrated to the newest on first use."""
    # Concurrent first requests of a web server must not run the migrations twice at once.
    with _first_use:
        if url not in _engines:
            _engines[url] = _migrated_engine(url)
        return _engines[url]


def forget_engine(url: str) -> None:
    """Close the engine of `url` so that its next use connects and migrates afresh: after the
    database went away, what comes back may be another file or a new, empty database."""
    with _first_use:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database)
    return None


def _migrated_engine(url: str) -> Engine:
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        # A server restart leaves pooled connections dead; each is tested before use.
        engine = create_engine(url, pool_pre_ping=True)
    migrate.upgrade_if_behind(engine)
    return engine


def session_factory(url: str) -> sessionmaker:
    return sessionmaker(get_engine(url), expire_on_commit=False)


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    # WAL lets the dashboard keep reading the published run while a new run is being written.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def record_failed_run(sessions: sessionmaker, table: type, fields: dict, error: Exception) -> None:
    """Keep a visible trace of a failed run (of `table`); what is published stays untouched."""
    # Best effort: if the database itself is the failure, the original error is what to report.
    with contextlib.suppress(Exception), sessions.begin() as session:
        session.add(
            table(
                **fields,
                status=FAILED,
                error=f"{type(error).__name__}: {error}",
                finished_at=datetime.now(UTC),
            )
        )


def describe_failure(url: str, error: Exception) -> str:
    """One line naming the database (password hidden) and the driver's own first line."""
    cause = getattr(error, "orig", None) or error
    first_line = (str(cause).splitlines() or [""])[0]
    return f"database {safe_url(url)} could not be used: {type(cause).__name__}: {first_line}"


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages and pages."""
    return make_url(url).render_as_string(hide_password=True)
