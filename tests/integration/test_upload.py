"""Uploads through the dashboard's job function (dashapp.jobs.uploads.run_upload, what the /runs
page's background callback calls): every hostile-corpus file gets the outcome the CLI gives it, the
limits hold before the file is parsed, uploads at once do not corrupt each other, and an order
log becomes an order-log run as with `run --orders`."""

import base64
import json
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from analytics.config import InputLimits, Settings, upload_limits
from analytics.db import behaviour_repository, repository
from analytics.db.models import ORDER_LOG
from analytics.db.session import session_factory
from analytics.io.sample import generate_customers, generate_transactions
from analytics.steps.rfm import GROUPS
from analytics.validation.column_guess import columns_option
from analytics.validation.columns import parse_column_mapping
from dashapp.app import create_app
from dashapp.jobs import uploads
from dashapp.pages.runs import view
from tests.conftest import new_database
from tests.integration.test_faults import assert_runs_whole
from tests.integration.test_hostile import (
    CORPUS,
    OUTCOMES,
    Rejected,
    assert_accepted,
    database_with_one_run,
    latest_published_id,
    run_count,
)

# Corpus files the CLI refuses for want of --columns, for which the page offers its mapping step.
MAPPING_STEP = {"renamed_columns.csv"}


def payload(data: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(data).decode()


def upload(settings: Settings, path: Path, filename: str | None = None) -> dict:
    steps = []
    result = uploads.run_upload(
        settings,
        payload(path.read_bytes()),
        filename or path.name,
        lambda percent, step: steps.append((percent, step)),
    )
    assert all(0 <= percent <= 99 for percent, _ in steps)
    return result


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    return database_with_one_run(tmp_path_factory.mktemp("uploads"))


@pytest.fixture
def settings(db, tmp_path) -> Settings:
    return Settings(database_url=db, upload_dir=tmp_path / "uploads")


@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_every_corpus_file_gets_the_cli_outcome_through_the_upload(db, settings, name):
    before, runs = latest_published_id(db), run_count(db)
    result = upload(settings, CORPUS / name)
    expected = OUTCOMES[name]
    assert_runs_whole(db)
    if name in MAPPING_STEP:
        # Where the CLI asks for --columns, the page asks which column is which.
        assert set(result) == {"mapping"} and result["mapping"]["filename"] == name
        assert latest_published_id(db) == before and run_count(db) == runs
        return
    if isinstance(expected, Rejected):
        assert set(result) == {"error"}, result
        assert result["error"].startswith(f"{name}: ")
        assert "Traceback" not in result["error"]
        for part in expected.parts:
            assert part in result["error"], (part, result["error"])
        assert latest_published_id(db) == before and run_count(db) == runs
        # A file that did not become a run is not kept on the server.
        assert list(settings.upload_dir.rglob("*.csv")) == []
        return

    stored = assert_accepted(result, expected, db, before)
    assert len(stored) == result["quarantined"]["count"]


def test_the_message_names_the_file_as_the_user_named_it(settings):
    hostile_name = "<img src=x onerror=alert(1)> shop.csv"
    result = upload(settings, CORPUS / "text_in_numeric.csv", hostile_name)
    assert result["error"].startswith(f"{hostile_name}: column 'Age' is empty on line 6")


def test_limits_refuse_before_the_file_is_parsed(db, settings, tmp_path):
    before = latest_published_id(db)
    good = tmp_path / "good.csv"
    generate_customers(40, seed=5).to_csv(good, index=False)
    size = good.stat().st_size

    too_large = replace(settings, upload_limits=InputLimits(max_bytes=size - 1))
    assert upload(too_large, good)["error"].startswith(
        "good.csv: the file is 0.0 MB, larger than the upload limit of 0.0 MB"
    )
    assert "UPLOAD_MAX_MB" in upload(too_large, good)["error"]
    too_long = replace(settings, upload_limits=InputLimits(max_rows=30))
    assert upload(too_long, good)["error"] == (
        "good.csv: more than 30 data rows (line 32 is the first beyond the limit); split the "
        "file, or raise the limit with ANALYTICS_MAX_ROWS."
    )
    too_wide = replace(settings, upload_limits=InputLimits(max_columns=6))
    message = upload(too_wide, good)["error"]
    assert "the header (line 1) has 7 columns, more than the limit of 6" in message
    assert latest_published_id(db) == before


def test_upload_limits_come_from_the_environment():
    megabyte = 1024 * 1024
    assert upload_limits({}) == InputLimits(max_bytes=50 * megabyte)
    assert upload_limits({"ANALYTICS_MAX_INPUT_MB": "20"}).max_bytes == 20 * megabyte
    assert upload_limits({"ANALYTICS_MAX_INPUT_MB": "20", "UPLOAD_MAX_MB": "200"}) == (
        InputLimits(max_bytes=200 * megabyte)
    )
    assert upload_limits({"ANALYTICS_MAX_ROWS": "500", "ANALYTICS_MAX_COLUMNS": "12"}) == (
        InputLimits(max_bytes=50 * megabyte, max_rows=500, max_columns=12)
    )
    with pytest.raises(ValueError, match="UPLOAD_MAX_MB must be a number of at least 1"):
        upload_limits({"UPLOAD_MAX_MB": "lots"})


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_uploads_at_once_make_two_complete_runs(backend, tmp_path):
    database = new_database(backend, tmp_path)
    url = next(database)
    try:
        settings = Settings(database_url=url, upload_dir=tmp_path / "uploads")
        files = {}
        for rows, seed in ((120, 1), (90, 2)):
            # The same file name for both: each upload is saved in a folder of its own.
            folder = tmp_path / f"user{seed}"
            folder.mkdir()
            files[rows] = folder / "customers.csv"
            generate_customers(rows, seed=seed).to_csv(files[rows], index=False)
        results = {}
        start = threading.Barrier(len(files))

        def user(rows: int) -> None:
            start.wait()
            results[rows] = upload(settings, files[rows])

        threads = [threading.Thread(target=user, args=(rows,)) for rows in files]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)

        assert {rows: result.get("rows") for rows, result in results.items()} == {120: 120, 90: 90}
        assert_runs_whole(url)
        run_ids = sorted(result["run_id"] for result in results.values())
        assert run_count(url) == 2 and latest_published_id(url) == run_ids[-1]
    finally:
        database.close()


