"""Telling every server process that something changed, so cached copies go.

A write marks keys such as `user:<client>:<userId>` on its session. Once the
transaction commits, this process drops them from memory (Database.on_commit);
on PostgreSQL the same keys go out with NOTIFY inside the transaction, so other
processes hear of them only when, and only if, it commits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

CHANNEL = "gridlink_changes"
# Where a session collects the keys of what it changed.
CHANGED = "gridlink.changed"
# Work to do last in a transaction, just before it commits (see before_commit).
BEFORE_COMMIT = "gridlink.before_commit"


def user_key(client_id: str, user_id: str) -> str:
    return f"user:{client_id}:{user_id}"


def client_key(client_id: str) -> str:
    return f"client:{client_id}"


def asset_key(client_id: str, asset_type: str, asset_id: str) -> str:
    # The type is part of the key: /chargers/{id} must not find a vehicle's answer.
    return f"asset:{client_id}:{asset_type}:{asset_id}"


async def mark_changed(session: AsyncSession, *keys: str) -> None:
    """Collects the keys; Database.session sends them all at once before commit."""
    session.info.setdefault(CHANGED, set()).update(keys)


async def announce(session: AsyncSession, keys: set[str]) -> None:
    """NOTIFY every key in one statement, inside the transaction that changed them."""
    if session.get_bind().dialect.name != "postgresql" or not keys:
        return
    await session.execute(
        text("SELECT pg_notify(:channel, key) FROM unnest(CAST(:keys AS text[])) AS key"),
        {"channel": CHANNEL, "keys": sorted(keys)},
    )


def before_commit(session: AsyncSession, name: str, work: Callable[[], Awaitable[None]]) -> None:
    """Runs `work` once, as the transaction's last statements before it commits.
    What takes a lock there holds it only for the commit: locks taken last can
    never be part of a deadlock."""
    session.info.setdefault(BEFORE_COMMIT, {}).setdefault(name, work)


async def run_before_commit(session: AsyncSession) -> None:
    pending: dict[str, Callable[[], Awaitable[None]]] = session.info.pop(BEFORE_COMMIT, {})
    for work in pending.values():
        await work()
