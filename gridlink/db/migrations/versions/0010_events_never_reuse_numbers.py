"""events_never_reuse_numbers

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 18:58:00

SQLite gives a new row the largest key plus one unless the table says
AUTOINCREMENT: once delivered events were deleted, new ones could get numbers
below a webhook's cursor. The table is rebuilt with AUTOINCREMENT (PostgreSQL's
sequences never go back, so nothing changes there).
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "events", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ):
        pass


def downgrade() -> None:
    pass