def test_the_app_keeps_its_settings_for_its_upload_jobs(settings):
    app = create_app(settings)
    with app.server.test_request_context():
        assert uploads.app_settings() is settings


def test_set_aside_rows_download_from_the_runs_page_with_formulas_neutralised(db, settings):
    customers = generate_customers(40, seed=8).astype(str)
    customers.loc[4, ["Age", "Product ID"]] = ["", '=HYPERLINK("http://evil")']
    customers.loc[7, ["Gender", "Customer ID"]] = ["", "@SUM(A1)"]
    path = settings.upload_dir.parent / "two_gaps.csv"
    customers.to_csv(path, index=False)
    result = upload(settings, path)
    assert result["quarantined"] == {
        "count": 2,
        "reasons": {"column 'Age' is empty": 1, "column 'Gender' is blank": 1},
    }

    app = create_app(settings)
    runs = sys.modules["dashapp.pages.runs.callbacks"]  # run by Dash Pages as the app is made
    with app.server.test_request_context():
        panel = str(runs.show_set_aside(result["run_id"]))
        download = runs.download_set_aside(1, result["run_id"])
    assert f"Run {result['run_id']} set 2 rows of its file aside" in panel
    assert download["filename"] == f"run-{result['run_id']}-set-aside.csv"
    lines = download["content"].splitlines()
    assert lines[0] == "line,reasons,Customer ID,Gender,Age,Salary,Product ID,Price,Purchased"
    assert lines[1].startswith("6,column 'Age' is empty,") and "'=HYPERLINK" in lines[1]
    assert lines[2].startswith("9,column 'Gender' is blank,'@SUM(A1),,")


def test_an_uploaded_order_log_becomes_a_published_order_log_run(db, settings, tmp_path):
    customer_run, runs = latest_published_id(db), run_count(db)
    path = tmp_path / "shop orders.csv"
    generate_transactions(3_000, seed=11).to_csv(path, index=False)
    steps = []
    result = uploads.run_upload(
        settings,
        payload(path.read_bytes()),
        path.name,
        lambda percent, step: steps.append((percent, step)),
    )

    assert result["input_kind"] == ORDER_LOG and "error" not in result, result
    assert result["orders"] == 3_000 and result["as_of"] == "2024-12-31"
    assert "Columns recognised as: analytics sample order log." in result["notes"]
    # Gender and Age never change within a customer: they are the customers' attributes.
    assert any("Gender, Age (one value per customer)" in note for note in result["notes"])
    # The progress bar moves through the order-log run's own steps, never to 100 before the end.
    assert steps[0][1] == "Reading and validating shop_orders.csv (1/8)"
    assert 80 <= steps[-1][0] <= 99 and steps[-1][1] == f"Publishing run {result['run_id']} (8/8)"
    assert_runs_whole(db)
    assert run_count(db) == runs + 1
    with session_factory(db)() as session:
        run = repository.latest_published_run(session, ORDER_LOG)
        behaviour = behaviour_repository.run_behaviour(session, run.id)
    assert run.id == result["run_id"] and run.input_name == "shop_orders.csv"
    assert len(behaviour) == result["rows"] == run.rows
    assert set(behaviour["rfm_group"]) <= set(GROUPS)
    attributes = [json.loads(text) for text in behaviour["attributes"]]
    assert all(set(a) == {"Gender", "Age"} for a in attributes)
    # The customer-file pages keep reading the customer-file run.
    assert latest_published_id(db) == customer_run
    # What the /runs page says of it.
    text = str(view.upload_outcome(result))
    assert f"Published order-log run {result['run_id']}" in text
    assert f"{result['rows']:,} customers from 3,000 orders as of 2024-12-31" in text


