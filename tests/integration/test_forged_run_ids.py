"""Run ids come from the server (security issue, row 13): the what-if and model callbacks get
the run id from the page's store, which the client controls. Only the id of a published run is
used; anything else (an unknown or failed run, a list, a string) is answered as "no run", never
with another run's data or a 500."""

import pytest
from dash import no_update
from sqlalchemy import func, select

from analytics.config import Settings
from analytics.db.models import Run
from analytics.db.session import record_failed_run, session_factory
from dashapp.app import create_app
from dashapp.data import orders, queries
from dashapp.pages.model import threshold
from dashapp.pages.segments import ids as segments_ids
from dashapp.pages.segments import update
from dashapp.pages.what_if import predict
from tests.conftest import copy_sqlite_database


@pytest.fixture(scope="module")
def database(published_db, tmp_path_factory) -> str:
    return copy_sqlite_database(published_db, tmp_path_factory.mktemp("forged"))


@pytest.fixture(scope="module")
def server(database, tmp_path_factory):
    folder = tmp_path_factory.mktemp("jobs")
    return create_app(Settings(database_url=database, job_cache_dir=folder)).server


@pytest.fixture(scope="module")
def failed_run_id(database) -> int:
    sessions = session_factory(database)
    fields = {"input_name": "bad.csv", "input_sha256": "0" * 64}
    record_failed_run(sessions, Run, fields, ValueError("boom"))
    with sessions() as session:
        return session.scalar(select(func.max(Run.id)))


def forged_ids(failed_run_id: int) -> list:
    return [failed_run_id, 10_000, -1, "1", [1], {"id": 1}, True, None]


def test_only_published_run_ids_are_taken_from_the_client(server, database, failed_run_id):
    published = queries.latest_run(database).id
    with server.test_request_context():
        assert queries.published_run_id(published) == published
        for forged in forged_ids(failed_run_id):
            assert queries.published_run_id(forged) is None, forged


def test_what_if_and_model_callbacks_answer_no_run_for_a_forged_id(server, failed_run_id):
    with server.test_request_context():
        for forged in forged_ids(failed_run_id):
            answers = [
                predict.probability(40, 50_000, 100, "Male", forged)[1],
                threshold.at_threshold(0.5, forged)[1],
            ]
            assert answers == [queries.NO_PUBLISHED_RUN] * 2, forged


def test_explorer_callbacks_answer_no_run_for_a_forged_id(server, database, failed_run_id):
    """The segment explorer's callbacks take the run id from the page's store too."""
    controls = dict.fromkeys(segments_ids.FILTER_CONTROLS)
    customer_run = queries.latest_run(database).id
    with server.test_request_context():
        # A customer-file run is not an order-log run, whatever the client says.
        assert orders.published_order_run_id(customer_run) is None
        for forged in forged_ids(failed_run_id):
            assert orders.published_order_run_id(forged) is None, forged
            assert update.summary(controls, forged)[0] == queries.NO_PUBLISHED_RUN, forged
            assert update.scatter(controls, "Age", "Salary", forged)[1] == ""
            assert update.comparison(controls, "0", "1", forged) == queries.NO_PUBLISHED_RUN
            assert update.query_string(controls, "Age", "Salary", "0", "1", forged) is no_update
            assert update.export_link(controls, None, forged) is no_update
            assert update.audiences_card(True, "Forged", controls, forged)[1] is no_update
            changes = update.changed_filters(segments_ids.SEG_RESET, {}, forged)
            assert all(change is no_update for change in changes), forged
        # The real run still answers.
        assert update.summary(controls, customer_run)[0].startswith("0 of ")


def test_the_export_answers_no_run_for_a_forged_id(server, failed_run_id):
    client = server.test_client()
    for forged in (failed_run_id, 10_000, -1, "abc", "", "9" * 30):
        export = client.get(f"{segments_ids.EXPORT_PATH}?run={forged}")
        assert export.status_code == 404, forged
        assert export.get_data(as_text=True) == queries.NO_PUBLISHED_RUN
