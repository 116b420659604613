"""users: a session token per account, and ids that are never given out twice

The dashboard's session cookie now carries the account's session token beside its id, so that
logging out, removing the account or changing its password ends every session at once. On
SQLite the users table is rebuilt with AUTOINCREMENT: without it SQLite hands the highest id
out again after that user is removed, and an old cookie would name the new account.
PostgreSQL's sequences never reuse an id, so there the table only gains its column.

The rebuild drops the old table, which on SQLite with foreign keys on deletes every API token
with it (ON DELETE CASCADE): analytics.db.migrate.upgrade runs migrations with foreign keys off.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("session_token", sa.String(64), nullable=True))
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("session_token", sa.String))
    connection = op.get_bind()
    for user_id in connection.execute(sa.select(users.c.id)).scalars().all():
        connection.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(session_token=secrets.token_urlsafe(32))
        )
    sqlite = connection.dialect.name == "sqlite"
    with op.batch_alter_table(
        "users",
        recreate="always" if sqlite else "auto",
        table_kwargs={"sqlite_autoincrement": True},
    ) as batch_op:
        batch_op.alter_column("session_token", existing_type=sa.String(64), nullable=False)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("users", recreate="always" if sqlite else "auto") as batch_op:
        batch_op.drop_column("session_token")
