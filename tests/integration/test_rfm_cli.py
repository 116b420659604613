"""`python -m analytics rfm` as a user runs it, then the stored RFM run.

The run on the committed sample and one bad file go through a real subprocess; the other cases
call the same `main()` in-process, which keeps the suite fast (a subprocess spends ~2 s on
imports).
"""

import json
import re

import pandas as pd
import pytest
from sqlalchemy import func, select

from analytics.cli import main
from analytics.db import repository, rfm_repository
from analytics.db.models import RfmCustomer, RfmRun
from analytics.db.session import session_factory
from analytics.steps.rfm import GROUPS
from tests.integration.test_cli import cli, run_main

COLUMN_ARGS = (
    "--customer-col",
    "Customer ID",
    "--date-col",
    "Order Date",
    "--amount-col",
    "Amount",
)


@pytest.fixture(scope="module")
def transactions_csv(sample_csv):
    return sample_csv.parent / "sample_transactions.csv"


@pytest.fixture(scope="module")
def published(tmp_path_factory, transactions_csv):
    """One RFM run of the committed sample: (database URL, the --json summary)."""
    db = f"sqlite:///{tmp_path_factory.mktemp('rfm') / 'rfm.db'}"
    summary = json.loads(
        cli("rfm", "--input", str(transactions_csv), *COLUMN_ARGS, "--db", db, "--json").stdout
    )
    return db, summary


def test_json_summary_of_the_committed_sample(published, transactions_csv):
    _, summary = published
    log = pd.read_csv(transactions_csv)
    assert summary["orders"] == len(log) == 5_000
    assert summary["customers"] == log["Customer ID"].nunique()
    assert summary["as_of"] == "2025-01-01"  # the day after the log's last order, 2024-12-31
    assert list(summary["groups"]) == list(GROUPS)
    assert sum(summary["groups"].values()) == summary["customers"]
    assert all(count > 0 for count in summary["groups"].values()), summary["groups"]


def test_stored_run_customers_and_groups_match_the_summary(published, transactions_csv):
    db, summary = published
    log = pd.read_csv(transactions_csv, dtype={"Customer ID": str})
    with session_factory(db)() as session:
        run = rfm_repository.latest_published_rfm_run(session)
        stored = rfm_repository.rfm_customers(session, run.id)
        groups = rfm_repository.rfm_groups(session, run.id)
        # RFM runs live apart from the customer runs the dashboard reads.
        assert repository.latest_published_run(session) is None

    assert run.id == summary["rfm_run_id"]
    assert (run.status, run.orders, run.customers) == ("published", 5_000, summary["customers"])
    assert run.as_of == summary["as_of"] and run.input_name == "sample_transactions.csv"

    assert len(stored) == summary["customers"] and stored["customer_id"].is_unique
    assert stored["group_name"].value_counts().to_dict() == {
        name: count for name, count in summary["groups"].items() if count
    }
    for column in ("r_score", "f_score", "m_score"):
        assert sorted(stored[column].unique()) == [1, 2, 3, 4, 5]

    # Recompute one customer's values straight from the CSV.
    customer = log["Customer ID"].value_counts().index[0]
    theirs = log[log["Customer ID"] == customer]
    row = stored.set_index("customer_id").loc[customer]
    last = pd.Timestamp(theirs["Order Date"].max())
    assert row["frequency"] == len(theirs)
    assert row["monetary"] == pytest.approx(theirs["Amount"].sum())
    assert row["recency"] == (pd.Timestamp("2025-01-01") - last).days

    assert [group.name for group in groups] == list(GROUPS)
    assert {g.name: g.customers for g in groups} == summary["groups"]
    assert sum(g.share for g in groups) == pytest.approx(1.0)
    assert sum(g.revenue for g in groups) == pytest.approx(log["Amount"].sum())
    champions = stored[stored["group_name"] == "Champions"]
    first = groups[0]
    assert first.mean_monetary == pytest.approx(champions["monetary"].mean())
    assert first.mean_recency == pytest.approx(champions["recency"].mean())


def test_as_of_and_text_output(tmp_path, transactions_csv, capsys):
    db = f"sqlite:///{tmp_path / 'rfm.db'}"
    args = ("rfm", "--input", str(transactions_csv), *COLUMN_ARGS, "--db", db)
    status, out, err = run_main(capsys, *args, "--as-of", "2025-03-01")
    assert status == 0
    assert "Published RFM run 1" in out
    assert "625 customers from 5,000 orders as of 2025-03-01" in out
    assert "Champions 80," in out and "Lost 112." in out
    assert re.search(r"… +[0-9.]+s saving 625 customers and 10 groups", err), err
    with session_factory(db)() as session:
        recency = session.scalar(select(func.min(RfmCustomer.recency)))
    assert recency == 1 + (pd.Timestamp("2025-03-01") - pd.Timestamp("2025-01-01")).days


