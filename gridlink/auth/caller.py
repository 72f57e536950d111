"""Who is calling: the bearer token checked in memory, the client looked up
through a cache that commits and other processes' changes keep current."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gridlink.auth.secrets import client_secret_matches
from gridlink.db.tables import Client

if TYPE_CHECKING:
    from gridlink.db.engine import Database

# A change that no notification reports (the CLI writing to SQLite while the
# server runs) reaches this process within this many seconds.
CACHE_SECONDS = 1.0


@dataclass(frozen=True)
class Caller:
    client_id: str
    environment: str
    secret_version: int
    default_api_version: str
    secret_hash: str

    def secret_matches(self, secret: str) -> bool:
        return client_secret_matches(secret, self.secret_hash)


class ClientCache:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._entries: dict[str, tuple[float, Caller | None]] = {}
        # One database read per client at a time, however many requests wait for it.
        self._loading: dict[str, asyncio.Future[Caller | None]] = {}

    async def get(self, client_id: str) -> Caller | None:
        entry = self._entries.get(client_id)
        if entry is not None and time.monotonic() - entry[0] < CACHE_SECONDS:
            return entry[1]
        loading = self._loading.get(client_id)
        if loading is not None:
            return await asyncio.shield(loading)
        future: asyncio.Future[Caller | None] = asyncio.get_running_loop().create_future()
        self._loading[client_id] = future
        try:
            caller = await self._load(client_id)
            future.set_result(caller)
            return caller
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # marks it retrieved when nobody else waits
            raise
        finally:
            del self._loading[client_id]

    async def _load(self, client_id: str) -> Caller | None:
        loaded_at = time.monotonic()
        async with self._db.session() as session:
            client = await session.get(Client, client_id)
        caller = _caller(client)
        if caller is not None:  # unknown ids are not kept: anyone can send many
            self._entries[client_id] = (loaded_at, caller)
        return caller

    def invalidate(self, keys: set[str]) -> None:
        for key in keys:
            if key.startswith("client:"):
                self._entries.pop(key.removeprefix("client:"), None)

    def clear(self) -> None:
        self._entries.clear()


def _caller(client: Client | None) -> Caller | None:
    if client is None:
        return None
    return Caller(
        client.id,
        client.environment,
        client.secret_version,
        client.default_api_version,
        client.secret_hash,
    )
