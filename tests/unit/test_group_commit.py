"""Group commit and leases, on a real SQLite database."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db import leases
from gridlink.db.engine import Database
from gridlink.db.group_commit import GroupCommit
from gridlink.db.migrate import upgrade
from gridlink.db.tables import Lease
from tests.support.threads import run_async


def _database(tmp_path: Path) -> Database:
    url = f"sqlite+aiosqlite:///{tmp_path / 'gridlink.db'}"
    upgrade(url)
    return Database(url)


def test_units_share_transactions_and_a_failing_one_fails_alone(tmp_path: Path) -> None:
    db = _database(tmp_path)

    def unit(name: str, fail: bool = False) -> Callable[[AsyncSession], Awaitable[str]]:
        async def work(session: AsyncSession) -> str:
            session.add(Lease(name=name, owner="test", until=datetime.now(UTC)))
            await session.flush()
            if fail:
                raise ValueError(f"{name} is wrong")
            return name

        return work

    async def scenario() -> None:
        writes = GroupCommit(db)
        names = [f"unit-{n}" for n in range(50)]
        results = await asyncio.gather(
            *(writes.run(unit(name, fail=name == "unit-20")) for name in names),
            return_exceptions=True,
        )
        failed = [r for r in results if isinstance(r, Exception)]
        assert len(failed) == 1 and str(failed[0]) == "unit-20 is wrong"
        assert [r for r in results if not isinstance(r, Exception)] == [
            n for n in names if n != "unit-20"
        ]
        async with db.session() as session:
            stored = set(await session.scalars(select(Lease.name)))
        # Every other unit committed; the failing one left nothing behind.
        assert stored == set(names) - {"unit-20"}
        await writes.close()
        await db.dispose()

    run_async(scenario())


def test_units_arriving_during_a_commit_share_the_next_one(tmp_path: Path) -> None:
    db = _database(tmp_path)
    transactions = itertools.count()
    seen: list[int] = []

    async def record(session: AsyncSession) -> None:
        # The number of the transaction the unit runs in: the same for a whole batch.
        seen.append(session.info.setdefault("transaction", next(transactions)))
        await session.scalar(select(func.count()).select_from(Lease))

    async def scenario() -> None:
        writes = GroupCommit(db)
        await asyncio.gather(*(writes.run(record) for _ in range(100)))
        assert len(seen) == 100
        assert len(set(seen)) < 10, "units were not grouped"
        await writes.close()
        await db.dispose()

    run_async(scenario())


def test_a_lease_is_held_by_one_owner_until_it_lapses(tmp_path: Path) -> None:
    db = _database(tmp_path)
    now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    lasting = timedelta(seconds=30)

    async def scenario() -> None:
        assert await leases.hold(db, "poller", "first", lasting, now)
        assert not await leases.hold(db, "poller", "second", lasting, now + timedelta(seconds=5))
        # The holder renews it.
        assert await leases.hold(db, "poller", "first", lasting, now + timedelta(seconds=20))
        assert not await leases.hold(db, "poller", "second", lasting, now + timedelta(seconds=40))
        # The holder stopped renewing: the lease lapses and another takes it over.
        assert await leases.hold(db, "poller", "second", lasting, now + timedelta(seconds=51))
        assert not await leases.hold(db, "poller", "first", lasting, now + timedelta(seconds=52))
        # Other work has a lease of its own.
        assert await leases.hold(db, "other", "first", lasting, now + timedelta(seconds=52))
        await db.dispose()

    run_async(scenario())


@pytest.mark.parametrize("owners", [2, 5])
def test_owners_racing_for_a_new_lease_get_it_once(tmp_path: Path, owners: int) -> None:
    db = _database(tmp_path)
    now = datetime.now(UTC)

    async def scenario() -> None:
        held = await asyncio.gather(
            *(leases.hold(db, "race", f"owner-{n}", timedelta(seconds=30), now)
              for n in range(owners))
        )  # fmt: skip
        assert sum(held) == 1
        await db.dispose()

    run_async(scenario())
