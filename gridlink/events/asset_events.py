"""Events about assets, actions and credentials, as the domain raises them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.tables import Action, Asset
from gridlink.events.catalogue import (
    ASSET_KEYS,
    CREDENTIALS_INVALIDATED,
    VENDOR_ACTION_UPDATED,
    asset_event,
)
from gridlink.events.outbox import emit
from gridlink.wire.actions import action_json
from gridlink.wire.asset_documents import asset_json


async def asset_changed(
    session: AsyncSession,
    asset: Asset,
    verb: str,
    at: datetime,
    updated_fields: list[str] | None = None,
) -> None:
    """`user:<type>:discovered|updated|deleted` with the asset as the API shows it."""

    def body() -> dict[str, Any]:
        rendered: dict[str, Any] = {ASSET_KEYS[asset.asset_type]: asset_json(asset)}
        if updated_fields is not None:
            rendered["updatedFields"] = list(updated_fields)
        return rendered

    name = asset_event(asset.asset_type, verb)
    await emit(session, asset.client_id, name, at, body, asset.user.user_id)


async def action_changed(
    session: AsyncSession, action: Action, at: datetime, updated_fields: list[str]
) -> None:
    """`user:vendor-action:updated`: an action moved on (confirmed, failed, cancelled)."""

    def body() -> dict[str, Any]:
        return {"vendorAction": action_json(action), "updatedFields": updated_fields}

    user_id = action.asset.user.user_id
    await emit(session, action.client_id, VENDOR_ACTION_UPDATED, at, body, user_id)


async def credentials_invalidated(session: AsyncSession, asset: Asset, at: datetime) -> None:
    def body() -> dict[str, Any]:
        return {"vendor": asset.vendor}

    await emit(session, asset.client_id, CREDENTIALS_INVALIDATED, at, body, asset.user.user_id)
