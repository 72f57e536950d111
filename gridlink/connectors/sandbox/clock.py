"""Moving a sandbox client's clock: jumps and speed. Reading it is
gridlink.domain.clock's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.tables import SandboxClock
from gridlink.domain.clock import aware, now, read
from gridlink.domain.errors import BadRequest

__all__ = ["advance", "aware", "now", "read", "set_speed"]

MAX_SPEED = 100_000.0
MAX_ADVANCE_SECONDS = 366 * 24 * 3600


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
