"""Hosted mode through Flask's test client: each role's boundaries on pages, callbacks and the
API, sign-in and sign-out, and the API's answers on a database with one published run."""

import csv
import io

import pytest
from sqlalchemy import text

from analytics.config import Settings
from analytics.db.session import get_engine
from analytics.io.sample import generate_customers
from analytics.runs import customer_file
from analytics.steps.classifier import predict_probability
from dashapp.app import create_app
from dashapp.data import queries
from dashapp.hosting import accounts
from dashapp.hosting.auth import MissingSecretKey
from dashapp.pages.runs import ids as runs_ids
from dashapp.pages.segments import ids as segments_ids
from dashapp.pages.what_if import ids as what_if_ids
from dashapp.ui import ids
from tests.conftest import TEST_SECRET_KEY, copy_sqlite_database
from tests.hosting import log_in, log_out

PASSWORD = "correct horse battery"
ROLES = ("viewer", "analyst", "sales", "admin")
FORMULA_ID = '=HYPERLINK("http://evil.example")'


@pytest.fixture(scope="module")
def hosted_db(published_db, tmp_path_factory) -> str:
    """A copy of the published run with one user and one token per role, and one customer whose
    id a spreadsheet would run as a formula."""
    url = copy_sqlite_database(published_db, tmp_path_factory.mktemp("hosted"))
    with get_engine(url).begin() as connection:
        connection.execute(
            text("UPDATE customers SET customer_id = :id WHERE row_number = 0"), {"id": FORMULA_ID}
        )
    for role in ROLES:
        accounts.add_user(url, role, PASSWORD, role)
    return url


@pytest.fixture(scope="module")
def tokens(hosted_db) -> dict[str, str]:
    return {role: accounts.create_token(hosted_db, role) for role in ROLES}


@pytest.fixture(scope="module")
def app(hosted_db):
    return create_app(Settings(database_url=hosted_db, secret_key=TEST_SECRET_KEY), hosted=True)


@pytest.fixture(scope="module")
def run_id(hosted_db) -> int:
    return queries.latest_run(hosted_db).id


def signed_in(app, role: str):
    client = app.server.test_client()
    response = log_in(client, role, PASSWORD)
    assert response.status_code == 303
    return client


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def callback_body(
    outputs: list[tuple[str, str]],
    inputs: list[tuple[str, str, object]],
    state: list[tuple[str, str, object]] = (),
) -> dict:
    """A /_dash-update-component request as the browser sends it."""
    output = "...".join(f"{component}.{prop}" for component, prop in outputs)
    return {
        "output": f"..{output}.." if len(outputs) > 1 else output,
        "outputs": [{"id": c, "property": p} for c, p in outputs]
        if len(outputs) > 1
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [{"id": c, "property": p, "value": v} for c, p, v in inputs],
        "state": [{"id": c, "property": p, "value": v} for c, p, v in state],
        "changedPropIds": [],
    }


CUSTOMER = [
    (ids.WHATIF_AGE, "value", 40),
    (ids.WHATIF_SALARY, "value", 60000),
    (ids.WHATIF_PRICE, "value", 3500),
    (ids.WHATIF_GENDER, "value", "Female"),
]


# What the overview's quick what-if answers with.
PROBABILITY_OUTPUTS = [(ids.WHATIF_PROBABILITY, "children"), (ids.WHATIF_BAND, "children")]


def what_if_body(outputs: list[tuple[str, str]], run_id: int) -> dict:
    """A what-if callback's request: the customer CUSTOMER, answered by the model of run_id."""
    return callback_body(outputs, CUSTOMER, [(ids.RUN_STORE, "data", run_id)])


def test_hosted_mode_refuses_to_start_without_a_secret_key(hosted_db):
    with pytest.raises(MissingSecretKey, match="SECRET_KEY"):
        create_app(Settings(database_url=hosted_db), hosted=True)


@pytest.mark.parametrize(
    "path", ["/", "/customers", "/model", "/segments", "/what-if", "/runs", "/users"]
)
def test_pages_send_strangers_to_the_login_page(app, path):
    response = app.server.test_client().get(f"{path}?a=1")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={path}?a%3D1"


