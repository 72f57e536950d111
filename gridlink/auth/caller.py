"""Who is calling: the bearer token checked in memory, the client looked up
through a short-lived cache."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gridlink.db.tables import Client

if TYPE_CHECKING:
    from gridlink.db.engine import Database

# How long another process's secret rotation may take to reach this one.
# Rotations made by this process take effect at once.
CACHE_SECONDS = 1.0


@dataclass(frozen=True)
class Caller:
    client_id: str
    environment: str
    secret_version: int
    default_api_version: str


class ClientCache:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._entries: dict[str, tuple[float, Caller | None]] = {}

    async def get(self, client_id: str) -> Caller | None:
        now = time.monotonic()
        entry = self._entries.get(client_id)
        if entry is not None and now - entry[0] < CACHE_SECONDS:
            return entry[1]
        async with self._db.session() as session:
            client = await session.get(Client, client_id)
            caller = self.remember(client)
        if caller is None:
            self._entries[client_id] = (now, None)
        return caller

    def remember(self, client: Client | None) -> Caller | None:
        if client is None:
            return None
        caller = Caller(
            client.id, client.environment, client.secret_version, client.default_api_version
        )
        self._entries[client.id] = (time.monotonic(), caller)
        return caller

    def forget(self, client_id: str) -> None:
        self._entries.pop(client_id, None)