def test_sample_command_writes_the_committed_transactions(tmp_path, transactions_csv, capsys):
    out = tmp_path / "orders.csv"
    args = ("sample", "--kind", "transactions", "--rows", "5000", "--seed", "42", "--out", str(out))
    status, _, err = run_main(capsys, *args)
    assert status == 0
    assert "wrote 5,000 orders of 625 customers (seed 42)" in err
    assert out.read_bytes() == transactions_csv.read_bytes()


BAD_FILES = {
    "empty.csv": ("", ["empty.csv: the file is empty"]),
    "no_amount.csv": (
        "Customer ID,Order Date,Total\na,2024-01-01,5\n",
        ["no_amount.csv: missing required column 'Amount'"],
    ),
    "bad_values.csv": (
        "Customer ID,Order Date,Amount\n"
        + "".join(f"c{i},2024-01-0{i},10\n" for i in range(1, 6))
        + "c6,2024-02-31,10\nc7,2024-01-07,-3\nc8,2024-01-08,abc\n",
        [
            "column 'Order Date' must be a date",
            "line 7 has '2024-02-31'",
            "column 'Amount' must not be negative but line 8 has '-3'",
            "column 'Amount' must be a number but line 9 has 'abc'",
        ],
    ),
}


def test_bad_input_as_a_process_exits_2_without_a_traceback(tmp_path, published):
    db, summary = published
    bad = tmp_path / "bad_values.csv"
    bad.write_text(BAD_FILES["bad_values.csv"][0])

    result = cli("rfm", "--input", str(bad), *COLUMN_ARGS, "--db", db, "--json", check=False)

    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 2  # the progress line, then the one-paragraph error
    assert result.stderr.splitlines()[-1].startswith("error: bad_values.csv: column 'Order Date'")
    with session_factory(db)() as session:
        assert rfm_repository.latest_published_rfm_run(session).id == summary["rfm_run_id"]


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_input_names_file_columns_and_lines(tmp_path, published, capsys, name):
    db, summary = published
    text, expected = BAD_FILES[name]
    bad = tmp_path / name
    bad.write_text(text)

    status, out, err = run_main(capsys, "rfm", "--input", str(bad), *COLUMN_ARGS, "--db", db)

    assert (status, out) == (2, "")
    for fragment in expected:
        assert fragment in err
    with session_factory(db)() as session:
        assert rfm_repository.latest_published_rfm_run(session).id == summary["rfm_run_id"]


def test_bad_arguments_exit_2(tmp_path, transactions_csv, capsys):
    db = f"sqlite:///{tmp_path / 'rfm.db'}"
    args = ("rfm", "--input", str(transactions_csv), "--db", db)

    status, _, err = run_main(capsys, *args, *COLUMN_ARGS, "--as-of", "2024-06-30")
    assert status == 2
    assert "as-of date 2024-06-30 is before the last order in the log (2024-12-31" in err

    same = ("--customer-col", "Amount", "--date-col", "Order Date", "--amount-col", "Amount")
    status, _, err = run_main(capsys, *args, *same)
    assert status == 2 and "three different columns" in err

    with pytest.raises(SystemExit) as exit_info:
        main([*args, *COLUMN_ARGS, "--as-of", "31/12/2024"])
    assert exit_info.value.code == 2
    assert "expected a date as YYYY-MM-DD, got '31/12/2024'" in capsys.readouterr().err

    with session_factory(db)() as session:
        assert rfm_repository.latest_published_rfm_run(session) is None


def test_failed_write_leaves_no_partial_run(tmp_path, transactions_csv, monkeypatch):
    from analytics.runs import order_log

    db = f"sqlite:///{tmp_path / 'rfm.db'}"
    args = (transactions_csv, db, "Customer ID", "Order Date", "Amount")
    published = order_log.run_rfm(*args).rfm_run_id

    def explode(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(order_log.rfm_repository, "insert_rfm_groups", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        order_log.run_rfm(*args)

    with session_factory(db)() as session:
        assert rfm_repository.latest_published_rfm_run(session).id == published
        runs = list(session.scalars(select(RfmRun).order_by(RfmRun.id)))
        failed_rows = session.scalar(
            select(func.count()).where(RfmCustomer.rfm_run_id == runs[-1].id)
        )
    assert [run.status for run in runs] == ["published", "failed"]
    assert runs[-1].error == "RuntimeError: disk full"
    assert failed_rows == 0
