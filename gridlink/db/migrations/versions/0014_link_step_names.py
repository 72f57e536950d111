"""Link UI steps named for the way of linking, not the connector

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_RENAMED = {"ocpp": "connect", "sunspec": "address"}


def upgrade() -> None:
    # Links in progress across the upgrade carry on at the same step.
    for old, new in _RENAMED.items():
        op.execute(f"UPDATE link_sessions SET step = '{new}' WHERE step = '{old}'")


def downgrade() -> None:
    for old, new in _RENAMED.items():
        op.execute(f"UPDATE link_sessions SET step = '{old}' WHERE step = '{new}'")
