"""What time it is for a client: real time, or a sandbox client's own clock
(which may run faster than real time or jump ahead)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.tables import SandboxClock


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def read(clock: SandboxClock | None, real_now: datetime | None = None) -> datetime:
    real_now = real_now or datetime.now(UTC)
    if clock is None:
        return real_now
    elapsed = (real_now - aware(clock.anchor_real)).total_seconds()
    return aware(clock.anchor_sandbox) + timedelta(seconds=elapsed * clock.speed)


async def now(session: AsyncSession, client_id: str) -> datetime:
    """The client's present: every timestamp it is shown comes from here."""
    return read(await session.get(SandboxClock, client_id))
