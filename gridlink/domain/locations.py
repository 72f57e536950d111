"""Locations: named places of a user's, with coordinates and a time zone."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.tables import Asset, Location, User
from gridlink.domain import clock
from gridlink.domain.assets import set_location
from gridlink.domain.errors import BadRequest, NotFound
from gridlink.domain.pagination import Page, PageRequest, paginate
from gridlink.domain.text import clean_name


@dataclass(frozen=True)
class LocationFields:
    """The fields a create or update sets; None leaves a field as it is."""

    name: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    timezone_name: str | None = None


def _check(fields: LocationFields) -> LocationFields:
    if fields.latitude is not None and not -90 <= fields.latitude <= 90:
        raise BadRequest("latitude must be between -90 and 90 degrees.")
    if fields.longitude is not None and not -180 <= fields.longitude <= 180:
        raise BadRequest("longitude must be between -180 and 180 degrees.")
    if fields.timezone_name is not None:
        try:
            if "/" not in fields.timezone_name and fields.timezone_name != "UTC":
                raise ZoneInfoNotFoundError(fields.timezone_name)
            ZoneInfo(fields.timezone_name)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise BadRequest(
                f"timezoneName {fields.timezone_name!r} is not an IANA time zone, "
                "such as Europe/Oslo."
            ) from error
    name = clean_name(fields.name, "name") if fields.name is not None else None
    return LocationFields(name, fields.latitude, fields.longitude, fields.timezone_name)


async def create_location(session: AsyncSession, user: User, fields: LocationFields) -> Location:
    fields = _check(fields)
    assert fields.name is not None and fields.latitude is not None
    assert fields.longitude is not None
    location = Location(
        id=str(uuid.uuid4()),
        client_id=user.client_id,
        user_pk=user.pk,
        name=fields.name,
        latitude=fields.latitude,
        longitude=fields.longitude,
        timezone_name=fields.timezone_name or "UTC",
        created_at=datetime.now(UTC),
    )
    session.add(location)
    await session.flush()
    return location


async def get_location(session: AsyncSession, client_id: str, location_id: str) -> Location:
    location = await session.scalar(
        select(Location).where(Location.client_id == client_id, Location.id == location_id)
    )
    if location is None:
        raise NotFound(f"No location with id {location_id}.")
    return location


async def update_location(
    session: AsyncSession, client_id: str, location_id: str, fields: LocationFields
) -> Location:
    location = await get_location(session, client_id, location_id)
    fields = _check(fields)
    if fields.name is not None:
        location.name = fields.name
    if fields.latitude is not None:
        location.latitude = fields.latitude
    if fields.longitude is not None:
        location.longitude = fields.longitude
    if fields.timezone_name is not None:
        location.timezone_name = fields.timezone_name
    await session.flush()
    return location


async def delete_location(session: AsyncSession, client_id: str, location_id: str) -> Location:
    location = await get_location(session, client_id, location_id)
    now = await clock.now(session, client_id)
    placed = await session.scalars(select(Asset).where(Asset.location_id == location.id))
    for asset in placed:
        await set_location(session, asset, None, now)
    await session.delete(location)
    await session.flush()
    return location


async def list_locations(
    session: AsyncSession, client_id: str, page: PageRequest, user: User | None = None
) -> Page[Location]:
    query = select(Location).where(Location.client_id == client_id)
    if user is not None:
        query = query.where(Location.user_pk == user.pk)
    return await paginate(session, query, Location.pk, page)
