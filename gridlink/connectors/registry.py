"""Every connector behind one Executor: a command goes to the connector that
reaches its device, named on the vendor connection (`sandbox`, `ocpp`, ...).

A new connector registers here under its name; nothing outside `connectors/`
needs to know it exists.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.tables import Action, Asset
from gridlink.domain.actions import Executor
from gridlink.domain.errors import BadRequest


class Connectors:
    """An Executor that hands each call to the asset's own connector."""

    def __init__(self, connectors: dict[str, Executor]) -> None:
        self._connectors = dict(connectors)

    def register(self, name: str, connector: Executor) -> None:
        self._connectors[name] = connector

    def of(self, asset: Asset) -> Executor:
        name = asset.connection.connector
        connector = self._connectors.get(name)
        if connector is None:
            raise BadRequest(
                f"This {asset.asset_type} is reached through {name}, which is not running."
            )
        return connector

    async def check(
        self,
        session: AsyncSession,
        asset: Asset,
        kind: str,
        target: dict[str, Any],
        at: datetime | None = None,
    ) -> None:
        await self.of(asset).check(session, asset, kind, target, at)

    async def now(self, session: AsyncSession, asset: Asset) -> datetime:
        return await self.of(asset).now(session, asset)

    async def submitted(self, session: AsyncSession, action: Action) -> None:
        await self.of(action.asset).submitted(session, action)

    async def wake_at(self, session: AsyncSession, asset: Asset, at: datetime) -> None:
        await self.of(asset).wake_at(session, asset, at)

    async def refresh(self, session: AsyncSession, asset: Asset) -> None:
        await self.of(asset).refresh(session, asset)
