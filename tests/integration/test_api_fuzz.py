"""schemathesis over /api/v1/openapi.json: generated requests, with a valid admin token, never
get a server error. Bounded to 25 valid and 25 invalid requests per operation, so that it stays
quick."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from analytics.config import Settings
from analytics.runs import order_log_run
from dashapp.app import create_app
from dashapp.hosting import accounts
from tests.conftest import ROOT, TEST_SECRET_KEY, copy_sqlite_database


@pytest.fixture(scope="module")
def admin_token_and_app(published_db, tmp_path_factory):
    url = copy_sqlite_database(published_db, tmp_path_factory.mktemp("fuzz"))
    # An order-log run (run 2) too, so that its routes answer with data, not only 404s.
    order_log_run.run(ROOT / "data" / "sample_transactions.csv", url)
    accounts.add_user(url, "fuzzer", "fuzzing password", "admin")
    token = accounts.create_token(url, "fuzzer")
    return token, create_app(Settings(database_url=url, secret_key=TEST_SECRET_KEY), hosted=True)


@pytest.fixture(scope="module")
def api_schema(admin_token_and_app):
    _token, app = admin_token_and_app
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app.server)


@pytest.fixture(scope="module")
def admin_token(admin_token_and_app) -> str:
    return admin_token_and_app[0]


OPERATIONS = [
    ("/predict", "POST"),
    ("/segments", "GET"),
    ("/segments/{segment_id}/customers", "GET"),
    ("/runs", "GET"),
    ("/runs/latest", "GET"),
    ("/runs/{run_id}/summary", "GET"),
    ("/runs/{run_id}/customers", "GET"),
]


# schemathesis's own pytest plugin does not load under pytest 9, so hypothesis drives each
# operation's strategy here.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_no_request_makes_the_api_fail(api_schema, admin_token, path, method, mode):
    """Valid requests (positive) and requests that break the schema (negative) alike."""
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def check(case):
        case.call_and_validate(
            headers={"Authorization": f"Bearer {admin_token}"}, checks=[not_a_server_error]
        )

    check()


def test_the_fuzzed_operations_are_all_the_documented_ones(api_schema):
    documented = [
        (result.ok().path, result.ok().method.upper()) for result in api_schema.get_all_operations()
    ]
    assert sorted(documented) == sorted(OPERATIONS)
