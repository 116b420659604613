"""The declared role matrix, walked with plain requests: every page and every registered server
callback, for every role, answers as the pages' declarations (dashapp/pages/*/ids.py) say."""

import dash
import pytest
from dash._utils import split_callback_id

from analytics.config import Settings
from dashapp.app import create_app
from dashapp.data import queries
from dashapp.hosting import accounts, callback_guard, roles
from dashapp.pages.segments import ids as segments_ids
from tests.conftest import TEST_SECRET_KEY, copy_sqlite_database
from tests.hosting import log_in

PASSWORD = "correct horse battery"
ROUTER = ".._pages_content.children..._pages_store.data.."
# The matrix written out, so that a change of any role shows up in review.
EXPECTED_PAGES = {
    "/": "viewer",
    "/customers": "viewer",
    "/model": "viewer",
    "/segments": "analyst",
    "/runs": "analyst",
    "/what-if": "sales",
    "/users": "admin",
}
EXPECTED_CALLBACKS = {
    "..model-confusion.figure...model-reach.children..": "viewer",
    "..customers-location.href...rfm-cell.children..": "viewer",
    "..whatif-probability.children...whatif-band.children..": "viewer",
    "whatif-range-warning.children": "viewer",
    "..seg-count.children...segments-distribution.figure...seg-profile-table.children"
    "...seg-selection-note.children...seg-clear-selection.disabled...seg-export.disabled..": (
        "analyst"
    ),
    "..segments-scatter.figure...seg-sample-note.children..": "analyst",
    "seg-comparison.children": "analyst",
    "seg-url.search": "analyst",
    "..seg-filter-gender.value...seg-filter-age.value...seg-filter-salary.value"
    "...seg-filter-price.value...seg-filter-segments.value...seg-filter-purchased.value"
    "...seg-filter-probability.value...seg-selection.data...seg-filter-top-n.value"
    "...seg-filter-rfm-group.value"
    "...seg-filter-r-score.value...seg-filter-fm-score.value...seg-filter-value.value"
    "...seg-filter-p-alive.value..": "analyst",
    "seg-export.href": "analyst",
    "..seg-audience-message.children...seg-audience.data...seg-audience-list.children..": "analyst",
    "runs-comparison.children": "analyst",
    "runs-set-aside.children": "analyst",
    "runs-set-aside-download.data": "analyst",
    "..whatif-age.value...whatif-salary.value...whatif-price.value...whatif-gender.value"
    "...wi-product.value...wi-customer-note.children..": "sales",
    "..wi-why.children...wi-contributions.figure..": "sales",
    "..wi-price-sensitivity.figure...wi-counterfactual.children..": "sales",
    "wi-segment-result.children": "sales",
    "..wi-repeat-recency.value...wi-repeat-orders.value...wi-repeat-aov.value"
    "...wi-repeat-tenure.value...wi-repeat-picked.children..": "sales",
    "..wi-repeat-propensity.children...wi-repeat-value.children...wi-repeat-sure.children"
    "...wi-repeat-why.children...wi-repeat-contributions.figure..": "sales",
    "wi-repeat-recency-curve.figure": "sales",
    "wi-interval.children": "sales",
    "..runs-error.children...runs-body.children...runs-mapping.style...runs-mapping-pending.data"
    "...runs-mapping-kind.value...runs-mapping-customers.children...runs-mapping-orders.children"
    "...runs-mapping-preview.children..": "analyst",
}


@pytest.fixture(scope="module")
def app(published_db, tmp_path_factory):
    url = copy_sqlite_database(published_db, tmp_path_factory.mktemp("matrix"))
    for role in roles.LADDER:
        accounts.add_user(url, role, PASSWORD, role)
    app = create_app(Settings(database_url=url, secret_key=TEST_SECRET_KEY), hosted=True)
    # Dash registers its page router on the first request.
    app.server.test_client().get("/login")
    return app


@pytest.fixture(scope="module")
def clients(app) -> dict:
    signed_in = {}
    for role in roles.LADDER:
        client = app.server.test_client()
        assert log_in(client, role, PASSWORD).status_code == 303
        signed_in[role] = client
    return signed_in


def server_callbacks(app) -> dict:
    return {
        output: registered
        for output, registered in app.callback_map.items()
        if "callback" in registered and output != ROUTER
    }


def registered_body(output: str, registered: dict) -> dict:
    """The request for a callback with ids and properties exactly as registered, values None."""
    return {
        "output": output,
        "outputs": split_callback_id(output),
        "inputs": [{**item, "value": None} for item in registered["inputs"]],
        "state": [{**item, "value": None} for item in registered["state"]],
        "changedPropIds": [],
    }


def router_body(path: str) -> dict:
    return {
        "output": ROUTER,
        "outputs": split_callback_id(ROUTER),
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "changedPropIds": ["_pages_location.pathname"],
    }


def test_the_declarations_are_the_expected_matrix(app):
    assert roles.PAGE_ROLES == EXPECTED_PAGES
    # No page of the app goes without a declared role, but the one for addresses that are no
    # page, which anyone signed in may see.
    assert {page["path"] for page in dash.page_registry.values()} == {*EXPECTED_PAGES, "/404"}
    declared = {
        output: callback_guard.required_role(app, registered_body(output, registered))
        for output, registered in server_callbacks(app).items()
    }
    assert declared == EXPECTED_CALLBACKS


@pytest.mark.parametrize("role", roles.LADDER)
def test_every_page_for_every_role(app, clients, role):
    client = clients[role]
    for path, needed in EXPECTED_PAGES.items():
        allowed = roles.allows(role, needed)
        assert client.get(path).status_code == (200 if allowed else 403), path
        routed = client.post("/_dash-update-component", json=router_body(path))
        assert routed.status_code == (200 if allowed else 403), path


@pytest.mark.parametrize("role", roles.LADDER)
def test_every_callback_for_every_role(app, clients, role):
    client = clients[role]
    for output, registered in server_callbacks(app).items():
        allowed = roles.allows(role, EXPECTED_CALLBACKS[output])
        if allowed and registered.get("background"):
            continue  # would start a background job; its role is checked above
        response = client.post("/_dash-update-component", json=registered_body(output, registered))
        if allowed:
            assert response.status_code not in (401, 403), output
        else:
            assert response.status_code == 403, output


def test_strangers_get_401_from_every_callback(app):
    stranger = app.server.test_client()
    for output, registered in server_callbacks(app).items():
        response = stranger.post(
            "/_dash-update-component", json=registered_body(output, registered)
        )
        assert response.status_code == 401, output


@pytest.mark.parametrize("role", roles.LADDER)
def test_the_streamed_export_for_every_role(app, clients, role):
    run_id = queries.latest_run(app.server.config["DATABASE_URL"]).id
    response = clients[role].get(f"{segments_ids.EXPORT_PATH}?run={run_id}&purchased=buyers")
    if roles.allows(role, segments_ids.PAGE_ROLE):
        assert response.status_code == 200
        disposition = response.headers["Content-Disposition"]
        assert f'filename="audience-filtered-run-{run_id}-' in disposition  # buyers only
        assert response.get_data(as_text=True).startswith("Customer ID,")
    else:
        assert response.status_code == 403
        assert "Customer ID" not in response.get_data(as_text=True)


def test_strangers_are_sent_to_sign_in_by_the_export(app):
    response = app.server.test_client().get(f"{segments_ids.EXPORT_PATH}?run=1")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
