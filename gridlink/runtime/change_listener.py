"""Hears other processes' changes over PostgreSQL LISTEN and drops cached copies."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import asyncpg
from sqlalchemy.engine import make_url

from gridlink.db.changes import CHANNEL

logger = logging.getLogger("gridlink")
PROBE_SECONDS = 5.0


def _dsn(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


class ChangeListener:
    def __init__(
        self,
        database_url: str,
        on_change: Callable[[set[str]], None],
        on_listening: Callable[[bool], None],
    ) -> None:
        self._dsn = _dsn(database_url)
        self._on_change = on_change
        # Told True once every change will be heard, False when some may be missed.
        self._on_listening = on_listening
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _heard(self, _connection: object, _pid: int, _channel: str, key: object) -> None:
        self._on_change({str(key)})

    async def _run(self) -> None:
        while True:
            try:
                await self._listen_once()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # any failure: forget, wait, listen again
                logger.warning("change listener lost its connection: %s", error)
            await asyncio.sleep(1)

    async def _listen_once(self) -> None:
        connection = await asyncpg.connect(self._dsn)
        try:
            await connection.add_listener(CHANNEL, self._heard)
            self._on_listening(True)
            while True:
                # A silent network hangs no listener: probe the connection.
                await asyncio.sleep(PROBE_SECONDS)
                await asyncio.wait_for(connection.fetchval("SELECT 1"), PROBE_SECONDS)
        finally:
            self._on_listening(False)
            if not connection.is_closed():
                await connection.close()
