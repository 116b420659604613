"""Schema migrations (Alembic), applied by `python -m analytics db upgrade` and before use.

Alembic is imported only to migrate: a database already at the newest revision (every run's
after the first) is recognised by one query, without loading Alembic or the migration scripts.
"""

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def newest_revision() -> str:
    """The head revision: each script in versions/ is named after its revision id, NNNN_what.py,
    and each revises the one numbered before it (a test holds Alembic's head to this)."""
    return max(path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("[0-9]*.py"))


def alembic_config(engine: Engine) -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade_if_behind(engine: Engine) -> None:
    """`upgrade` unless the database is at the newest revision already."""
    if stored_revision(engine) != newest_revision():
        upgrade(engine)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to `revision` (idempotent)."""
    from alembic import command

    config = alembic_config(engine)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite rebuilds a table to change it, and dropping the old one would cascade into
            # its children (ON DELETE): foreign keys are off while migrating, checked after.
            # The pragma has no effect inside a transaction, so it is set before one starts.
            _set_foreign_keys(connection, "OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError("the migration left rows whose foreign keys match nothing")
        finally:
            if sqlite:
                _set_foreign_keys(connection, "ON")


def _set_foreign_keys(connection: Connection, state: str) -> None:
    connection.exec_driver_sql(f"PRAGMA foreign_keys={state}")
    connection.commit()


def stored_revision(engine: Engine) -> str | None:
    """The revision recorded in the database's alembic_version table; None without one."""
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:  # no such table: a new, empty database
        return None


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
