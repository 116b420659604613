"""The attacks of issue 20 replayed against hosted (and local) mode through Flask's test client,
one group per row of the issue's table that the web layer answers: each must be refused."""

import pytest

from analytics.config import Settings
from dashapp.app import create_app
from dashapp.hosting import accounts
from dashapp.pages.what_if import ids as what_if_ids
from dashapp.ui import ids
from tests.conftest import TEST_SECRET_KEY, copy_sqlite_database
from tests.hosting import form_token, log_in, log_out

PASSWORD = "correct horse battery"
ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."
ROUTER_OUTPUTS = [
    {"id": "_pages_content", "property": "children"},
    {"id": "_pages_store", "property": "data"},
]


@pytest.fixture
def db(published_db, tmp_path) -> str:
    url = copy_sqlite_database(published_db, tmp_path)
    for role in ("viewer", "analyst", "sales", "admin"):
        accounts.add_user(url, role, PASSWORD, role)
    return url


def hosted(db: str, **settings):
    return create_app(
        Settings(database_url=db, secret_key=TEST_SECRET_KEY, **settings), hosted=True
    )


@pytest.fixture
def app(db):
    return hosted(db)


def signed_in(app, username: str):
    client = app.server.test_client()
    assert log_in(client, username, PASSWORD).status_code == 303
    return client


def route(client, inputs: list[dict]):
    """Dash's page-router request, exactly as the attack sends it (no `state`)."""
    body = {
        "output": ROUTER_OUTPUT,
        "outputs": ROUTER_OUTPUTS,
        "inputs": inputs,
        "changedPropIds": ["_pages_location.pathname"],
    }
    return client.post("/_dash-update-component", json=body)


# Row 1: a removed user's cookie, and account ids that come back.


