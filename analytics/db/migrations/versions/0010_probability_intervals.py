"""probability intervals: each customer's purchase-probability interval, and the fold models
behind it

`customers.purchase_probability_low` / `_high`: the 90 % interval around the stored probability
(analytics.steps.classifier.uncertainty); `models.fold_models`: the selected model's
cross-validation fold models, pickled, for the what-if's intervals. Nullable without defaults,
so both databases add them without rewriting rows; runs stored before read as NULL (no
interval).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

CUSTOMER_COLUMNS = ("purchase_probability_low", "purchase_probability_high")


def upgrade() -> None:
    for name in CUSTOMER_COLUMNS:
        op.add_column("customers", sa.Column(name, sa.Float(), nullable=True))
    op.add_column("models", sa.Column("fold_models", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN exists on SQLite 3.35+ and PostgreSQL; no table rebuild.
    for name in CUSTOMER_COLUMNS:
        op.execute(f"ALTER TABLE customers DROP COLUMN {name}")
    op.execute("ALTER TABLE models DROP COLUMN fold_models")
