"""Links in headless Chromium: a designed page for an address that is no page, with a way back,
and no link to a page the visitor cannot open (a viewer's overview, local mode's /users)."""

import pytest

from analytics.config import Settings
from dashapp.app import create_app
from dashapp.hosting import accounts
from dashapp.ui import ids
from tests.conftest import TEST_SECRET_KEY, copy_sqlite_database

pytestmark = pytest.mark.browser
PASSWORD = "browser password"


def _links(dash_duo, css: str) -> list[str]:
    return [link.get_attribute("pathname") for link in dash_duo.find_elements(f"{css} a[href]")]


def test_an_address_that_is_no_page_says_so_and_leads_back(dash_duo, published_db):
    dash_duo.start_server(create_app(Settings(database_url=published_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/no-such-page")
    dash_duo.wait_for_contains_text(f"#{ids.NOT_FOUND}", "Page not found", timeout=20)
    assert dash_duo.driver.title == "Page not found · Customer Analytics"
    links = _links(dash_duo, f"#{ids.NOT_FOUND}")
    assert links[0] == "/"
    assert set(links) == {"/", "/customers", "/model", "/what-if", "/segments", "/runs"}
    # Local mode has no login, so no accounts page in its menu.
    assert "/users" not in _links(dash_duo, ".navbar-nav")
    dash_duo.find_element(f"#{ids.NOT_FOUND} a[href='/']").click()
    dash_duo.wait_for_element(f"#{ids.WHATIF_AGE}", timeout=20)
    assert dash_duo.driver.current_url == f"{dash_duo.server_url}/"
    assert dash_duo.get_logs() == []


def test_a_viewer_sees_no_link_to_a_page_they_cannot_open(dash_duo, published_db, tmp_path):
    db = copy_sqlite_database(published_db, tmp_path)
    accounts.add_user(db, "manager", PASSWORD, "viewer")
    settings = Settings(database_url=db, secret_key=TEST_SECRET_KEY)
    dash_duo.start_server(create_app(settings, hosted=True), navigate=False)
    dash_duo.driver.get(f"{dash_duo.server.url}/login")
    dash_duo.wait_for_element("#login-form", timeout=10)
    dash_duo.find_element("#username").send_keys("manager")
    dash_duo.find_element("#password").send_keys(PASSWORD)
    dash_duo.find_element("#login-submit").click()

    # The overview's quick what-if answers, without its link to /what-if (sales only).
    dash_duo.wait_for_contains_text(f"#{ids.WHATIF_PROBABILITY}", "%", timeout=20)
    viewer_pages = {"/", "/customers", "/model"}
    assert set(_links(dash_duo, "body")) <= viewer_pages
    assert not dash_duo.find_elements("a[href='/what-if']")

    dash_duo.driver.get(f"{dash_duo.server.url}/no-such-page")
    dash_duo.wait_for_contains_text(f"#{ids.NOT_FOUND}", "Page not found", timeout=20)
    assert set(_links(dash_duo, f"#{ids.NOT_FOUND}")) == viewer_pages
    assert dash_duo.get_logs() == []