PAGES = {
    "/": 0,
    "/customers": 0,
    "/model": 0,
    "/segments": 1,
    "/runs": 1,
    "/what-if": 2,
    "/users": 3,
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_its_pages(app, role):
    client = signed_in(app, role)
    rank = ROLES.index(role)
    statuses = {path: client.get(path).status_code for path in PAGES}
    assert statuses == {path: 200 if needed <= rank else 403 for path, needed in PAGES.items()}


def test_the_forbidden_page_says_which_role_is_needed(app):
    response = signed_in(app, "viewer").get("/what-if")
    assert response.status_code == 403
    assert "signed in as <strong>viewer</strong>" in response.get_data(as_text=True)
    assert "needs the <strong>sales</strong> role" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "pages"),
    [
        ("viewer", ["Overview", "Customers", "Model"]),
        ("analyst", ["Overview", "Customers", "Segments", "Model", "Runs & data"]),
        (
            "admin",
            ["Overview", "Customers", "Segments", "Model", "What-if", "Runs & data", "Users"],
        ),
    ],
)
def test_navigation_lists_only_the_pages_of_the_role_and_the_user(app, role, pages):
    layout = signed_in(app, role).get("/_dash-layout").get_json()
    links = [
        (props["children"], props.get("href"))
        for component in _components(layout)
        if component["type"] == "NavLink"
        for props in [component["props"]]
    ]
    assert links == [
        *((name, path) for name, path in NAV_PAGES.items() if name in pages),
        (f"{role} · {role}", None),
    ]
    # Signing out is a form posting the session's CSRF token, not a link.
    (sign_out,) = [c["props"] for c in _components(layout) if c["type"] == "Form"]
    assert (sign_out["action"], sign_out["method"]) == ("/logout", "POST")
    fields = [c["props"] for c in _components(sign_out["children"])]
    assert fields[0]["name"] == "csrf_token" and len(fields[0]["value"]) > 20
    assert fields[1]["children"] == "Sign out"


NAV_PAGES = {
    "Overview": "/",
    "Customers": "/customers",
    "Segments": "/segments",
    "Model": "/model",
    "What-if": "/what-if",
    "Runs & data": "/runs",
    "Users": "/users",
}


def _components(node):
    """Every component in a serialised Dash layout, depth first."""
    if isinstance(node, list):
        for item in node:
            yield from _components(item)
    elif isinstance(node, dict) and "props" in node:
        yield node
        yield from _components(node["props"].get("children"))


def test_callbacks_need_a_session(app, run_id):
    body = what_if_body(PROBABILITY_OUTPUTS, run_id)
    response = app.server.test_client().post("/_dash-update-component", json=body)
    assert response.status_code == 401
    assert response.get_json() == {"error": "Sign in first."}


def test_a_viewer_gets_403_from_a_what_if_callback_and_sales_an_answer(app, run_id):
    outputs = [(what_if_ids.WI_WHY, "children"), (what_if_ids.WI_CONTRIBUTIONS, "figure")]
    body = what_if_body(outputs, run_id)
    viewer = signed_in(app, "viewer").post("/_dash-update-component", json=body)
    assert viewer.status_code == 403
    sales = signed_in(app, "sales").post("/_dash-update-component", json=body)
    assert sales.status_code == 200
    assert "typical customer" in sales.get_json()["response"][what_if_ids.WI_WHY]["children"]


def test_a_viewer_may_use_the_overview_what_if(app, run_id):
    body = what_if_body(PROBABILITY_OUTPUTS, run_id)
    response = signed_in(app, "viewer").post("/_dash-update-component", json=body)
    assert response.status_code == 200
    assert response.get_json()["response"][ids.WHATIF_PROBABILITY]["children"].endswith("%")


def test_export_is_for_analysts(app, run_id):
    body = callback_body(
        [(segments_ids.SEG_EXPORT, "href")],
        [(segments_ids.SEG_GENDER, "value", ["Male"])],
        [(segments_ids.SEG_RUN, "data", run_id)],
    )
    assert signed_in(app, "viewer").post("/_dash-update-component", json=body).status_code == 403
    export = f"{segments_ids.EXPORT_PATH}?run={run_id}"
    assert signed_in(app, "viewer").get(export).status_code == 403
    assert signed_in(app, "analyst").get(export).status_code == 200


def test_uploads_are_for_admins(app):
    body = callback_body(
        [(runs_ids.RUNS_ERROR, "children"), (runs_ids.RUNS_BODY, "children")],
        [
            (
                runs_ids.RUNS_UPLOAD_ACCEPTED,
                "data",
                {"contents": "data:text/csv;base64,", "filename": "a.csv"},
            )
        ],
    )
    # The background job's polling repeats the same request with a cache key in the query.
    for path in ("/_dash-update-component", "/_dash-update-component?cacheKey=x&job=1"):
        response = signed_in(app, "sales").post(path, json=body)
        assert response.status_code == 403


