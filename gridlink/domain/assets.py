"""Assets: the devices linked users own, read and changed through one machinery."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from gridlink.connectors.base import LinkedDevice
from gridlink.db.changes import asset_key, mark_changed
from gridlink.db.tables import Asset, Location, User, VendorConnection
from gridlink.domain import hem_systems
from gridlink.domain.asset_kinds import KINDS, AssetKind
from gridlink.domain.errors import BadRequest, NotFound
from gridlink.domain.pagination import Page, PageRequest, paginate
from gridlink.events import asset_events
from gridlink.wire.asset_documents import discovered_document
from gridlink.wire.timestamps import iso


async def mark_assets_changed(session: AsyncSession, *conditions: ColumnElement[bool]) -> None:
    """Marks as changed every asset matching the conditions: call it before a
    delete or update that touches them in bulk, so no cached copy outlives it."""
    rows = await session.execute(
        select(Asset.client_id, Asset.asset_type, Asset.id).where(*conditions)
    )
    keys = [asset_key(client_id, kind, asset_id) for client_id, kind, asset_id in rows]
    if keys:
        await mark_changed(session, *keys)


async def discover(
    session: AsyncSession,
    connection: VendorConnection,
    devices: list[LinkedDevice],
    now: datetime,
) -> list[Asset]:
    """Creates the assets a newly linked vendor account holds (those not yet known)."""
    known = set(
        await session.scalars(select(Asset.device_ref).where(Asset.connection_pk == connection.pk))
    )
    created = []
    for device in devices:
        if device.asset_type != connection.vendor_type or device.device_ref in known:
            continue
        asset_id = str(uuid.uuid4())
        asset = Asset(
            id=asset_id,
            client_id=connection.client_id,
            user_pk=connection.user_pk,
            connection_pk=connection.pk,
            asset_type=device.asset_type,
            vendor=device.vendor,
            device_ref=device.device_ref,
            location_id=None,
            document=discovered_document(
                KINDS[device.asset_type], device.vendor, device.model, device.name, asset_id, now
            ),
            created_at=now,
            updated_at=now,
        )
        session.add(asset)
        created.append(asset)
    await session.flush()
    user = await session.get(User, connection.user_pk)
    assert user is not None
    for asset in created:
        asset.user, asset.connection = user, connection
        await hem_systems.ensure_for(session, user, asset, now)
        await asset_events.asset_changed(session, asset, "discovered", now)
    return created


async def list_assets(
    session: AsyncSession,
    client_id: str,
    kind: AssetKind,
    page: PageRequest,
    user: User | None = None,
) -> Page[Asset]:
    query = select(Asset).where(Asset.client_id == client_id, Asset.asset_type == kind.name)
    if user is not None:
        query = query.where(Asset.user_pk == user.pk)
    return await paginate(session, query, Asset.pk, page)


async def list_asset_ids(
    connection: AsyncConnection,
    client_id: str,
    kind: AssetKind,
    page: PageRequest,
    user_pk: int | None = None,
) -> Page[Any]:
    """A page of asset ids alone (rows with `pk` and `id`): the answers
    themselves usually come ready from memory."""
    # Typed as Any: paginate is written for one-entity selects; this one has two columns.
    query: Any = select(Asset.pk, Asset.id).where(
        Asset.client_id == client_id, Asset.asset_type == kind.name
    )
    if user_pk is not None:
        query = query.where(Asset.user_pk == user_pk)
    return await paginate(connection, query, Asset.pk, page, rows_of_columns=True)


async def get_assets(session: AsyncSession, client_id: str, asset_ids: list[str]) -> list[Asset]:
    return list(
        await session.scalars(
            select(Asset).where(Asset.client_id == client_id, Asset.id.in_(asset_ids))
        )
    )


async def get_asset(session: AsyncSession, client_id: str, kind: AssetKind, asset_id: str) -> Asset:
    asset = await session.scalar(
        select(Asset).where(
            Asset.client_id == client_id, Asset.id == asset_id, Asset.asset_type == kind.name
        )
    )
    if asset is None:
        raise NotFound(f"No {kind.name} with id {asset_id}.")
    return asset


async def set_location(
    session: AsyncSession, asset: Asset, location_id: str | None, now: datetime
) -> Asset:
    if location_id is not None:
        location = await session.scalar(
            select(Location).where(
                Location.client_id == asset.client_id, Location.id == location_id
            )
        )
        if location is None or location.user_pk != asset.user_pk:
            raise BadRequest(f"No location with id {location_id} belongs to this asset's user.")
    if asset.location_id != location_id:
        asset.location_id = location_id
        place = dict(asset.document.get("location", {}))
        if "lastUpdated" in place and not KINDS[asset.asset_type].reports_coordinates:
            place["lastUpdated"] = iso(now)  # the time the location was set
        asset.document = {**asset.document, "location": place}
        asset.updated_at = now
        await mark_changed(session, asset_key(asset.client_id, asset.asset_type, asset.id))
        await asset_events.asset_changed(session, asset, "updated", now, ["location.id"])
    return asset


async def delete_assets(
    session: AsyncSession, now: datetime, *conditions: ColumnElement[bool]
) -> None:
    """Tells of the assets that are about to go with their user or vendor account
    (the caller deletes them)."""
    await mark_assets_changed(session, *conditions)
    for asset in await session.scalars(select(Asset).where(*conditions).order_by(Asset.pk)):
        await asset_events.asset_changed(session, asset, "deleted", now)
