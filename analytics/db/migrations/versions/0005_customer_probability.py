"""customer probability: each stored customer's purchase probability under the run's model

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable without a default: both databases add it without rewriting the rows, and runs
    # stored before it (or without a model) read as NULL.
    op.add_column("customers", sa.Column("purchase_probability", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("purchase_probability")
