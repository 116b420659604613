"""The Runs & data page: history, comparison, and uploads as background runs."""

import functools
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from analytics.config import Settings
from analytics.io.sample import generate_customers, generate_transactions
from analytics.runs import customer_file
from analytics.steps.classifier import CANDIDATES, choose_model
from dashapp.app import create_app
from dashapp.data import queries
from dashapp.pages.runs import ids as runs_ids
from tests.browser.plots import points_drawn
from tests.conftest import ROOT
from tests.receivers import Receiver, add_webhook, signature_is_valid

pytestmark = pytest.mark.browser
FAST = {"Logistic Regression": CANDIDATES["Logistic Regression"]}
# A loopback webhook receiver, apart from the integration tests' 8071-8074.
RECEIVER_PORT = 0  # a free port


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, sample_csv) -> str:
    """A database with two published runs: the sample, then a 1,500-customer slice of it."""
    folder = tmp_path_factory.mktemp("runs")
    url = f"sqlite:///{folder / 'two.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            customer_file, "choose_model", functools.partial(choose_model, candidates=FAST)
        )
        customer_file.run(sample_csv, url)
        slice_csv = folder / "slice.csv"
        slice_csv.write_text("".join(sample_csv.read_text().splitlines(True)[:1_501]))
        customer_file.run(slice_csv, url)
    return url


