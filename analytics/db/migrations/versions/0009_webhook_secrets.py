"""webhooks: a column for the encrypted full URL and signing secret

Webhooks added from now on keep their URL redacted in `url`, an empty `secret`, and both in clear
only inside `sealed` (Fernet, see analytics.webhook_secrets). Existing rows keep working as
they are. A plain ADD COLUMN on both SQLite and PostgreSQL: a batch rebuild of `webhooks` on
SQLite would drop the table, which sets every delivery's webhook_id to NULL.

Downgrading drops the column: webhooks added since then lose their receiver URL and secret and
must be added again.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("webhooks", sa.Column("sealed", sa.Text(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN exists on SQLite 3.35+ and PostgreSQL; no table rebuild.
    op.execute("ALTER TABLE webhooks DROP COLUMN sealed")
