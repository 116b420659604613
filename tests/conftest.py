"""Shared fixtures: the bundled sample, the reference data, databases (SQLite and PostgreSQL)."""

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.chrome.options import Options

from analytics.runs import customer_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CSV = ROOT / "data" / "sample_customers.csv"
REFERENCE_CSV = ROOT.parent / "shared" / "data" / "purchase_history.csv"
# A PostgreSQL server where the tests may create and drop their own databases.
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", "postgresql"]
# A Redis server for the Celery and shared-cache tests; its own database number keeps keys apart.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
# dash_duo serves on this port; parallel test sessions on one machine each pick their own.
DASH_TEST_PORT = int(os.environ.get("DASH_TEST_PORT", "8050"))


def pytest_setup_options():
    """Headless Chromium for dash_duo; without --headless it times out after 30 s here."""
    options = Options()
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    options.binary_location = chromium
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--window-size=1400,1000",
    ):
        options.add_argument(argument)
    return options


@pytest.fixture
def dash_duo(dash_duo):
    start_server = dash_duo.start_server
    dash_duo.start_server = lambda app, **kwargs: start_server(
        app, **{"port": DASH_TEST_PORT, **kwargs}
    )
    return dash_duo


@pytest.fixture(scope="session")
def sample_csv() -> Path:
    return SAMPLE_CSV


@pytest.fixture(scope="session")
def reference_csv() -> Path:
    if not REFERENCE_CSV.is_file():
        pytest.skip(f"reference data not found at {REFERENCE_CSV} (it lives in ../shared)")
    return REFERENCE_CSV


@pytest.fixture(scope="session")
def published_db(tmp_path_factory) -> str:
    """A SQLite database holding one published run of the bundled sample."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'analytics.db'}"
    customer_file.run(SAMPLE_CSV, url)
    return url


def copy_sqlite_database(url: str, folder: Path) -> str:
    """A consistent copy of a SQLite database (its WAL included), for tests that add to it."""
    target = folder / "copy.db"
    with sqlite3.connect(url.removeprefix("sqlite:///")) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


@pytest.fixture
def own_db(tmp_path, published_db) -> str:
    """A copy of the published sample run that a test may add runs to."""
    return copy_sqlite_database(published_db, tmp_path)


@pytest.fixture
def empty_db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'empty.db'}"


def new_database(backend: str, folder: Path) -> Iterator[str]:
    """A fresh, empty database URL on `backend`, dropped afterwards (PostgreSQL)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'analytics.db'}"
        return
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed")
    name = f"analytics_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"no PostgreSQL server at {POSTGRES_ADMIN_URL}: {error}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    server = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    url = f"{server}/{name}"
    try:
        yield url
    finally:
        from analytics.db.session import get_engine

        get_engine(url).dispose()
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def redis_url() -> str:
    """TEST_REDIS_URL when a Redis server answers there; the test is skipped otherwise."""
    redis = pytest.importorskip("redis", reason="the redis client is not installed")
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis server at {TEST_REDIS_URL}: {error}")
    return TEST_REDIS_URL


@pytest.fixture(params=BACKENDS)
def fresh_db(request, tmp_path) -> Iterator[str]:
    """An empty database on each backend in turn."""
    yield from new_database(request.param, tmp_path)


# Hosted mode refuses SECRET_KEYs shorter than 32 bytes or from a list of weak values: tests sign
# their sessions with this one (long enough, and not one character repeated).
TEST_SECRET_KEY = "t3st-signing-key-" + "x9Q" * 12
