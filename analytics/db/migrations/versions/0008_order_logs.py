"""runs.input_kind, and customer_behaviour: the customers of an order-log run

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch_op:
        batch_op.add_column(
            sa.Column(
                "input_kind", sa.String(length=16), nullable=False, server_default="customers"
            )
        )
    op.create_table(
        "customer_behaviour",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("first_order", sa.Date(), nullable=False),
        sa.Column("last_order", sa.Date(), nullable=False),
        sa.Column("recency_days", sa.Integer(), nullable=False),
        sa.Column("tenure_days", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.Integer(), nullable=False),
        sa.Column("repeat_orders", sa.Integer(), nullable=False),
        sa.Column("monetary", sa.Float(), nullable=False),
        sa.Column("aov", sa.Float(), nullable=False),
        sa.Column("mean_days_between", sa.Float(), nullable=True),
        sa.Column("distinct_products", sa.Integer(), nullable=True),
        sa.Column("return_rate", sa.Float(), nullable=False),
        sa.Column("r_score", sa.SmallInteger(), nullable=False),
        sa.Column("f_score", sa.SmallInteger(), nullable=False),
        sa.Column("m_score", sa.SmallInteger(), nullable=False),
        sa.Column("fm_score", sa.SmallInteger(), nullable=False),
        sa.Column("rfm_group", sa.String(length=32), nullable=False),
        sa.Column("segment", sa.Integer(), nullable=False),
        sa.Column("p_repeat", sa.Float(), nullable=False),
        sa.Column("expected_orders", sa.Float(), nullable=False),
        sa.Column("expected_orders_lo", sa.Float(), nullable=False),
        sa.Column("expected_orders_hi", sa.Float(), nullable=False),
        sa.Column("p_alive", sa.Float(), nullable=False),
        sa.Column("expected_spend", sa.Float(), nullable=False),
        sa.Column("expected_value", sa.Float(), nullable=False),
        sa.Column("holdout_orders", sa.Integer(), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "customer_id"),
    )


def downgrade() -> None:
    op.drop_table("customer_behaviour")
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+, PostgreSQL), not a batch rebuild: rebuilding runs
    # drops the old table, which deletes every run's results through ON DELETE CASCADE when a
    # downgrade runs with foreign keys on.
    op.execute("ALTER TABLE runs DROP COLUMN input_kind")
