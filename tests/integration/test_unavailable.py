"""The database goes away and comes back: every page shows the designed "results unavailable"
state while it is gone (never a traceback or a blank page) and the results again once it is
back, on SQLite (the file moved away and back) and PostgreSQL (the database dropped)."""

import base64
import os
import shutil
import sys

import pytest

from analytics.config import Settings
from analytics.db.session import DatabaseMissing, forget_engine
from analytics.runs import customer_file
from dashapp.app import create_app
from dashapp.data import queries
from dashapp.jobs import uploads
from dashapp.ui import ids
from tests.conftest import POSTGRES_ADMIN_URL, new_database
from tests.integration.test_hostile import CORPUS, latest_published_id

PAGES = ("overview", "segments", "model", "what_if", "runs")
ACCEPTED = CORPUS / "extra_columns.csv"


def page_states(url: str) -> dict[str, str]:
    """What each page renders: "results", "unavailable" or "empty"."""
    app = create_app(Settings(database_url=url))
    states = {}
    with app.server.test_request_context():
        for page in PAGES:
            rendered = str(sys.modules[f"dashapp.pages.{page}.layout"].layout())
            if ids.ERROR_STATE in rendered:
                assert "Results unavailable" in rendered and "Traceback" not in rendered
                states[page] = "unavailable"
            elif ids.EMPTY_STATE in rendered:
                states[page] = "empty"
            else:
                assert ids.RUN_BADGE in rendered, rendered[:500]
                states[page] = "results"
    return states


def every_page(state: str) -> dict[str, str]:
    return dict.fromkeys(PAGES, state)


def test_sqlite_file_moved_away_and_back(tmp_path):
    path = tmp_path / "analytics.db"
    url = f"sqlite:///{path}"
    customer_file.run(ACCEPTED, url)
    assert page_states(url) == every_page("results")

    os.rename(path, tmp_path / "moved.db")
    assert page_states(url) == every_page("unavailable")
    # Nor does any other read (a callback of a page drawn before) create one in its place.
    with pytest.raises(DatabaseMissing, match="is missing"):
        queries.run_history(url)
    assert not path.exists()
    os.rename(tmp_path / "moved.db", path)
    assert page_states(url) == every_page("results")

    # Put back as a copy (another file): read afresh, not through connections to the old one.
    os.rename(path, tmp_path / "moved.db")
    assert page_states(url) == every_page("unavailable")
    shutil.copy(tmp_path / "moved.db", path)
    assert page_states(url) == every_page("results")


def test_a_sqlite_file_that_never_existed_is_the_empty_state_and_is_not_created(tmp_path):
    path = tmp_path / "new.db"
    assert page_states(f"sqlite:///{path}") == every_page("empty")
    assert not path.exists()


def admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3) as connection:
        connection.execute(statement)


@pytest.fixture
def postgres_url(tmp_path):
    database = new_database("postgresql", tmp_path)
    yield next(database)
    database.close()


def test_postgresql_database_dropped_at_start_and_mid_session(postgres_url):
    name = postgres_url.rsplit("/", 1)[1]
    admin(f'DROP DATABASE "{name}"')
    assert page_states(postgres_url) == every_page("unavailable")

    admin(f'CREATE DATABASE "{name}"')
    assert page_states(postgres_url) == every_page("empty")
    run_id = customer_file.run(ACCEPTED, postgres_url).run_id
    assert page_states(postgres_url) == every_page("results")

    admin(f'DROP DATABASE "{name}" WITH (FORCE)')
    assert page_states(postgres_url) == every_page("unavailable")
    # What comes back is a new, empty database: it is migrated on first use, and then filled.
    admin(f'CREATE DATABASE "{name}"')
    assert page_states(postgres_url) == every_page("empty")
    assert customer_file.run(ACCEPTED, postgres_url).run_id == run_id
    assert page_states(postgres_url) == every_page("results")


def test_postgresql_server_restart_is_not_noticed(postgres_url):
    customer_file.run(ACCEPTED, postgres_url)
    assert page_states(postgres_url) == every_page("results")
    name = postgres_url.rsplit("/", 1)[1]
    admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
    assert page_states(postgres_url) == every_page("results")


def test_read_only_database_still_shows_results_and_refuses_uploads(postgres_url, tmp_path):
    customer_file.run(ACCEPTED, postgres_url)
    name = postgres_url.rsplit("/", 1)[1]
    admin(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    forget_engine(postgres_url)  # as a server started now would: new connections, read-only
    assert page_states(postgres_url) == every_page("results")
    before = latest_published_id(postgres_url)

    settings = Settings(database_url=postgres_url, upload_dir=tmp_path / "uploads")
    contents = "data:text/csv;base64," + base64.b64encode(ACCEPTED.read_bytes()).decode()
    result = uploads.run_upload(settings, contents, "more.csv", lambda *_: None)
    assert result["error"].startswith(f"The database {postgres_url.split('://')[0]}")
    assert "read-only transaction" in result["error"]
    assert result["error"].endswith("The published run is unchanged.")
    assert latest_published_id(postgres_url) == before
