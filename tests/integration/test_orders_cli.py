"""`python -m analytics run --orders` as a user runs it: the JSON contract, bad input (exit 2),
the stored run (customers, aggregates, models), publishing through analytics.runs.publish, and
the published customer-file run that every older reader uses, untouched."""

import json
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select

from analytics.db import behaviour_repository, repository
from analytics.db.models import FAILED, ORDER_LOG, CustomerBehaviour, Model, Run
from analytics.db.session import session_factory
from analytics.io.sample import generate_transactions
from analytics.runs import order_log_run, order_log_store, publish
from analytics.steps.rfm import GROUPS
from analytics.validation.order_file import read_order_log
from dashapp.data import queries
from tests.conftest import ROOT
from tests.integration.test_cli import cli, predict_json, run_json, run_main

COLUMNS = "customer_id=Customer ID,order_date=Order Date,amount=Amount,order_id=Order ID"
AGGREGATES = (
    "order_kpis",
    "rfm_grid",
    "rfm_groups",
    "rfm_moves",
    "value_by_segment",
    "at_risk",
    "backtest",
)


@pytest.fixture(scope="module")
def order_log(tmp_path_factory):
    path = tmp_path_factory.mktemp("orders") / "orders.csv"
    generate_transactions(6_000, seed=7).to_csv(path, index=False)
    last = pd.to_datetime(pd.read_csv(path)["Order Date"]).max()
    return path, (last - pd.Timedelta(days=90)).date().isoformat()


@pytest.fixture(scope="module")
def published(tmp_path_factory, order_log, sample_csv):
    """A customer-file run, then an order-log backtest in the same database."""
    db = f"sqlite:///{tmp_path_factory.mktemp('orders-db') / 'runs.db'}"
    customer_summary = run_json(sample_csv, db)
    path, cutoff = order_log
    result = cli(
        "run",
        "--orders",
        str(path),
        "--db",
        db,
        "--json",
        "--columns",
        COLUMNS,
        "--holdout-from",
        cutoff,
    )
    return db, customer_summary, json.loads(result.stdout)


def test_the_json_has_every_contract_field(published):
    _, _, summary = published
    assert summary["input_kind"] == "orders"
    assert list(summary["rfm"]["groups"]) == list(GROUPS)
    repeat = summary["repeat_model"]
    for field in ("name", "cv_roc_auc", "cv_brier", "holdout_roc_auc", "holdout_pr_auc"):
        assert repeat[field] is not None
    assert 0.5 < repeat["holdout_roc_auc"] <= 1 and 0 <= repeat["holdout_brier"] <= 1
    holdout = summary["value"]["holdout"]
    assert set(holdout) == {
        "actual_repeat_orders",
        "predicted_repeat_orders",
        "customer_correlation",
        "customer_mae",
        "interval_coverage",
    }
    assert 0 <= holdout["interval_coverage"] <= 1
    assert summary["value"]["horizon_days"] == 91
    for field in ("run_id", "rows", "k", "k_reason", "segments", "notes", "quarantined"):
        assert field in summary


def test_the_stored_run_matches_the_json(published):
    db, _, summary = published
    with session_factory(db)() as session:
        run = repository.run_by_id(session, summary["run_id"])
        assert run.input_kind == ORDER_LOG and run.rows == summary["rows"]
        customers = behaviour_repository.run_behaviour(session, run.id)
        grid = repository.aggregate(session, run.id, "rfm_grid")
        names = {a: repository.aggregate(session, run.id, a) for a in AGGREGATES}
        models = session.scalars(select(Model).where(Model.run_id == run.id)).all()
    assert len(customers) == sum(summary["rfm"]["groups"].values()) == summary["rows"]
    assert sum(map(sum, grid["customers"])) == summary["rows"]
    assert all(payload is not None for payload in names.values())
    assert [g["customers"] for g in names["rfm_groups"]] == list(summary["rfm"]["groups"].values())
    assert names["order_kpis"]["as_of"] == summary["as_of"]
    assert names["backtest"]["weekly"] and names["backtest"]["by_frequency"]
    weekly = sum(w["actual"] for w in names["backtest"]["weekly"])
    assert weekly == summary["value"]["holdout"]["actual_repeat_orders"]
    assert customers["holdout_orders"].sum() == weekly
    selected = [m for m in models if m.is_selected]
    assert len(models) == 2 and selected[0].artifact and selected[0].sklearn_version
    importance = selected[0].explanation["importance"]
    assert {row["feature"] for row in importance} == set(selected[0].features)


