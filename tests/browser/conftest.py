"""Fixtures shared by the browser tests (the driver's options are in tests/conftest.py)."""

import pytest

from analytics.config import Settings
from dashapp.app import create_app


@pytest.fixture
def runs_page(dash_duo, own_db, tmp_path, monkeypatch):
    """/runs of a local-mode app over its own copy of the published database, uploading into a
    folder of the test's own."""
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    dash_duo.start_server(create_app(Settings(database_url=own_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/runs")
    return dash_duo
