"""Every connector behind one Executor: a command goes to the connector that
reaches its device, named on the vendor connection (`sandbox`, `ocpp`, ...).

A new connector is added to `installed` below; nothing outside `connectors/`
needs to know it exists: Link UI asks `linking`, the app mounts `routes()` and
runs `run()` of each.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.config import Settings
from gridlink.connectors.base import Connector, Linking
from gridlink.connectors.ocpp.central import OcppConnector
from gridlink.connectors.sandbox.connector import Sandbox
from gridlink.connectors.sunspec.connector import SunSpecConnector
from gridlink.crypto import Vault
from gridlink.db.engine import Database
from gridlink.db.tables import Action, Asset
from gridlink.domain.errors import BadRequest


def installed(settings: Settings, db: Database, vault: Vault) -> Connectors:
    """The connectors this gridlink runs, in the order Link UI asks them."""
    return Connectors(
        [
            OcppConnector(db, settings.ocpp_confirm_seconds),
            SunSpecConnector(db, settings.sunspec_poll_seconds),
            Sandbox(settings.sandbox_action_delay, vault),
        ]
    )


class Connectors:
    """An Executor that hands each call to the asset's own connector."""

    def __init__(self, connectors: list[Connector]) -> None:
        self.all = list(connectors)
        self._by_name = {c.name: c for c in connectors}

    def named(self, name: str) -> Connector:
        return self._by_name[name]

    def linking(
        self, session: AsyncSession, environment: str, vendor: str | None, asset_types: list[str]
    ) -> tuple[Connector, Linking] | None:
        """The first connector that links this brand's devices here, and how."""
        for connector in self.all:
            found = connector.linking(session, environment, vendor, asset_types)
            if found is not None:
                return connector, found
        return None

    def routers(self) -> list[APIRouter]:
        return [r for r in (c.routes() for c in self.all) if r is not None]

    async def run(self) -> None:
        """Each connector's background work, until cancelled."""
        await asyncio.gather(*(c.run() for c in self.all))

    async def close(self) -> None:
        for connector in self.all:
            await connector.close()

    def changed(self, keys: set[str]) -> None:
        for connector in self.all:
            connector.changed(keys)

    def of(self, asset: Asset) -> Connector:
        name = asset.connection.connector
        connector = self._by_name.get(name)
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
