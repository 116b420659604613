"""Schema migrations on SQLite and PostgreSQL: a database written at an older revision upgrades
in place and keeps its runs, and the newest revision is the schema the models describe."""

from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, event, inspect, select, text

from analytics.config import SCATTER_SAMPLE
from analytics.db import migrate, repository
from analytics.db.models import Base, Customer
from analytics.db.session import session_factory
from analytics.runs.customer_file import run
from dashapp.data import queries

# The newest revision in analytics/db/migrations/versions.
NEWEST_REVISION = "0014"


@pytest.fixture
def engine(fresh_db):
    engine = create_engine(fresh_db)
    yield engine
    engine.dispose()


def store_a_run_at_0004(engine) -> int:
    """One published run with two customers, written as the schema of revision 0004 has it."""
    migrate.upgrade(engine, "0004")
    with engine.begin() as connection:
        run_id = connection.execute(
            text(
                "INSERT INTO runs (created_at, input_name, input_sha256, rows, segment_features,"
                " notes, status, params, versions) VALUES (:now, 'old.csv', :sha, 2, '[]', '[]',"
                " 'published', '{}', '{}') RETURNING id"
            ),
            {"now": datetime(2026, 11, 1, tzinfo=UTC), "sha": "0" * 64},
        ).scalar_one()
        connection.execute(
            text(
                "INSERT INTO customers (run_id, row_number, customer_id, gender, age, salary,"
                " purchased, segment, sample_rank) VALUES"
                " (:run, 0, 'c1', 'Female', 30, 50000, 1, 0, 1),"
                " (:run, 1, 'c2', 'Male', 40, 60000, 0, 0, 0)"
            ),
            {"run": run_id},
        )
    return run_id


def test_a_database_at_0004_upgrades_and_its_customers_have_no_probability(engine, fresh_db):
    run_id = store_a_run_at_0004(engine)
    assert "purchase_probability" not in {
        c["name"] for c in inspect(engine).get_columns("customers")
    }

    migrate.upgrade(engine)

    assert migrate.current_revision(engine) == NEWEST_REVISION
    with engine.connect() as connection:
        stored = connection.execute(
            select(Customer.customer_id, Customer.purchase_probability).order_by(
                Customer.row_number
            )
        ).all()
    assert [tuple(row) for row in stored] == [("c1", None), ("c2", None)]
    # What the dashboard and the API read of the old run: every probability missing.
    with session_factory(fresh_db)() as session:
        customers = repository.run_customers(session, run_id)
    assert customers["Customer ID"].tolist() == ["c1", "c2"]
    assert customers["purchase_probability"].isna().all()


def test_0005_downgrades_and_upgrades_again_with_the_customers_kept(engine):
    store_a_run_at_0004(engine)
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE customers SET purchase_probability = 0.25"))
        config = migrate.alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    assert migrate.current_revision(engine) == "0004"
    assert "purchase_probability" not in {
        c["name"] for c in inspect(engine).get_columns("customers")
    }
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM customers")).scalar_one() == 2

    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert (
            connection.execute(
                text("SELECT count(*) FROM customers WHERE purchase_probability IS NULL")
            ).scalar_one()
            == 2
        )


def test_the_newest_revision_is_the_schema_of_the_models(engine):
    migrate.upgrade(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_the_head_is_known_without_alembic_and_a_database_at_it_is_left_alone(engine, monkeypatch):
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(migrate.alembic_config(engine))
    assert migrate.newest_revision() == scripts.get_current_head() == NEWEST_REVISION
    assert migrate.stored_revision(engine) is None  # a new, empty database
    migrate.upgrade_if_behind(engine)
    assert migrate.stored_revision(engine) == NEWEST_REVISION
    upgrades = []
    monkeypatch.setattr(migrate, "upgrade", lambda *args: upgrades.append(args))
    migrate.upgrade_if_behind(engine)
    assert upgrades == []
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0012'"))
    migrate.upgrade_if_behind(engine)
    assert upgrades == [(engine,)]
    # The schema is at the head: say so again, or the teardown's engine would migrate it anew.
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE alembic_version SET version_num = :head"), {"head": NEWEST_REVISION}
        )


def test_k_scores_keep_runs_stored_before_0014_and_take_unmeasured_stability(engine):
    run_id = store_a_run_at_0004(engine)
    migrate.upgrade(engine, "0012")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO k_scores VALUES (:run, 2, 0.5, 10.0, 0.8, 100.0, 0.95)"),
            {"run": run_id},
        )
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO k_scores VALUES (:run, 3, 0.4, 9.0, 0.9, 80.0, NULL)"),
            {"run": run_id},
        )
        stored = connection.execute(text("SELECT k, stability FROM k_scores ORDER BY k")).all()
    assert [tuple(row) for row in stored] == [(2, 0.95), (3, None)]


