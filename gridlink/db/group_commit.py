"""Many small units of work, one transaction: group commit.

A fleet of devices sends a steady stream of tiny writes (a meter value, a status).
One transaction each would make the commit, not the work, the limit, and on
SQLite the writers would queue for the one write lock. Here units that arrive
while a batch commits wait for the next batch, which runs them all in one
transaction: under load, batches grow; when idle, a unit commits at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.engine import Database

T = TypeVar("T")
Unit = Callable[[AsyncSession], Awaitable[Any]]
# Enough to amortize a commit; few enough that one batch never holds the lock long.
MAX_BATCH = 200


class GroupCommit:
    """Runs units of work in shared transactions.

    A unit must touch nothing but the session: if any unit of a batch fails, the
    batch is rolled back and each unit runs again in a transaction of its own, so
    one bad unit fails alone and the others still commit.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._waiting: list[tuple[Unit, asyncio.Future[Any]]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def run(self, unit: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """The unit's result, once the transaction it ran in has committed."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiting.append((unit, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._commit_forever())
        self._wake.set()
        return await future

    async def _commit_forever(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._waiting:
                batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
                await self._commit(batch)

    async def _commit(self, batch: list[tuple[Unit, asyncio.Future[Any]]]) -> None:
        results: list[Any] = []
        try:
            async with self._db.session() as session:
                for unit, _future in batch:
                    results.append(await unit(session))
        except Exception as error:
            if len(batch) == 1:
                _settle(batch[0][1], error=error)
                return
            for single in batch:
                await self._commit([single])
            return
        for (_unit, future), result in zip(batch, results, strict=True):
            _settle(future, result=result)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
        for _unit, future in self._waiting:
            future.cancel()
        self._waiting = []


def _settle(
    future: asyncio.Future[Any], result: Any = None, error: Exception | None = None
) -> None:
    if future.done():  # the caller stopped waiting (its connection dropped)
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
