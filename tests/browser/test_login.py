"""Hosted mode in headless Chromium: a stranger is sent to the login page, signs in and lands on
the page they asked for, with the navigation of their role."""

import pytest

from analytics.config import Settings
from dashapp.app import create_app
from dashapp.hosting import accounts
from dashapp.pages.model import ids as model_ids
from dashapp.ui import ids
from tests.conftest import TEST_SECRET_KEY, copy_sqlite_database

pytestmark = pytest.mark.browser

PASSWORD = "browser password"


def test_signing_in_leads_to_the_page_asked_for(dash_duo, published_db, tmp_path):
    _serve_with_a_viewer(dash_duo, published_db, tmp_path)

    dash_duo.driver.get(f"{dash_duo.server.url}/model")
    dash_duo.wait_for_element("#login-form", timeout=10)
    assert dash_duo.driver.current_url.endswith("/login?next=/model")
    _sign_in(dash_duo)

    dash_duo.wait_for_element(f"#{model_ids.MODEL_TABLE}", timeout=20)
    assert dash_duo.driver.current_url == f"{dash_duo.server.url}/model"
    dash_duo.wait_for_text_to_equal(f"#{ids.NAV_USER}", "manager · viewer", timeout=10)
    links = [link.text for link in dash_duo.find_elements(".navbar-nav .nav-link")]
    assert links == ["Overview", "Customers", "Model", "manager · viewer", "Sign out"]
    assert dash_duo.get_logs() == []


def test_the_sign_out_button_ends_the_session(dash_duo, published_db, tmp_path):
    _serve_with_a_viewer(dash_duo, published_db, tmp_path)
    dash_duo.driver.get(f"{dash_duo.server.url}/login")
    dash_duo.wait_for_element("#login-form", timeout=10)
    _sign_in(dash_duo)
    dash_duo.wait_for_text_to_equal(f"#{ids.NAV_USER}", "manager · viewer", timeout=20)

    dash_duo.find_element(f"#{ids.NAV_SIGN_OUT} button").click()

    dash_duo.wait_for_element("#login-form", timeout=10)
    dash_duo.driver.get(f"{dash_duo.server.url}/model")
    dash_duo.wait_for_element("#login-form", timeout=10)
    assert dash_duo.driver.current_url.endswith("/login?next=/model")
    assert dash_duo.get_logs() == []


def _serve_with_a_viewer(dash_duo, published_db, tmp_path):
    """The hosted app on a copy of the published database with one viewer, "manager"."""
    db = copy_sqlite_database(published_db, tmp_path)
    accounts.add_user(db, "manager", PASSWORD, "viewer")
    settings = Settings(database_url=db, secret_key=TEST_SECRET_KEY)
    dash_duo.start_server(create_app(settings, hosted=True), navigate=False)


def _sign_in(dash_duo):
    dash_duo.find_element("#username").send_keys("manager")
    dash_duo.find_element("#password").send_keys(PASSWORD)
    dash_duo.find_element("#login-submit").click()