def test_customers_have_one_secondary_index_only_over_the_scatter_sample(engine):
    migrate.upgrade(engine)
    indexes = {index["name"]: index for index in inspect(engine).get_indexes("customers")}
    assert set(indexes) == {"ix_customers_run_sample"}  # the segment index is gone
    where = indexes["ix_customers_run_sample"]["dialect_options"][f"{engine.dialect.name}_where"]
    assert str(where).replace("(", "").replace(")", "") == f"sample_rank < {SCATTER_SAMPLE}"


def test_a_run_stored_at_0004_keeps_its_scatter_sample_and_new_runs_draw_theirs(
    engine, fresh_db, sample_csv
):
    old_run = store_a_run_at_0004(engine)
    summary = run(sample_csv, fresh_db)  # the first use upgrades the database to the newest
    assert migrate.current_revision(engine) == NEWEST_REVISION
    assert sorted(queries.scatter_points(fresh_db, old_run)["Age"]) == [30, 40]
    points = queries.scatter_points(fresh_db, summary.run_id)
    assert len(points) == min(SCATTER_SAMPLE, len(summary.analysis.customers))
    assert set(points.columns) == {"Age", "Salary", "Price", "Purchased", "segment"}


def store_users_with_tokens_at_0006(engine) -> list[int]:
    """Two users with an API token each, as revision 0006 has them; their ids."""
    migrate.upgrade(engine, "0006")
    now = datetime(2026, 11, 1, tzinfo=UTC)
    user_ids = []
    with engine.begin() as connection:
        for name in ("user1", "user2"):
            user_id = connection.execute(
                text(
                    "INSERT INTO users (username, password_hash, role, created_at)"
                    " VALUES (:name, 'x', 'viewer', :now) RETURNING id"
                ),
                {"name": name, "now": now},
            ).scalar_one()
            connection.execute(
                text(
                    "INSERT INTO api_tokens (user_id, token_hash, prefix, created_at)"
                    " VALUES (:id, :hash, 'ca_x', :now)"
                ),
                {"id": user_id, "hash": name * 12, "now": now},
            )
            user_ids.append(user_id)
    return user_ids


def test_0007_keeps_api_tokens_and_gives_every_user_a_session_token(fresh_db):
    engine = create_engine(fresh_db)
    if engine.dialect.name == "sqlite":
        # As the app's engines have it: rebuilding a table must not cascade into its children.
        event.listen(engine, "connect", lambda dbapi, _: dbapi.execute("PRAGMA foreign_keys=ON"))
    store_users_with_tokens_at_0006(engine)

    migrate.upgrade(engine)

    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM api_tokens")).scalar_one() == 2
        tokens = connection.execute(text("SELECT session_token FROM users")).scalars().all()
    assert len(set(tokens)) == 2 and all(len(token) >= 32 for token in tokens)
    engine.dispose()


def test_after_0007_a_removed_users_id_is_never_given_again(fresh_db):
    engine = create_engine(fresh_db)
    newest = max(store_users_with_tokens_at_0006(engine))
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM api_tokens WHERE user_id = :id"), {"id": newest})
        connection.execute(text("DELETE FROM users WHERE id = :id"), {"id": newest})
        new_id = connection.execute(
            text(
                "INSERT INTO users (username, password_hash, role, created_at, session_token)"
                " VALUES ('mallory', 'x', 'admin', :now, 'token') RETURNING id"
            ),
            {"now": datetime(2026, 11, 2, tzinfo=UTC)},
        ).scalar_one()
    assert new_id > newest
    engine.dispose()


def test_0011_makes_gender_age_and_salary_optional_and_keeps_the_customers(engine):
    run_id = store_a_run_at_0004(engine)
    migrate.upgrade(engine, "0009")
    migrate.upgrade(engine)
    optional = {"gender", "age", "salary", "attributes"}
    columns = {c["name"]: c for c in inspect(engine).get_columns("customers")}
    assert all(columns[name]["nullable"] for name in optional)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO customers (run_id, row_number, customer_id, purchased, segment,"
                " sample_rank, attributes) VALUES (:run, 2, 'c3', 1, 0, 2, :attributes)"
            ),
            {"run": run_id, "attributes": '{"tenure": 3}'},
        )
    with engine.connect() as connection:
        stored = connection.execute(
            select(Customer.customer_id, Customer.salary, Customer.attributes).order_by(
                Customer.row_number
            )
        ).all()
    assert [tuple(row) for row in stored] == [
        ("c1", 50000, None),
        ("c2", 60000, None),
        ("c3", None, {"tenure": 3}),
    ]

    # Down again once no customer lacks them: the constraints are back, the rows kept.
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM customers WHERE customer_id = 'c3'"))
        config = migrate.alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, "0009")
    columns = {c["name"]: c for c in inspect(engine).get_columns("customers")}
    assert "attributes" not in columns
    assert not any(columns[name]["nullable"] for name in ("gender", "age", "salary"))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM customers")).scalar_one() == 2