def test_the_runs_page_shows_the_upload_to_analysts_and_above(app):
    def runs_page(role: str) -> str:
        body = callback_body(
            [("_pages_content", "children"), ("_pages_store", "data")],
            [("_pages_location", "pathname", "/runs"), ("_pages_location", "search", "")],
        )
        response = signed_in(app, role).post("/_dash-update-component", json=body)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    # Issue #21: analysts and admins upload; on the ladder, sales sits between them.
    assert all(runs_ids.RUNS_UPLOAD in runs_page(role) for role in ("analyst", "sales", "admin"))


def test_the_page_router_renders_only_pages_of_the_role(app):
    def route(pathname: str) -> int:
        body = callback_body(
            [("_pages_content", "children"), ("_pages_store", "data")],
            [("_pages_location", "pathname", pathname), ("_pages_location", "search", "")],
        )
        return signed_in(app, "viewer").post("/_dash-update-component", json=body).status_code

    assert (route("/model"), route("/segments"), route("/users")) == (200, 403, 403)


def test_a_callback_nobody_mapped_is_refused_even_to_admins(app):
    body = callback_body([("made-up-output", "children")], [("made-up-input", "value", 1)])
    assert signed_in(app, "admin").post("/_dash-update-component", json=body).status_code == 403


def test_wrong_password_and_unknown_user_are_refused_alike(app):
    client = app.server.test_client()
    wrong = log_in(client, "viewer", "nope-nope")
    unknown = log_in(client, "nobody", "nope-nope")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong username or password." in wrong.get_data(as_text=True)
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("next_page", "landing"),
    [
        ("/segments?gender=Female", "/segments?gender=Female"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
    ],
)
def test_login_returns_to_the_page_asked_for_on_this_site_only(app, next_page, landing):
    response = log_in(app.server.test_client(), "analyst", PASSWORD, next=next_page)
    assert response.status_code == 303
    assert response.headers["Location"] == landing


def test_logout_ends_the_session(app):
    client = signed_in(app, "viewer")
    assert client.get("/").status_code == 200
    assert log_out(client).headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_a_role_change_ends_open_sessions_and_the_new_one_has_the_new_role(app, hosted_db):
    accounts.add_user(hosted_db, "promoted", PASSWORD, "viewer")
    client = signed_in(app, "promoted")
    assert client.get("/segments").status_code == 403
    accounts.set_role(hosted_db, "promoted", "analyst")
    assert client.get("/segments").status_code == 302
    client = signed_in(app, "promoted")
    assert client.get("/segments").status_code == 200
    accounts.remove_user(hosted_db, "promoted")
    assert client.get("/segments").status_code == 302


def test_the_login_page_uses_the_local_bootstrap(app):
    page = app.server.test_client().get("/login?next=/model").get_data(as_text=True)
    assert '<link rel="stylesheet" href="/assets/bootstrap.min.css">' in page
    assert '<input type="hidden" name="next" value="/model">' in page
    assert "cdn" not in page.lower()


# The API ------------------------------------------------------------------------------------

API_ROUTES = [
    ("post", "/api/v1/predict", "sales"),
    ("get", "/api/v1/segments", "analyst"),
    ("get", "/api/v1/segments/1/customers", "analyst"),
    ("get", "/api/v1/runs", "viewer"),
    ("get", "/api/v1/runs/latest", "viewer"),
]
ONE_CUSTOMER = {"customers": [{"age": 40, "salary": 60000, "price": 3500, "gender": "Female"}]}


