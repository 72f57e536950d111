"""`user:vehicle:smart-charging-status-updated`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.tables import Asset
from gridlink.events.outbox import emit

SMART_CHARGING_STATUS_UPDATED = "user:vehicle:smart-charging-status-updated"


async def status_updated(
    session: AsyncSession,
    asset: Asset,
    status: dict[str, Any],
    updated_fields: list[str],
    at: datetime,
) -> None:
    def body() -> dict[str, Any]:
        return {"smartChargingStatus": status, "updatedFields": updated_fields}

    await emit(
        session, asset.client_id, SMART_CHARGING_STATUS_UPDATED, at, body, asset.user.user_id
    )