def test_a_bad_order_log_gets_the_cli_message_naming_the_file_row_and_column(
    db, settings, tmp_path
):
    before, runs = latest_published_id(db), run_count(db)
    log = generate_transactions(400, seed=12).astype(str)
    log.loc[6, "Order Date"] = "someday"
    log.loc[9, "Amount"] = "lots"
    path = tmp_path / "orders.csv"
    log.to_csv(path, index=False)
    result = upload(settings, path, "My orders.csv")
    assert set(result) == {"error"}
    assert result["error"] == (
        "My orders.csv: column 'Order Date' must be a date (ISO 8601, e.g. 2024-03-05) but line "
        "8 has 'someday'; column 'Amount' must be a number but line 11 has 'lots'."
    )
    assert latest_published_id(db) == before and run_count(db) == runs
    assert list(settings.upload_dir.rglob("*.csv")) == []


def test_renamed_columns_are_analysed_with_the_mapping_the_page_guessed_as_with_columns(
    db, settings, tmp_path
):
    """The mapping step's guess for renamed_columns.csv, confirmed, is the run that
    `run --input renamed_columns.csv --columns …` makes: its --columns text read by the CLI's
    parser, stored with the run; the pending file is analysed once and then kept as any other."""
    proposal = upload(settings, CORPUS / "renamed_columns.csv", "Our customers.csv")["mapping"]
    assert proposal["kind"] == "customers"
    assert proposal["header"][:3] == ["User ID", "Sex", "Age"] and len(proposal["rows"]) == 5
    guess = proposal["guesses"]["customers"]
    assert guess == {
        "customer_id": "User ID",
        "gender": "Sex",
        "age": "Age",
        "salary": "EstimatedSalary",
        "product_id": "Product ID",
        "price": "Price",
        "purchased": "Bought",
    }
    pending = settings.upload_dir / uploads.PENDING / proposal["upload_id"]
    assert [p.name for p in pending.iterdir()] == ["Our_customers.csv"]

    text = columns_option("customers", guess)
    steps = []
    result = uploads.run_mapped_upload(
        settings,
        proposal["upload_id"],
        proposal["filename"],
        "customers",
        text,
        lambda percent, step: steps.append(step),
    )
    assert result["rows"] == 30 and "error" not in result, result
    assert steps[0] == "Reading and validating Our_customers.csv (1/17)"
    with session_factory(db)() as session:
        run = repository.latest_published_run(session)
    assert run.id == result["run_id"] and run.params["columns"] == parse_column_mapping(text)
    assert not pending.exists()
    assert (settings.upload_dir / proposal["upload_id"] / "Our_customers.csv").is_file()
    again = uploads.run_mapped_upload(
        settings, proposal["upload_id"], "Our customers.csv", "customers", text, print
    )
    assert again["error"].startswith("Our customers.csv: the upload is no longer on the server")


def test_a_mapping_naming_no_column_of_the_file_gets_the_cli_message(db, settings):
    before, runs = latest_published_id(db), run_count(db)
    proposal = upload(settings, CORPUS / "renamed_columns.csv")["mapping"]
    result = uploads.run_mapped_upload(
        settings,
        proposal["upload_id"],
        "renamed_columns.csv",
        "customers",
        'customer_id="User ID",purchased=Purchased',
        print,
    )
    assert result["error"] == (
        "renamed_columns.csv: the column mapping names columns the file does not have "
        "(purchased='Purchased'); the columns found were 'User ID', 'Sex', 'Age', "
        "'EstimatedSalary', 'Product ID', 'Price', 'Bought'."
    )
    assert latest_published_id(db) == before and run_count(db) == runs
    assert list(settings.upload_dir.rglob("*.csv")) == []


@pytest.mark.parametrize("upload_id", ["../../etc", "0" * 31, None, "f" * 32])
def test_only_a_pending_upload_made_by_the_server_can_be_mapped(settings, upload_id):
    result = uploads.run_mapped_upload(
        settings, upload_id, "x.csv", "customers", "customer_id=a,purchased=b", print
    )
    assert result == {"error": f"x.csv: {uploads.GONE}"}


def test_an_order_log_with_renamed_columns_is_mapped_as_an_order_log(db, settings, tmp_path):
    path = tmp_path / "export.csv"
    renamed = {"Customer ID": "Buyer", "Order Date": "Ordered at", "Amount": "Total"}
    generate_transactions(2_000, seed=13).rename(columns=renamed).to_csv(path, index=False)
    proposal = upload(settings, path)["mapping"]
    assert proposal["kind"] == "orders"
    guess = proposal["guesses"]["orders"]
    assert guess == {
        "customer_id": "Buyer",
        "order_date": "Ordered at",
        "amount": "Total",
        "order_id": "Order ID",
    }
    text = columns_option("orders", guess)
    result = uploads.run_mapped_upload(
        settings, proposal["upload_id"], "export.csv", "orders", text, print
    )
    assert result["input_kind"] == ORDER_LOG and result["orders"] == 2_000, result
    with session_factory(db)() as session:
        run = repository.latest_published_run(session, ORDER_LOG)
    assert run.id == result["run_id"] and run.params["columns"] == guess
