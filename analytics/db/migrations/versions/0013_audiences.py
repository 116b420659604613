"""audiences: segment-explorer filters saved under a name (issue #21)

A new table, read by nothing else (the BI views of 0012 are untouched). Downgrading drops it and
every saved audience with it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audiences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("input_kind", sa.String(length=16), nullable=False),
        sa.Column("query", sa.String(length=4000), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("input_kind", "name", name="uq_audiences_kind_name"),
    )


def downgrade() -> None:
    op.drop_table("audiences")