def test_a_removed_users_cookie_signs_nobody_in(app, db):
    accounts.add_user(db, "alice", PASSWORD, "analyst")
    alice = signed_in(app, "alice")
    accounts.remove_user(db, "alice")
    accounts.add_user(db, "mallory", PASSWORD, "admin")
    response = alice.get("/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_new_password_ends_open_sessions(app, db):
    client = signed_in(app, "analyst")
    accounts.set_password(db, "analyst", "a brand new password")
    assert client.get("/segments").status_code == 302


def test_account_ids_are_never_reused(db):
    last = accounts.add_user(db, "last", PASSWORD, "viewer")
    accounts.remove_user(db, "last")
    assert accounts.add_user(db, "next", PASSWORD, "viewer").id > last.id


# Row 2: the page router and callbacks judged by what Dash will run, not by labels.


@pytest.mark.parametrize(("page", "marker"), [("/users", "users-table"), ("/runs", "runs-table")])
def test_a_viewer_cannot_render_pages_above_its_role_through_the_router(app, page, marker):
    viewer = signed_in(app, "viewer")
    plain = route(
        viewer,
        [
            {"id": "_pages_location", "property": "pathname", "value": page},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
    )
    relabelled = route(
        viewer,
        [
            {"id": "_pages_location", "property": "search", "value": page},
            {"id": "_pages_location", "property": "pathname", "value": "/"},
        ],
    )
    assert (plain.status_code, relabelled.status_code) == (403, 403)
    assert marker not in relabelled.get_data(as_text=True)


def test_the_router_checks_the_path_dash_will_render(app):
    viewer = signed_in(app, "viewer")
    for spelling in ("//users", "/users/", "users", "/users?x=1", "/USERS"):
        response = route(
            viewer,
            [
                {"id": "_pages_location", "property": "pathname", "value": spelling},
                {"id": "_pages_location", "property": "search", "value": ""},
            ],
        )
        # Refused, or answered with Dash's 404 layout (the path is then no page).
        withheld = response.status_code == 403 or "users-table" not in response.text
        assert withheld, spelling


def test_relabelled_inputs_cannot_reach_a_sales_callback(app, db):
    from dashapp.data import queries

    # The what-if page's customer lookup writes app-wide (viewer) components but reads the
    # sales-only customer and product pickers; labelled as the overview's inputs, the reads
    # look harmless.
    written = [
        (ids.WHATIF_AGE, "value"),
        (ids.WHATIF_SALARY, "value"),
        (ids.WHATIF_PRICE, "value"),
        (ids.WHATIF_GENDER, "value"),
        (what_if_ids.WI_PRODUCT, "value"),
        (what_if_ids.WI_CUSTOMER_NOTE, "children"),
    ]
    body = {
        "output": "...".join(f"{i}.{p}" for i, p in written).join(["..", ".."]),
        "outputs": [{"id": i, "property": p} for i, p in written],
        "inputs": [
            {"id": ids.WHATIF_AGE, "property": "value", "value": "1"},
            {"id": ids.WHATIF_SALARY, "property": "value", "value": None},
        ],
        "state": [{"id": ids.RUN_STORE, "property": "data", "value": queries.latest_run(db).id}],
        "changedPropIds": [f"{ids.WHATIF_AGE}.value"],
    }
    assert signed_in(app, "viewer").post("/_dash-update-component", json=body).status_code == 403
    body["inputs"][0]["id"] = what_if_ids.WI_CUSTOMER
    body["inputs"][1]["id"] = what_if_ids.WI_PRODUCT
    body["changedPropIds"] = [f"{what_if_ids.WI_CUSTOMER}.value"]
    assert signed_in(app, "sales").post("/_dash-update-component", json=body).status_code != 403


@pytest.mark.parametrize("output", [f"{ids.NAV_COLLAPSE}.is_open", "made-up.children", None])
def test_clientside_and_unknown_outputs_are_refused(app, output):
    body = {"output": output, "outputs": {"id": "x", "property": "y"}, "inputs": []}
    response = signed_in(app, "admin").post("/_dash-update-component", json=body)
    assert response.status_code == 403


# Row 3: logout is a POST with a CSRF token, and it ends the session for good.


def test_logout_is_a_post_with_a_csrf_token(app):
    client = signed_in(app, "viewer")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200
    response = log_out(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_a_cookie_copied_before_logout_is_dead_after_it(app):
    client = signed_in(app, "viewer")
    copied = client.get_cookie("session").value
    assert log_out(client).status_code == 303
    replay = app.server.test_client()
    replay.set_cookie("session", copied)
    assert replay.get("/").status_code == 302


def test_the_dashboard_page_carries_a_csrf_token_for_its_sign_out_form(app):
    client = signed_in(app, "viewer")
    assert form_token(client.get("/").get_data(as_text=True))


# Row 4: password and token guessing are throttled; normal use is not.


def test_30_wrong_passwords_are_throttled(app):
    client = app.server.test_client()
    codes = [log_in(client, "viewer", f"wrong-{i}").status_code for i in range(30)]
    assert 429 in codes
    assert set(codes) <= {401, 429}


def test_wrong_passwords_for_many_accounts_from_one_address_are_throttled(app):
    client = app.server.test_client()
    codes = [log_in(client, f"nobody-{i}", "wrong").status_code for i in range(40)]
    assert 429 in codes


def test_many_good_logins_are_not_throttled(app):
    codes = {log_in(app.server.test_client(), "viewer", PASSWORD).status_code for _ in range(60)}
    assert codes == {303}


def test_api_token_guessing_is_throttled(app):
    client = app.server.test_client()
    codes = [
        client.get("/api/v1/runs", headers={"Authorization": f"Bearer ca_guess{i}"}).status_code
        for i in range(60)
    ]
    assert 429 in codes
    assert client.get("/api/v1/runs").get_json()["error"]


# Row 7: security headers.


def test_pages_carry_security_headers(app):
    headers = app.server.test_client().get("/login").headers
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers


def test_the_dashboards_inline_scripts_are_allowed_by_hash(app):
    client = signed_in(app, "viewer")
    client.get("/")
    policy = client.get("/").headers["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if "script-src" in part)
    assert "'sha256-" in script_src
    # Injected inline scripts and scripts from elsewhere do not run.
    assert "'unsafe-inline'" not in script_src
    assert set(script_src.split()[1:]) <= {"'self'", "'unsafe-eval'"} | {
        source for source in script_src.split() if source.startswith("'sha256-")
    }


def test_hsts_only_with_secure_cookies(db):
    app = hosted(db, session_cookie_secure=True)
    headers = app.server.test_client().get("/login", base_url="https://localhost").headers
    assert "max-age=" in headers["Strict-Transport-Security"]


# Row 8: CSRF on forms, and cross-site callbacks.


def test_a_login_without_a_csrf_token_is_refused(app):
    client = app.server.test_client()
    response = client.post("/login", data={"username": "viewer", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_a_cross_site_callback_is_refused(app):
    viewer = signed_in(app, "viewer")
    inputs = [
        {"id": "_pages_location", "property": "pathname", "value": "/"},
        {"id": "_pages_location", "property": "search", "value": ""},
    ]
    body = {"output": ROUTER_OUTPUT, "outputs": ROUTER_OUTPUTS, "inputs": inputs}
    foreign = viewer.post(
        "/_dash-update-component", json=body, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    for own_origin in ("http://localhost", "https://localhost"):  # https: behind a TLS proxy
        own = viewer.post("/_dash-update-component", json=body, headers={"Origin": own_origin})
        assert own.status_code == 200
    null = viewer.post("/_dash-update-component", json=body, headers={"Origin": "null"})
    assert null.status_code == 403


# Row 9: local mode answers only to its own host names (DNS rebinding).


def test_local_mode_answers_only_its_own_host_names(db):
    client = create_app(Settings(database_url=db)).server.test_client()
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400
    assert client.get("/", headers={"Host": "127.0.0.1.attacker.example"}).status_code == 400
    assert client.get("/", headers={"Host": "127.0.0.1:8050"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost"}).status_code == 200


def test_allowed_hosts_adds_names(db):
    settings = Settings(database_url=db, allowed_hosts=("dash.example",))
    client = create_app(settings).server.test_client()
    assert client.get("/", headers={"Host": "dash.example"}).status_code == 200
    assert client.get("/", headers={"Host": "other.example"}).status_code == 400


def test_allowed_hosts_is_read_from_the_environment():
    settings = Settings.from_env({"ALLOWED_HOSTS": "a.example, b.example"})
    assert settings.allowed_hosts == ("a.example", "b.example")
