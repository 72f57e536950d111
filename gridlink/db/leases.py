"""Leases: which process does a piece of work that must run in one place only.

Processes sharing a PostgreSQL database each try to hold the lease before the
work; the holder renews it each time, and another takes over once it lapses
(the holder stopped). On SQLite there is one process, which always holds it.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import insert, or_, update
from sqlalchemy.exc import IntegrityError

from gridlink.db.engine import Database
from gridlink.db.tables import Lease


def process_name() -> str:
    """This process, as lease owner: unique even across restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def hold(db: Database, name: str, owner: str, lasting: timedelta, now: datetime) -> bool:
    """Whether `owner` holds the lease now (renewed to last `lasting` more)."""
    async with db.session() as session:
        taken = await session.execute(
            update(Lease)
            .where(Lease.name == name, or_(Lease.owner == owner, Lease.until < now))
            .values(owner=owner, until=now + lasting)
        )
        if taken.rowcount:  # type: ignore[attr-defined]
            return True
    try:
        async with db.session() as session:
            await session.execute(insert(Lease).values(name=name, owner=owner, until=now + lasting))
        return True
    except IntegrityError:
        return False  # another process holds it
