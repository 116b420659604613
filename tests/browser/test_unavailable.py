"""In the browser: the SQLite file moved away mid-session shows the designed "results
unavailable" state on every page, and the results come back with the file, without a restart."""

import os

import pytest

from analytics.config import Settings
from analytics.runs import customer_file
from dashapp.app import create_app
from dashapp.ui import ids
from tests.integration.test_hostile import CORPUS

pytestmark = pytest.mark.browser


def test_pages_show_unavailable_while_the_file_is_away_and_recover(dash_duo, tmp_path):
    path = tmp_path / "analytics.db"
    customer_file.run(CORPUS / "extra_columns.csv", f"sqlite:///{path}")
    dash_duo.start_server(create_app(Settings(database_url=f"sqlite:///{path}")))

    def visit(page: str, selector: str) -> str:
        dash_duo.wait_for_page(url=f"{dash_duo.server_url}{page}")
        return dash_duo.wait_for_element(selector, timeout=20).text

    assert "extra_columns.csv" in visit("/", f"#{ids.RUN_BADGE}")
    os.rename(path, tmp_path / "away.db")
    for page in ("/", "/customers", "/segments", "/model", "/what-if", "/runs"):
        state = visit(page, f"#{ids.ERROR_STATE}")
        assert state.startswith("Results unavailable"), state
        assert "is missing (moved or deleted)" in state
    os.rename(tmp_path / "away.db", path)
    for page in ("/", "/runs"):
        assert "extra_columns.csv" in visit(page, f"#{ids.RUN_BADGE}")
    assert dash_duo.get_logs() == []
