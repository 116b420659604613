"""customers: index only the scatter sample's ranks, and drop the unused segment index

A full (run_id, sample_rank) index is filled in random order and cost a third of a million-row
write, yet the dashboard only ever reads the first SCATTER_SAMPLE ranks. No query filters
customers by segment in SQL (the explorer and the API filter a run's customers in memory), so
(run_id, segment) cost another second per million rows for nothing.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Fixed here rather than imported: a migration must not change when the setting does.
_SAMPLED = sa.text("sample_rank < 5000")


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch_op:
        batch_op.drop_index("ix_customers_run_segment")
        batch_op.drop_index("ix_customers_run_sample")
        batch_op.create_index(
            "ix_customers_run_sample",
            ["run_id", "sample_rank"],
            unique=False,
            sqlite_where=_SAMPLED,
            postgresql_where=_SAMPLED,
        )


def downgrade() -> None:
    with op.batch_alter_table("customers") as batch_op:
        batch_op.drop_index("ix_customers_run_sample")
        batch_op.create_index("ix_customers_run_sample", ["run_id", "sample_rank"], unique=False)
        batch_op.create_index("ix_customers_run_segment", ["run_id", "segment"], unique=False)