@pytest.mark.parametrize(("method", "path", "_role"), API_ROUTES)
@pytest.mark.parametrize("authorization", [None, "Bearer ca_not-a-token", "Basic dXNlcjpwYXNz"])
def test_the_api_answers_401_json_without_a_valid_token(app, method, path, _role, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    response = getattr(app.server.test_client(), method)(path, headers=headers, json=ONE_CUSTOMER)
    assert response.status_code == 401
    assert "token" in response.get_json()["error"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("role", ROLES)
def test_each_token_reaches_exactly_its_roles_routes(app, tokens, role):
    client = app.server.test_client()
    for method, path, needed in API_ROUTES:
        response = getattr(client, method)(path, headers=bearer(tokens[role]), json=ONE_CUSTOMER)
        allowed = ROLES.index(role) >= ROLES.index(needed)
        assert response.status_code == (200 if allowed else 403), (role, path)
        if not allowed:
            assert f"needs the {needed} role" in response.get_json()["error"]


def test_a_revoked_token_stops_working(app, hosted_db):
    token = accounts.create_token(hosted_db, "viewer")
    client = app.server.test_client()
    assert client.get("/api/v1/runs", headers=bearer(token)).status_code == 200
    token_id = max(info.id for info in accounts.list_tokens(hosted_db))
    accounts.revoke_token(hosted_db, token_id)
    assert client.get("/api/v1/runs", headers=bearer(token)).status_code == 401


def test_predict_gives_the_dashboards_probabilities(app, tokens, hosted_db, run_id):
    customers = [
        {"age": 40, "salary": 60000, "price": 3500, "gender": "Female"},
        {"age": 22, "salary": 15000, "price": 9000},
    ]
    response = app.server.test_client().post(
        "/api/v1/predict", headers=bearer(tokens["sales"]), json={"customers": customers}
    )
    assert response.status_code == 200
    body = response.get_json()
    model = queries.purchase_model(hosted_db, run_id)
    expected = [
        predict_probability(
            model.estimator,
            model.features,
            {
                "Age": c["age"],
                "Salary": c["salary"],
                "Price": c["price"],
                "Gender": c.get("gender"),
            },
        )
        for c in customers
    ]
    assert body["run_id"] == run_id and body["model"] == model.name
    assert [p["probability"] for p in body["predictions"]] == pytest.approx(expected, abs=1e-12)
    assert [p["likely"] for p in body["predictions"]] == [p >= model.threshold for p in expected]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"age": 40}, "Send a JSON object"),
        ({"customers": []}, "list of 1 to 1000"),
        ({"customers": [{"age": 40, "salary": 60000, "price": 3500}] * 1001}, "list of 1 to 1000"),
        ({"customers": ["x"]}, "customers[0] is not an object"),
        ({"customers": [{"age": 400, "salary": 1, "price": 1}]}, "customers[0].age is a number"),
        ({"customers": [{"age": True, "salary": 1, "price": 1}]}, "customers[0].age is a number"),
        ({"customers": [{"age": "40", "salary": 1, "price": 1}]}, "customers[0].age is a number"),
        ({"customers": [{"age": 40, "price": 1}]}, "customers[0].salary is required"),
        ({"customers": [{"age": 4, "salary": 1, "price": 1, "Age": 3}]}, "unknown fields ['Age']"),
        ({"customers": [{"age": 4, "salary": 1, "price": 1, "gender": 7}]}, "gender is text"),
    ],
)
def test_predict_rejects_bad_input_with_422_and_a_reason(app, tokens, body, message):
    response = app.server.test_client().post(
        "/api/v1/predict", headers=bearer(tokens["sales"]), json=body
    )
    assert response.status_code == 422
    assert message in response.get_json()["error"]


def test_predict_rejects_a_body_that_is_not_json(app, tokens):
    response = app.server.test_client().post(
        "/api/v1/predict", headers=bearer(tokens["sales"]), data="age=40"
    )
    assert response.status_code == 422


def test_segments_and_their_customers_page_through_the_run(app, tokens, hosted_db, run_id):
    client = app.server.test_client()
    headers = bearer(tokens["analyst"])
    listed = client.get("/api/v1/segments", headers=headers).get_json()
    profiles = queries.overview(hosted_db, run_id).segments
    assert [s["id"] for s in listed["segments"]] == [int(n) + 1 for n in profiles["segment"]]
    assert [s["size"] for s in listed["segments"]] == profiles["size"].tolist()
    first = listed["segments"][0]
    page_one = client.get(
        f"/api/v1/segments/{first['id']}/customers?per_page=50", headers=headers
    ).get_json()
    page_two = client.get(
        f"/api/v1/segments/{first['id']}/customers?per_page=50&page=2", headers=headers
    ).get_json()
    assert page_one["total"] == page_two["total"] == first["size"]
    assert len(page_one["customers"]) == len(page_two["customers"]) == 50
    ids_one = {c["Customer ID"] for c in page_one["customers"]}
    assert ids_one.isdisjoint(c["Customer ID"] for c in page_two["customers"])
    assert {c["Segment"] for c in page_one["customers"]} == {first["id"]}


