"""customers: gender, age and salary become optional, and a file's own features are kept

A customer file needs only Customer ID and Purchased now (issue 19): a column it lacks is NULL.
Columns the file brings beyond the reference ones and that --features named go into
`attributes`, a JSON object per customer ({column: value}), NULL when none was named.

PostgreSQL drops the NOT NULL constraints in place. SQLite cannot, so it rebuilds `customers`
(a copy of every row); the partial index of the scatter sample is created again after the
rebuild, as revision 0006 made it. Adding `attributes` alone rewrites no row on either.

Downgrading needs every stored customer to have gender, age and salary: runs of files without
them must be deleted first (the NOT NULL constraints would refuse them).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# Fixed here rather than imported: a migration must not change when the setting does.
_SAMPLED = sa.text("sample_rank < 5000")
_OPTIONAL = {"gender": sa.String(32), "age": sa.Float(), "salary": sa.Float()}


def upgrade() -> None:
    op.add_column("customers", sa.Column("attributes", sa.JSON(), nullable=True))
    _set_nullable(True)


def downgrade() -> None:
    _set_nullable(False)
    # ALTER TABLE … DROP COLUMN exists on SQLite 3.35+ and PostgreSQL; no table rebuild.
    op.execute("ALTER TABLE customers DROP COLUMN attributes")


def _set_nullable(nullable: bool) -> None:
    with op.batch_alter_table("customers") as batch:
        for column, kind in _OPTIONAL.items():
            batch.alter_column(column, existing_type=kind, nullable=nullable)
    if op.get_bind().dialect.name == "sqlite":
        # The rebuilt table's indexes come from reflection, which may not keep the partial
        # index's WHERE clause: it is made again exactly as 0006 made it.
        op.execute("DROP INDEX IF EXISTS ix_customers_run_sample")
        op.create_index(
            "ix_customers_run_sample",
            "customers",
            ["run_id", "sample_rank"],
            unique=False,
            sqlite_where=_SAMPLED,
        )
