"""Each sandbox client's own clock: it may run faster than real time or jump
ahead, and every sandbox timestamp comes from it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.tables import SandboxClock
from gridlink.domain.errors import BadRequest

MAX_SPEED = 100_000.0
MAX_ADVANCE_SECONDS = 366 * 24 * 3600


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def read(clock: SandboxClock | None, real_now: datetime | None = None) -> datetime:
    real_now = real_now or datetime.now(UTC)
    if clock is None:
        return real_now
    elapsed = (real_now - aware(clock.anchor_real)).total_seconds()
    return aware(clock.anchor_sandbox) + timedelta(seconds=elapsed * clock.speed)


async def now(session: AsyncSession, client_id: str) -> datetime:
    return read(await session.get(SandboxClock, client_id))


async def _reanchor(session: AsyncSession, client_id: str) -> SandboxClock:
    """The clock, anchored at this instant, so changes apply from now on."""
    real_now = datetime.now(UTC)
    clock = await session.get(SandboxClock, client_id)
    current = read(clock, real_now)
    if clock is None:
        clock = SandboxClock(client_id=client_id, speed=1.0)
        session.add(clock)
    clock.anchor_real, clock.anchor_sandbox = real_now, current
    return clock


async def advance(session: AsyncSession, client_id: str, seconds: float) -> datetime:
    if not 0 <= seconds <= MAX_ADVANCE_SECONDS:
        raise BadRequest(f"seconds must be between 0 and {MAX_ADVANCE_SECONDS}.")
    clock = await _reanchor(session, client_id)
    clock.anchor_sandbox = aware(clock.anchor_sandbox) + timedelta(seconds=seconds)
    await session.flush()
    return aware(clock.anchor_sandbox)


async def set_speed(session: AsyncSession, client_id: str, speed: float) -> datetime:
    if not 0 < speed <= MAX_SPEED:
        raise BadRequest(f"speed must be above 0 and at most {MAX_SPEED:g}.")
    clock = await _reanchor(session, client_id)
    clock.speed = speed
    await session.flush()
    return aware(clock.anchor_sandbox)
