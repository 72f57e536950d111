"""The outbox: events are written in the transaction of the change they tell of,
and delivery reads only from here, so a crash can lose neither."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.changes import before_commit, mark_changed
from gridlink.db.tables import Event, Webhook
from gridlink.events.catalogue import wants
from gridlink.wire.timestamps import iso

# Per transaction: each client's active subscriptions, and the events to write.
_SUBSCRIPTIONS = "gridlink.subscriptions"
_WAITING = "gridlink.events"


def events_key(client_id: str) -> str:
    """Marked changed when a client has new events: delivery wakes up."""
    return f"events:{client_id}"


async def emit(
    session: AsyncSession,
    client_id: str,
    name: str,
    at: datetime,
    body: Callable[[], dict[str, Any]],
    user_id: str | None = None,
) -> bool:
    """Adds the event to the outbox if any active webhook of the client wants it;
    says whether it did. `body` renders the event's own fields in the newest API
    version; it is called only when someone listens."""
    if not any(wants(events, name) for events in await _subscriptions(session, client_id)):
        return False  # nobody listens: an event nobody is owed
    payload: dict[str, Any] = {"createdAt": iso(at)}
    if user_id is not None:
        payload["user"] = {"id": user_id}
    payload["event"] = name
    payload.update(body())
    waiting: list[dict[str, Any]] = session.info.setdefault(_WAITING, [])
    waiting.append({"client_id": client_id, "name": name, "created_at": at, "payload": payload})
    before_commit(session, "outbox", lambda: _write(session))
    await mark_changed(session, events_key(client_id))
    return True


async def _write(session: AsyncSession) -> None:
    """The transaction's events, written last: on PostgreSQL one transaction at
    a time writes a client's events, until it commits, so their numbers are in
    commit order and a reader that has seen event n has seen every earlier one.
    (SQLite has one writer anyway.) Taken last, that turn cannot deadlock."""
    waiting: list[dict[str, Any]] = session.info.pop(_WAITING, [])
    if not waiting:
        return
    await session.flush()  # every row this transaction changes is locked before the turn
    if session.get_bind().dialect.name == "postgresql":
        for client_id in sorted({row["client_id"] for row in waiting}):
            await session.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                {"key": events_key(client_id)},
            )
    await session.execute(insert(Event), waiting)


async def listening(session: AsyncSession, client_id: str, name: str) -> bool:
    """Whether an active webhook of the client wants this event: for events whose
    body costs queries, asked before rendering it."""
    return any(wants(events, name) for events in await _subscriptions(session, client_id))


async def _subscriptions(session: AsyncSession, client_id: str) -> list[list[str]]:
    known: dict[str, list[list[str]]] = session.info.setdefault(_SUBSCRIPTIONS, {})
    if client_id not in known:
        known[client_id] = list(
            await session.scalars(
                select(Webhook.events).where(Webhook.client_id == client_id, Webhook.is_active)
            )
        )
    return known[client_id]


def forget_subscriptions(session: AsyncSession, client_id: str) -> None:
    """After a webhook changes in this transaction, ask the database again."""
    session.info.get(_SUBSCRIPTIONS, {}).pop(client_id, None)


async def newest_event(session: AsyncSession, client_id: str) -> int:
    """The number of the client's newest event (0 for none)."""
    newest = await session.scalar(select(func.max(Event.pk)).where(Event.client_id == client_id))
    return int(newest or 0)