def test_customer_pages_carry_each_customers_purchase_probability(app, tokens, hosted_db, run_id):
    frame = queries.customers(hosted_db, run_id)
    members = frame[frame["segment"] == 0].head(20)
    expected = members["purchase_probability"].round(4).tolist()
    client = app.server.test_client()
    path = "/api/v1/segments/1/customers?per_page=20"
    page = client.get(path, headers=bearer(tokens["analyst"])).get_json()
    assert [c["Purchase probability"] for c in page["customers"]] == expected
    body = client.get(f"{path}&format=csv", headers=bearer(tokens["analyst"])).get_data(
        as_text=True
    )
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    assert [float(row["Purchase probability"]) for row in rows] == expected
    # The number is the one the what-if gives the customer, to the four decimals shown.
    model = queries.purchase_model(hosted_db, run_id)
    first = page["customers"][0]
    inputs = {feature: first[feature] for feature in model.features}
    assert first["Purchase probability"] == pytest.approx(
        predict_probability(model.estimator, model.features, inputs), abs=5e-5
    )


def test_a_run_without_a_model_pages_customers_with_null_probabilities(hosted_db, tmp_path):
    url = copy_sqlite_database(hosted_db, tmp_path)
    small = tmp_path / "small.csv"
    generate_customers(30, seed=1).to_csv(small, index=False)
    assert customer_file.run(small, url).analysis.model is None
    token = accounts.create_token(url, "analyst")
    settings = Settings(database_url=url, secret_key=TEST_SECRET_KEY)
    client = create_app(settings, hosted=True).server.test_client()
    path = "/api/v1/segments/1/customers?per_page=100"
    page = client.get(path, headers=bearer(token)).get_json()
    assert page["customers"] and all(c["Purchase probability"] is None for c in page["customers"])
    body = client.get(f"{path}&format=csv", headers=bearer(token)).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    assert len(rows) == page["total"] and {row["Purchase probability"] for row in rows} == {""}


def test_customer_csv_neutralises_formula_cells(app, tokens, hosted_db, run_id):
    frame = queries.customers(hosted_db, run_id)
    segment = int(frame.loc[frame["Customer ID"] == FORMULA_ID, "segment"].iat[0]) + 1
    response = app.server.test_client().get(
        f"/api/v1/segments/{segment}/customers?format=csv&per_page=1000",
        headers=bearer(tokens["analyst"]),
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("Customer ID,Gender,Age,Salary")
    assert any(line.startswith('"\'=HYPERLINK(""http://evil.example"")"') for line in lines)
    assert not any(line.startswith(("=", '"=')) for line in lines)
    assert len(lines) - 1 == min(1000, int(response.headers["X-Total-Count"]))


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", 200),
        ("?page=0", 422),
        ("?per_page=1001", 422),
        ("?format=xlsx", 422),
        ("?page=999", 200),
        ("?page=%C2%B2", 422),
        ("?page=99999999999999999999999", 422),
        ("?per_page=-5", 422),
    ],
)
def test_customer_paging_parameters_are_checked(app, tokens, query, status):
    response = app.server.test_client().get(
        f"/api/v1/segments/1/customers{query}", headers=bearer(tokens["analyst"])
    )
    assert response.status_code == status


def test_an_unknown_segment_is_404_json(app, tokens):
    response = app.server.test_client().get(
        "/api/v1/segments/99/customers", headers=bearer(tokens["analyst"])
    )
    assert response.status_code == 404
    assert "no segment 99" in response.get_json()["error"]


def test_runs_and_the_latest_run(app, tokens, run_id):
    client = app.server.test_client()
    runs = client.get("/api/v1/runs", headers=bearer(tokens["viewer"])).get_json()["runs"]
    latest = client.get("/api/v1/runs/latest", headers=bearer(tokens["viewer"])).get_json()
    assert latest["run_id"] == run_id and latest["status"] == "published"
    assert latest in runs
    assert latest["created_at"].endswith("+00:00")


def test_the_openapi_document_is_public(app):
    response = app.server.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.")
    assert sorted(document["paths"]) == [
        "/predict",
        "/runs",
        "/runs/latest",
        "/runs/{run_id}/customers",
        "/runs/{run_id}/summary",
        "/segments",
        "/segments/{segment_id}/customers",
    ]


def test_an_unreachable_database_is_503_json_not_a_traceback():
    # Nothing listens on port 1, so every connection is refused at once.
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:1/nothing"
    app = create_app(Settings(database_url=unreachable, secret_key=TEST_SECRET_KEY), hosted=True)
    client = app.server.test_client()
    response = client.get("/api/v1/runs", headers=bearer("ca_anything"))
    assert response.status_code == 503
    assert response.get_json() == {"error": "The database is not available; try again later."}
    login = log_in(client, "viewer", PASSWORD)
    assert login.status_code == 503
    assert "database is not available" in login.get_data(as_text=True)
