"""The read-only BI views (migration 0012, docs/bi.md) on SQLite and PostgreSQL: they exist after
`db upgrade`, show the latest published run of their kind and switch when a newer one is
published, go with a downgrade, and a role made with docs/bi.md's SQL can read them and nothing
else, and write nowhere."""

import functools
import re
import uuid
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from analytics import analyse, publish
from analytics.db import migrate
from analytics.db.models import FAILED, Run
from analytics.db.session import session_factory
from analytics.runs import customer_file, order_log_run
from analytics.steps.classifier import CANDIDATES, choose_model
from tests.conftest import new_database
from tests.integration.test_cli import run_main
from tests.integration.test_migrations import NEWEST_REVISION

VIEWS = {"latest_customers", "latest_segments", "latest_model_metrics", "latest_rfm"}
FAST = {"Logistic Regression": CANDIDATES["Logistic Regression"]}
BI_DOC = Path(__file__).resolve().parents[2] / "docs" / "bi.md"


@pytest.fixture(scope="module")
def two_results(sample_csv):
    """Two different analyses to publish one after the other: the sample, and part of it with
    k = 2 (one candidate model each, which is all the views need)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            customer_file, "choose_model", functools.partial(choose_model, candidates=FAST)
        )
        frame = pd.read_csv(sample_csv)
        return analyse(frame), analyse(frame.head(1_500), k=2)


def view_rows(url: str, view: str) -> pd.DataFrame:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return pd.read_sql(text(f"SELECT * FROM {view}"), connection)
    finally:
        engine.dispose()


def test_db_upgrade_creates_the_views_and_they_answer_before_any_run(fresh_db, capsys):
    status, out, _ = run_main(capsys, "db", "upgrade", "--db", fresh_db)
    assert status == 0 and NEWEST_REVISION in out
    engine = create_engine(fresh_db)
    assert set(inspect(engine).get_view_names()) == VIEWS
    engine.dispose()
    for view in VIEWS:
        assert view_rows(fresh_db, view).empty


def test_the_views_show_the_latest_published_run_and_switch_to_a_newer_one(fresh_db, two_results):
    first, second = two_results
    first_id = publish(first, fresh_db)

    customers = view_rows(fresh_db, "latest_customers")
    assert (customers["run_id"] == first_id).all() and len(customers) == len(first.customers)
    assert customers["customer_id"].tolist() == first.customers["Customer ID"].astype(str).tolist()
    names = first.segments.set_index("segment")["name"]
    assert customers["segment_name"].tolist() == first.customers["segment"].map(names).tolist()
    assert customers["purchase_probability"].tolist() == pytest.approx(
        first.customers["purchase_probability"].tolist()
    )
    segments = view_rows(fresh_db, "latest_segments")
    assert segments["size"].tolist() == first.summary["segment_sizes"]
    assert segments["purchase_rate"].tolist() == pytest.approx(
        first.segments["purchase_rate"].tolist()
    )
    [model] = view_rows(fresh_db, "latest_model_metrics").to_dict("records")
    assert model["model"] == first.model.name and bool(model["is_selected"])
    assert model["holdout_roc_auc"] == pytest.approx(first.model.holdout_metrics["roc_auc"])
    assert model["cv_brier"] == pytest.approx(first.model.cv_metrics["brier"])

    second_id = publish(second, fresh_db)
    # A run that failed after it is not the latest: the views stay on the published one.
    with session_factory(fresh_db).begin() as session:
        session.add(Run(input_name="broken.csv", input_sha256="0" * 64, status=FAILED))

    customers = view_rows(fresh_db, "latest_customers")
    assert set(customers["run_id"]) == {second_id} and len(customers) == 1_500
    assert view_rows(fresh_db, "latest_segments")["segment"].tolist() == [0, 1]
    assert set(view_rows(fresh_db, "latest_model_metrics")["run_id"]) == {second_id}
    assert view_rows(fresh_db, "latest_rfm").empty  # no order-log run yet


def test_latest_rfm_shows_the_latest_order_log_run_and_leaves_the_others_alone(
    fresh_db, two_results, sample_csv
):
    customer_run = publish(two_results[1], fresh_db)
    summary = order_log_run.run(sample_csv.parent / "sample_transactions.csv", fresh_db)

    rfm = view_rows(fresh_db, "latest_rfm")
    assert set(rfm["run_id"]) == {summary.run_id} and len(rfm) == summary.as_dict()["rows"]
    assert rfm["r_score"].between(1, 5).all() and rfm["rfm_group"].notna().all()
    assert set(view_rows(fresh_db, "latest_customers")["run_id"]) == {customer_run}


def test_a_downgrade_drops_the_views_and_an_upgrade_brings_them_back(fresh_db):
    engine = create_engine(fresh_db)
    migrate.upgrade(engine)
    with engine.begin() as connection:
        config = migrate.alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")  # the revision before the views
    assert inspect(engine).get_view_names() == []
    migrate.upgrade(engine)
    assert set(inspect(engine).get_view_names()) == VIEWS
    engine.dispose()


def read_only_role_sql(role: str, database: str) -> str:
    """The SQL block of docs/bi.md, for this role and database."""
    [block] = re.findall(r"```sql\n(.*?)```", BI_DOC.read_text(), flags=re.DOTALL)
    assert "bi_reader" in block and "DATABASE analytics" in block
    return block.replace("bi_reader", role).replace("DATABASE analytics", f'DATABASE "{database}"')


def test_a_role_made_with_the_documented_sql_reads_the_views_and_cannot_write(
    tmp_path, two_results
):
    for url in new_database("postgresql", tmp_path):
        run_id = publish(two_results[1], url)
        database = make_url(url).database
        role = f"bi_reader_{uuid.uuid4().hex[:8]}"
        owner = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(owner, autocommit=True) as admin:
            admin.execute(read_only_role_sql(role, database))
        try:
            reader = make_url(owner).set(username=role, password="change-me")
            with psycopg.connect(reader.render_as_string(hide_password=False)) as connection:
                count = connection.execute("SELECT count(*), min(run_id) FROM latest_customers")
                assert count.fetchone() == (1_500, run_id)
                # Its sessions are read-only by default …
                with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                    connection.execute("CREATE TEMPORARY TABLE mine (x int)")
                connection.rollback()
                # … and a session that asks to write still may not: it has no right to.
                connection.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")
                connection.commit()  # from the next transaction on
                for statement in (
                    "INSERT INTO runs (input_name, input_sha256) VALUES ('x', 'y')",
                    "UPDATE latest_rfm SET rfm_group = 'x'",  # a view PostgreSQL could update
                    "DELETE FROM customers",
                    "CREATE TABLE mine (x int)",
                    "SELECT count(*) FROM customers",
                    "SELECT count(*) FROM users",
                ):
                    with pytest.raises(psycopg.errors.InsufficientPrivilege):
                        connection.execute(statement)
                    connection.rollback()
        finally:
            with psycopg.connect(owner, autocommit=True) as admin:
                admin.execute(f'DROP OWNED BY "{role}"')
                admin.execute(f'DROP ROLE "{role}"')