def test_history_and_comparison(dash_duo, two_runs):
    dash_duo.start_server(create_app(Settings(database_url=two_runs)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/runs")
    rows = dash_duo.find_elements(f"#{runs_ids.RUNS_TABLE} tbody tr")
    assert [row.text.split()[0] for row in rows] == ["2", "1"]
    assert "slice.csv" in rows[0].text and "1,500" in rows[0].text
    dash_duo.wait_for_contains_text("#runs-comparison", "Run 1 → run 2", timeout=20)
    table = dash_duo.find_element("#runs-comparison table").text
    assert "Customers 3,000 1,500 -1,500" in table
    # Every customer of the slice is also in the first run, so all 1,500 appear in the moves.
    assert points_drawn(dash_duo, "runs-moves") > 0
    assert "1,500 customers in both runs" in dash_duo.find_element("#runs-comparison").text
    assert dash_duo.get_logs() == []


def upload(dash_duo, path) -> None:
    dash_duo.find_element(f"#{runs_ids.RUNS_UPLOAD} input[type=file]").send_keys(str(path))


def test_bad_upload_shows_the_cli_error_and_keeps_the_published_run(dash_duo, own_db, tmp_path):
    published = queries.latest_run(own_db).id
    bad = tmp_path / "bad_age.csv"
    bad.write_text(
        "Customer ID,Gender,Age,Salary,Product ID,Price,Purchased\n1,Female,abc,50000,P01,2000,1\n"
    )
    dash_duo.start_server(create_app(Settings(database_url=own_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/runs")
    upload(dash_duo, bad)
    dash_duo.wait_for_contains_text(f"#{runs_ids.RUNS_ERROR}", "Not analysed", timeout=30)
    message = dash_duo.find_element(f"#{runs_ids.RUNS_ERROR}").text
    assert "bad_age.csv" in message
    assert "column 'Age' must be a number but line 2 has 'abc'" in message
    assert queries.latest_run(own_db).id == published
    assert dash_duo.get_logs() == []


def _upload_new_customers(dash_duo, settings: Settings, file: Path, seed: int, timeout: int):
    """Upload 300 generated customers on the runs page; the run they published."""
    db = settings.database_url
    published = queries.latest_run(db).id
    generate_customers(300, seed=seed).to_csv(file, index=False)
    dash_duo.start_server(create_app(settings))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/runs")
    upload(dash_duo, file)
    dash_duo.wait_for_contains_text(f"#{runs_ids.RUNS_ERROR}", "Published run", timeout=timeout)
    latest = queries.latest_run(db)
    assert latest.id == published + 1 and latest.input_name == file.name
    assert latest.rows == 300
    return latest


def test_good_upload_runs_in_the_background_and_publishes(dash_duo, own_db, tmp_path):
    latest = _upload_new_customers(
        dash_duo, Settings(database_url=own_db), tmp_path / "new_customers.csv", 9, 90
    )
    assert (
        f"Published run {latest.id}: 300 customers"
        in dash_duo.find_element(f"#{runs_ids.RUNS_ERROR}").text
    )
    dash_duo.wait_for_contains_text(f"#{runs_ids.RUNS_TABLE}", "new_customers.csv", timeout=10)
    assert dash_duo.get_logs() == []


def test_an_order_log_upload_publishes_an_order_log_run(dash_duo, empty_db, tmp_path):
    """Told apart by its columns; on a new install, where no customer-file run exists yet."""
    log = tmp_path / "orders.csv"
    generate_transactions(2_000, seed=4).to_csv(log, index=False)
    dash_duo.start_server(create_app(Settings(database_url=empty_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/runs")
    upload(dash_duo, log)
    dash_duo.wait_for_contains_text(
        f"#{runs_ids.RUNS_ERROR}", "Published order-log run 1", timeout=90
    )
    outcome = dash_duo.find_element(f"#{runs_ids.RUNS_ERROR}").text
    assert "250 customers from 2,000 orders as of 2024-12-30" in outcome
    assert "Columns recognised as: analytics sample order log." in outcome
    # The history lists it, though no customer-file run exists to compare.
    dash_duo.wait_for_contains_text(f"#{runs_ids.RUNS_TABLE}", "Order log", timeout=10)
    dash_duo.wait_for_contains_text(f"#{runs_ids.RUNS_COMPARISON}", "Customers page")
    assert dash_duo.get_logs() == []


@pytest.fixture
def celery_worker(redis_url, own_db, tmp_path):
    """A Celery worker started as the README says, on the test's database and Redis; the app
    that the test builds afterwards sends its background jobs there."""
    log = tmp_path / "worker.log"
    environment = {
        **os.environ,
        "REDIS_URL": redis_url,
        "DATABASE_URL": own_db,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        # The test's webhook receiver listens on loopback, which webhooks refuse unless allowed.
        "ALLOW_PRIVATE_WEBHOOKS": "1",
    }
    with log.open("w") as output:
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "dashapp.worker", "worker"),
                *("--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle"),
                *("--hostname", f"test-{uuid.uuid4().hex[:8]}@%h"),
            ],
            env=environment,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 90
        while " ready." not in log.read_text():
            assert worker.poll() is None, f"the worker exited:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"the worker did not start:\n{log.read_text()}"
            time.sleep(0.5)
        yield log
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_upload_runs_on_a_celery_worker_and_publishes(
    dash_duo, own_db, tmp_path, redis_url, celery_worker, monkeypatch
):
    monkeypatch.setenv("ALLOW_PRIVATE_WEBHOOKS", "1")  # the receiver is on loopback
    receiver = Receiver(RECEIVER_PORT, 200)
    secret = add_webhook(own_db, receiver.url)
    latest = _upload_new_customers(
        dash_duo,
        Settings(database_url=own_db, redis_url=redis_url),
        tmp_path / "celery_customers.csv",
        11,
        120,
    )
    # The worker, not the web server, did the work.
    assert "background_callback_" in celery_worker.read_text()
    assert "succeeded" in celery_worker.read_text()
    # Uploads announce their run like the command line does.
    receiver.close()
    [(headers, body)] = receiver.requests
    assert signature_is_valid(secret, headers, body)
    assert json.loads(body)["run_id"] == latest.id
    dash_duo.wait_for_contains_text(f"#{runs_ids.RUNS_WEBHOOKS}", "delivered", timeout=10)
    assert dash_duo.get_logs() == []
