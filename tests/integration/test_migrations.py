"""The migrations build exactly the schema the models describe, and upgrade old databases."""

import pandas as pd
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from analytics.config import SCATTER_SAMPLE
from analytics.db import migrate
from analytics.db.models import Base
from analytics.db.session import get_engine
from analytics.pipeline import run
from dashapp import queries


def test_migrated_schema_matches_the_models(fresh_db):
    engine = get_engine(fresh_db)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_only_the_scatter_sample_is_indexed_by_rank(fresh_db):
    engine = get_engine(fresh_db)
    indexes = {index["name"]: index for index in inspect(engine).get_indexes("customers")}
    index = indexes["ix_customers_run_sample"]
    where = index["dialect_options"].get(f"{engine.dialect.name}_where")
    assert str(where).replace("(", "").replace(")", "") == f"sample_rank < {SCATTER_SAMPLE}"


def test_a_run_stored_before_the_partial_index_still_draws_its_scatter_sample(tmp_path, sample_csv):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    migrate.upgrade(engine, "0004")
    engine.dispose()
    summary = run(sample_csv, url)  # get_engine upgrades the database to head first
    assert migrate.current_revision(get_engine(url)) == "0005"
    points = queries.scatter_points(url, summary.run_id)
    assert len(points) == min(SCATTER_SAMPLE, len(summary.analysis.customers))
    assert set(points.columns) == {"Age", "Salary", "Price", "Purchased", "segment"}
    assert pd.api.types.is_numeric_dtype(points["Age"])
