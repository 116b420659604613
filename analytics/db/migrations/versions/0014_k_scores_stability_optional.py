"""k_scores: stability becomes optional

k selection measures stability (five bootstrap fits of ten restarts per k) in order of falling
silhouette and stops at the first stable k, which its rule picks whatever the others' stability
(analytics.steps.segmentation): the k's after it keep no stability, stored as NULL.

PostgreSQL drops the NOT NULL constraint in place; SQLite rebuilds `k_scores` (no view reads
it). Downgrading needs every stored k score to have a stability: runs with unmeasured ones must
be deleted first.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _set_nullable(True)


def downgrade() -> None:
    _set_nullable(False)


def _set_nullable(nullable: bool) -> None:
    with op.batch_alter_table("k_scores") as batch:
        batch.alter_column("stability", existing_type=sa.Float(), nullable=nullable)
