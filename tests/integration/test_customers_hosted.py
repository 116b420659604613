"""Hosted mode: a click on the Customers page's R × FM grid, as each role sends it. Analysts and
above go to the explorer with the cell as audience; a viewer, who may open /customers but not the
explorer, stays and is told that the explorer needs an analyst."""

import pytest

from analytics.config import Settings
from dashapp.app import create_app
from dashapp.data import queries
from dashapp.hosting import accounts
from dashapp.pages.customers import ids as customers_ids
from tests.browser.databases import published_order_log
from tests.conftest import TEST_SECRET_KEY, copy_sqlite_database
from tests.integration.test_hosting import PASSWORD, ROLES, callback_body, signed_in

OUTPUTS = [(customers_ids.CUSTOMERS_LOCATION, "href"), (customers_ids.RFM_CELL, "children")]


@pytest.fixture(scope="module")
def hosted(published_db, tmp_path_factory):
    """(app, order-log run id, customer-file run id) of a database with both kinds of run."""
    url = copy_sqlite_database(published_db, tmp_path_factory.mktemp("hosted-customers"))
    order_run = published_order_log(url)
    for role in ROLES:
        accounts.add_user(url, role, PASSWORD, role)
    app = create_app(Settings(database_url=url, secret_key=TEST_SECRET_KEY), hosted=True)
    return app, order_run, queries.latest_run(url).id


def click(client, run_id, r: int = 5, fm: int = 4) -> dict:
    point = {"curveNumber": 0, "pointNumber": [r - 1, fm - 1], "x": fm, "y": r}
    body = callback_body(
        OUTPUTS,
        [(customers_ids.RFM_GRID, "clickData", {"points": [point]})],
        [(customers_ids.CUSTOMERS_RUN, "data", run_id)],
    )
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    return response.get_json()["response"]


@pytest.mark.parametrize("role", ["analyst", "sales", "admin"])
def test_who_may_open_the_explorer_is_sent_there(hosted, role):
    app, order_run, _ = hosted
    answer = click(signed_in(app, role), order_run)
    explorer = f"/segments?run={order_run}&r=5&fm=4"
    assert answer[customers_ids.CUSTOMERS_LOCATION]["href"] == explorer
    link = answer[customers_ids.RFM_CELL]["children"]
    assert link["props"]["href"] == explorer and "in the explorer" in link["props"]["children"]


def test_a_viewer_stays_and_is_told_the_explorer_needs_an_analyst(hosted):
    app, order_run, _ = hosted
    client = signed_in(app, "viewer")
    assert client.get("/customers").status_code == 200
    answer = click(client, order_run)
    assert customers_ids.CUSTOMERS_LOCATION not in answer
    assert "needs an analyst account" in answer[customers_ids.RFM_CELL]["children"]
    assert client.get("/segments").status_code == 403


def test_a_customer_file_run_id_is_not_an_order_log_run(hosted):
    app, _, customer_run = hosted
    answer = click(signed_in(app, "admin"), customer_run)
    assert answer == {customers_ids.RFM_CELL: {"children": queries.NO_PUBLISHED_RUN}}