def test_the_customer_file_run_stays_the_published_run_for_older_readers(published):
    db, customer_summary, summary = published
    assert customer_summary["input_kind"] == "customers"
    assert summary["run_id"] > customer_summary["run_id"]
    with session_factory(db)() as session:
        assert repository.latest_published_run(session).id == customer_summary["run_id"]
        assert repository.latest_published_run(session, ORDER_LOG).id == summary["run_id"]
    assert (
        predict_json(db, age=35, salary=60000, price=3500)["run_id"] == customer_summary["run_id"]
    )


def test_run_history_pages_and_api_list_customer_file_runs_only(published):
    """The /runs page and GET /api/v1/runs read run_history, which knows customer-file models
    only (an order-log run's repeat model has no holdout accuracy)."""
    db, customer_summary, summary = published
    history = queries.run_history(db)
    assert customer_summary["run_id"] in history["run_id"].tolist()
    assert summary["run_id"] not in history["run_id"].tolist()
    with session_factory(db)() as session:
        orders_runs = repository.run_history(session, input_kind=ORDER_LOG)
    assert summary["run_id"] in [run.id for run, _ in orders_runs]


def test_a_second_run_records_moves_since_the_first(published, order_log, capsys):
    db, _, first = published
    path, _ = order_log
    status, out, _ = run_main(capsys, "run", "--orders", str(path), "--db", db, "--json")
    second = json.loads(out)
    assert (
        status == 0 and second["value"]["horizon_days"] == 90 and "holdout" not in second["value"]
    )
    with session_factory(db)() as session:
        moves = repository.aggregate(session, second["run_id"], "rfm_moves")
        assert repository.aggregate(session, second["run_id"], "backtest") is None
    assert moves["previous_run_id"] == first["run_id"]
    assert 0 < sum(m["customers"] for m in moves["moves"]) <= first["rows"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--columns", "customer_id=Nope"), "the column mapping names columns the file does not"),
        (("--columns", "salary=Amount"), "argument --columns: unknown name 'salary'"),
        (("--holdout-from", "2031-01-01"), "--holdout-from 2031-01-01 must fall after the first"),
        (("--features", "age"), "--features is for customer files"),
    ],
)
def test_bad_order_input_exits_2_with_a_message(order_log, tmp_path, capsys, extra, message):
    path, _ = order_log
    db = f"sqlite:///{tmp_path / 'bad.db'}"
    status, out, err = run_main(capsys, "run", "--orders", str(path), "--db", db, *extra)
    assert status == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_a_log_without_recognisable_columns_exits_2(tmp_path, capsys):
    path = tmp_path / "odd.csv"
    path.write_text("who,when,paid\na,2024-01-01,3\n", encoding="utf-8")
    status, _, err = run_main(
        capsys, "run", "--orders", str(path), "--db", f"sqlite:///{tmp_path / 'x.db'}"
    )
    assert status == 2 and "odd.csv: no column for customer_id, order_date, amount" in err


