"""Shared fixtures: the bundled sample, the reference data, a database with a published run."""

import shutil
from pathlib import Path

import pytest
from selenium.webdriver.chrome.options import Options

from analytics import pipeline

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CSV = ROOT / "data" / "sample_customers.csv"
REFERENCE_CSV = ROOT.parent / "shared" / "data" / "purchase_history.csv"


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
    pipeline.run(SAMPLE_CSV, url)
    return url


@pytest.fixture
def empty_db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'empty.db'}"
