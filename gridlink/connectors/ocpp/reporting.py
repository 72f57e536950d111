"""What one charger says, written to its asset as state reports (dotted paths of
the charger document), many messages to a transaction (GroupCommit)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.connectors.ocpp import messages, provisioning
from gridlink.db.group_commit import GroupCommit
from gridlink.db.tables import Action, Asset, OcppChargePoint
from gridlink.domain import actions
from gridlink.domain.reports import apply_report

# What a message means for the asset, given the charge point's row where asked for.
Build = Callable[
    [AsyncSession, "OcppChargePoint | None", "Asset | None"], Awaitable[dict[str, Any]]
]


def now() -> datetime:
    return datetime.now(UTC)


async def resolve_pending(session: AsyncSession, asset: Asset, wanted: str, at: datetime) -> None:
    """A pending START (or STOP) is confirmed when the charger really starts (stops)."""
    pending = await session.scalar(
        select(Action).where(
            Action.asset_pk == asset.pk,
            Action.state == actions.PENDING,
            Action.kind == "charging",
        )
    )
    if pending is not None and pending.target.get("action") == wanted:
        await actions.confirm(session, pending, at)


class Reporter:
    """Writes what one charger reports to its asset."""

    def __init__(self, writes: GroupCommit, point_id: str) -> None:
        self.writes = writes
        self.point_id = point_id
        self.asset_pk: int | None = None

    async def report(self, build: Build, point_too: bool = False) -> None:
        """Applies what the charger said, in the next shared transaction. The charge
        point's row is read only when the build needs it (`point_too`) or the asset
        is not known yet: meter values, most of the traffic, need only the asset."""

        async def unit(session: AsyncSession) -> int | None:
            point = None
            if point_too or self.asset_pk is None:
                point = await session.get(OcppChargePoint, self.point_id)
                if point is None:
                    return None
            if self.asset_pk is not None:
                asset = await session.get(Asset, self.asset_pk)
            else:
                assert point is not None
                asset = await provisioning.asset_of(session, point)
            report = await build(session, point, asset)
            if asset is not None and report:
                await apply_report(session, asset, report, now())
            return asset.pk if asset is not None else None

        self.asset_pk = await self.writes.run(unit)

    async def tell(self, report: dict[str, Any] | None) -> None:
        """A report that doesn't depend on what is stored."""

        async def build(*_: Any) -> dict[str, Any]:
            return report or {}

        await self.report(build)

    async def booted(self, boot: dict[str, str | None]) -> None:
        """BootNotification, in 1.6's terms: the asset appears on the first one."""

        async def unit(session: AsyncSession) -> int | None:
            point = await session.get(OcppChargePoint, self.point_id)
            if point is None:
                return None
            at = now()
            asset = await provisioning.booted(session, point, boot, at)
            await apply_report(session, asset, messages.boot_report(boot), at)
            return asset.pk

        self.asset_pk = await self.writes.run(unit)