def test_holdout_needs_orders(sample_csv, tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    status, _, err = run_main(
        capsys, "run", "--input", str(sample_csv), "--db", db, "--holdout-from", "2024-01-01"
    )
    assert status == 2 and "--holdout-from goes with --orders" in err


def test_an_order_log_given_to_input_is_refused_with_the_command_to_use(
    order_log, tmp_path, capsys
):
    path, _ = order_log
    db = f"sqlite:///{tmp_path / 'x.db'}"
    status, out, err = run_main(capsys, "run", "--input", str(path), "--db", db)
    assert status == 2 and out == ""
    assert "orders.csv: missing required column 'Purchased'" in err
    assert (
        f"Its columns look like an order log: run `python -m analytics run --orders {path}`" in err
    )


def test_a_failed_write_is_recorded_and_nothing_is_published_or_announced(
    order_log, tmp_path, monkeypatch
):
    path, _ = order_log
    db = f"sqlite:///{tmp_path / 'fail.db'}"
    announced = []
    monkeypatch.setattr(publish.webhooks, "announce", lambda *args: announced.append(args))

    def broken(session, run, analysis):
        raise RuntimeError("disk full")

    monkeypatch.setattr(order_log_store, "store", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        order_log_run.run(path, db, order_log_run.OrderRunOptions(k=2))
    with session_factory(db)() as session:
        runs = session.scalars(select(Run)).all()
        rows = session.scalar(select(func.count()).select_from(CustomerBehaviour))
    assert [r.status for r in runs] == [FAILED] and rows == 0 and announced == []


def test_a_published_run_is_announced_with_its_summary(order_log, tmp_path, monkeypatch):
    path, _ = order_log
    announced = []
    monkeypatch.setattr(
        publish.webhooks, "announce", lambda s, summary, at: announced.append(summary)
    )
    summary = order_log_run.run(
        path, f"sqlite:///{tmp_path / 'ok.db'}", order_log_run.OrderRunOptions(k=2)
    )
    assert [a["run_id"] for a in announced] == [summary.run_id]
    assert announced[0]["input_kind"] == "orders"


def test_a_backtest_reads_nothing_from_the_holdout(order_log):
    """A customer whose only orders fall on or after --holdout-from is not a customer of the
    run, and no holdout order changes anyone's behaviour features."""
    path, cutoff = order_log
    log = read_order_log(path)
    sentinel = pd.DataFrame(
        {
            "customer_id": ["sentinel", "sentinel"],
            "order_id": ["s1", "s2"],
            "order_date": pd.to_datetime([cutoff, cutoff]) + pd.to_timedelta([0, 5], "D"),
            "amount": [1e6, 1e6],
            "cancelled": [False, False],
        }
    )
    first = log.lines["customer_id"].iloc[0]
    extra = sentinel.assign(customer_id=first, order_id=["e1", "e2"])
    spiked = replace(log, lines=pd.concat([log.lines, sentinel, extra], ignore_index=True))
    options = order_log_run.OrderRunOptions(holdout_from=date.fromisoformat(cutoff), k=2)
    plain = order_log_run.analyse(log, options).customers
    tested = order_log_run.analyse(spiked, options).customers
    assert "sentinel" not in tested.index
    behaviour = [
        "recency_days",
        "frequency",
        "monetary",
        "rfm_group",
        "p_repeat",
        "expected_orders",
    ]
    pd.testing.assert_frame_equal(plain[behaviour], tested[behaviour])
    assert tested.loc[first, "holdout_orders"] == plain.loc[first, "holdout_orders"] + 2


def test_a_backtest_of_the_bundled_log_reports_fairness_by_its_attributes(tmp_path):
    """The sample's Gender and Age become attributes; the repeat model's fairness on the
    holdout has both genders, in the customer-file run's shape, and is stored with the model."""
    db = f"sqlite:///{tmp_path / 'runs.db'}"
    sample = ROOT / "data" / "sample_transactions.csv"
    result = cli(
        "run", "--orders", str(sample), "--db", db, "--json", "--holdout-from", "2024-10-02"
    )
    summary = json.loads(result.stdout)
    gender = summary["fairness"]["gender"]
    assert set(gender["groups"]) == {"Female", "Male"}
    assert set(gender["groups"]["Female"]) == {
        "size",
        "base_rate",
        "selection_rate",
        "true_positive_rate",
        "false_positive_rate",
        "brier",
    }
    assert 0 < gender["max_selection_rate_ratio"] <= 1
    assert "age_band" in summary["fairness"]
    with session_factory(db)() as session:
        stored = repository.selected_model(session, summary["run_id"])
        assert stored.metrics["fairness"]["attributes"] == summary["fairness"]


def test_without_a_backtest_fairness_is_empty_and_a_note_says_why(tmp_path, capsys):
    sample = ROOT / "data" / "sample_transactions.csv"
    db = f"sqlite:///{tmp_path / 'runs.db'}"
    status, out, _ = run_main(capsys, "run", "--orders", str(sample), "--db", db, "--json")
    summary = json.loads(out)
    assert status == 0
    assert summary["fairness"] == {}
    assert summary["fairness_notes"] == [order_log_run.NO_BACKTEST_NO_FAIRNESS]
