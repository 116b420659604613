"""Request size and malformed JSON (security issue, rows 5 and 6): a body over the limit is a
JSON 413 before it is parsed; numbers too long to be real and JSON nested thousands deep are a
400, never a 500 with a traceback or database text; the dashboard's uploads keep their own,
larger limit."""

import json

import flask
import pytest

from analytics.config import Settings
from dashapp.app import create_app
from dashapp.hosting import accounts
from tests.conftest import copy_sqlite_database

MB = 1024 * 1024
PREDICT = "/api/v1/predict"


@pytest.fixture(scope="module")
def database(published_db, tmp_path_factory) -> str:
    url = copy_sqlite_database(published_db, tmp_path_factory.mktemp("limits"))
    accounts.add_user(url, "seller", "a long enough password", "sales")
    return url


@pytest.fixture(scope="module")
def headers(database) -> dict[str, str]:
    token = accounts.create_token(database, "seller")
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def small_limits(database: str, tmp_path) -> Settings:
    return Settings.from_env(
        {
            "DATABASE_URL": database,
            "MAX_REQUEST_MB": "1",
            "UPLOAD_MAX_MB": "3",
            "JOB_CACHE_DIR": str(tmp_path / "jobs"),
        }
    )


@pytest.fixture(scope="module")
def client(database, tmp_path_factory):
    settings = small_limits(database, tmp_path_factory.mktemp("client"))
    return create_app(settings).server.test_client()


def test_the_request_limit_is_20_mb_unless_max_request_mb_says_otherwise():
    assert Settings().max_request_bytes == 20 * MB
    assert Settings.from_env({"MAX_REQUEST_MB": "5"}).max_request_bytes == 5 * MB
    with pytest.raises(ValueError, match="MAX_REQUEST_MB"):
        Settings.from_env({"MAX_REQUEST_MB": "lots"})


def test_an_oversized_api_body_is_a_json_413(client, headers):
    customer = {"age": 40, "salary": 50_000, "price": 100}
    body = json.dumps({"customers": [customer] * 40_000})  # about 1.5 MB
    assert len(body) > MB
    response = client.post(PREDICT, data=body, headers=headers)
    assert response.status_code == 413
    assert "error" in response.get_json()


def test_an_upload_sized_callback_body_is_allowed_for_who_may_upload(database, tmp_path):
    # dcc.Upload sends the file base64-encoded inside the callback's JSON: 4/3 of the file.
    server = create_app(small_limits(database, tmp_path)).server
    with server.test_request_context("/_dash-update-component", method="POST"):
        server.preprocess_request()
        assert flask.request.max_content_length >= 3 * MB * 4 // 3
    with server.test_request_context(PREDICT, method="POST"):
        server.preprocess_request()
        assert flask.request.max_content_length == MB


@pytest.mark.parametrize(
    "body",
    [
        '{"customers":[{"age":' + "9" * 400 + ',"salary":1,"price":1}]}',
        '{"customers":[{"age":1e400,"salary":1,"price":1}]}',
        '{"customers":[{"age":NaN,"salary":1,"price":1}]}',
        "[" * 5000 + "]" * 5000,
        '{"customers":' + "[" * 5000 + "]" * 5000 + "}",
    ],
    ids=["400-digit age", "1e400", "NaN", "nested 5000 deep", "nested inside customers"],
)
def test_malformed_numbers_and_nesting_are_a_400(client, headers, body):
    response = client.post(PREDICT, data=body, headers=headers)
    assert response.status_code == 400
    assert "error" in response.get_json()
    assert "sqlalchemy" not in response.text.lower()
    assert "Traceback" not in response.text


def test_nesting_in_a_dashboard_callback_is_a_400_not_a_500(client):
    response = client.post(
        "/_dash-update-component",
        data="[" * 5000 + "]" * 5000,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400


def test_a_failure_inside_the_api_is_a_500_without_internals(client, headers, monkeypatch):
    from dashapp.api import routes

    def broken(*_args):
        raise RuntimeError("sqlalchemy: password=hunter2 at /srv/secret/path.py line 12")

    monkeypatch.setattr(routes.queries, "purchase_model", broken)
    customers = {"customers": [{"age": 40, "salary": 50_000, "price": 100}]}
    response = client.post(PREDICT, data=json.dumps(customers), headers=headers)
    assert response.status_code == 500
    assert response.get_json() == {"error": "Internal error; the server log has the details."}
