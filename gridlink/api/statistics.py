"""Statistics: charging by time bucket and by session, and inverter production.
(HEM systems' statistics live with them, in gridlink.api.hem_systems.)"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from gridlink.api.responses import json_response
from gridlink.auth.caller import Caller
from gridlink.auth.dependencies import CallerDep, api_version
from gridlink.context import context_of
from gridlink.db.tables import Asset
from gridlink.domain import assets, statistics, users
from gridlink.domain.asset_kinds import KINDS
from gridlink.domain.clock import now as client_now
from gridlink.domain.errors import BadRequest, NotFound
from gridlink.openapi import models
from gridlink.openapi.responses import answers
from gridlink.wire.timestamps import iso

router = APIRouter(tags=["Statistics"])

DeviceType = Literal["charger", "vehicle", "hvac"]
Resolution = Literal["QUARTER_HOUR", "HALF_HOUR", "HOUR", "DAY", "WEEK", "MONTH", "YEAR"]
FIRST_YEAR, LAST_YEAR = 1970, 9000
MAX_UTC_OFFSET = 24.0  # hours
# A day of quarter hours stays provisional until this long after it ends.
SETTLING = timedelta(minutes=15)


def _instant(value: str, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        raise BadRequest(f"{name} must be an ISO 8601 date-time, not {value!r}.") from None
    # Far enough from datetime's limits that buckets and offsets stay in range.
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise BadRequest(f"{name} must fall between the years {FIRST_YEAR} and {LAST_YEAR}.")
    return moment


async def _devices(
    session: AsyncSession,
    caller: Caller,
    user_id: str,
    device_type: str,
    device_id: str | None,
    location_id: str | None,
) -> list[Asset]:
    user = await users.get_user(session, caller.client_id, user_id)
    query = select(Asset).where(
        Asset.client_id == caller.client_id,
        Asset.user_pk == user.pk,
        Asset.asset_type == device_type,
    )
    if device_id is not None:
        query = query.where(Asset.id == device_id)
    if location_id is not None and device_type != "vehicle":
        query = query.where(Asset.location_id == location_id)
    found = list(await session.scalars(query.order_by(Asset.pk)))
    if device_id is not None and not found:
        raise NotFound(f"No {device_type} with id {device_id} belongs to user {user_id}.")
    return found


@dataclass(frozen=True)
class ChargingQuery:
    """What both charging statistics take: whose devices, which, and when."""

    user_id: str
    start_date: str
    device_type: str
    end_date: str | None
    location_id: str | None
    device_id: str | None

    async def load(
        self, session: AsyncSession, caller: Caller
    ) -> tuple[list[Asset], datetime, datetime]:
        start = _instant(self.start_date, "startDate")
        end = (
            _instant(self.end_date, "endDate")
            if self.end_date
            else await client_now(session, caller.client_id)
        )
        if end <= start:
            raise BadRequest("endDate must be after startDate.")
        devices = await _devices(
            session, caller, self.user_id, self.device_type, self.device_id, self.location_id
        )
        return devices, start, end


async def charging_query(
    userId: str,  # noqa: N803 - the wire names
    startDate: str,  # noqa: N803
    type: DeviceType,  # noqa: A002
    endDate: str | None = None,  # noqa: N803
    locationId: str | None = None,  # noqa: N803
    id: str | None = None,  # noqa: A002
) -> ChargingQuery:
    return ChargingQuery(userId, startDate, type, endDate, locationId, id)


ChargingQueryDep = Annotated[ChargingQuery, Depends(charging_query)]


@router.get(
    "/users/{userId}/statistics/charging",
    summary="Get User Charging Statistics",
    operation_id="getChargingStatistics",
    responses=answers(list[models.ChargingStatistics], 404),
)
async def charging(
    request: Request,
    caller: CallerDep,
    query: ChargingQueryDep,
    utcOffset: Annotated[  # noqa: N803
        float | None, Query(ge=-MAX_UTC_OFFSET, le=MAX_UTC_OFFSET)
    ] = None,
    resolution: Resolution = "DAY",
) -> Response:
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        devices, start, end = await query.load(session, caller)
        body = await statistics.charging_timeseries(
            session, devices, start, end, resolution, utcOffset or 0.0
        )
    return json_response(body, version)


@router.get(
    "/users/{userId}/statistics/charging/sessions",
    summary="Get User Statistics on Charging Sessions",
    operation_id="getChargingSessionsStatistics",
    responses=answers(list[models.ChargingSession], 404),
)
async def charging_sessions(
    request: Request, caller: CallerDep, query: ChargingQueryDep
) -> Response:
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        devices, start, end = await query.load(session, caller)
        body = await statistics.charging_sessions(session, devices, start, end)
    return json_response(body, version)


def _zone(inverter: Asset) -> str:
    name = inverter.document.get("timezone") or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return str(name)


@router.get(
    "/inverters/{inverterId}/statistics",
    summary="Get Inverter Statistics",
    operation_id="getInverterStatistics",
    responses=answers(
        models.InverterStatistics,
        404,
        description="The figures for a period that is over.",
        extra={
            202: {
                "model": models.InverterStatistics,
                "description": "The figures so far, for a period not yet over; see retryAfter.",
            }
        },
    ),
)
async def inverter_statistics(
    request: Request,
    caller: CallerDep,
    inverterId: str,  # noqa: N803
    year: Annotated[int, Query(ge=1969, le=2999)],
    month: Annotated[int, Query(ge=1, le=12)],
    day: Annotated[int | None, Query(ge=1, le=31)] = None,
) -> Response:
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        inverter = await assets.get_asset(session, caller.client_id, KINDS["inverter"], inverterId)
        timezone = _zone(inverter)
        zone = ZoneInfo(timezone)
        if day is not None and day > calendar.monthrange(year, month)[1]:
            raise BadRequest(f"{year}-{month:02d} has no day {day}.")
        first = datetime(year, month, day or 1, tzinfo=zone)
        last = first + timedelta(days=1) if day else datetime(
            year + month // 12, month % 12 + 1, 1, tzinfo=zone)  # fmt: skip
        start, end = first.astimezone(UTC), last.astimezone(UTC)
        step = "QUARTER_HOUR" if day else "DAY"
        entries = await statistics.production(session, inverter, timezone, start, end, step)
        now = await client_now(session, caller.client_id)
    data = [{"date": at.astimezone(zone).isoformat(), "value": value} for at, value in entries]
    body: dict[str, object] = {
        "timezone": timezone,
        "resolutions": {step: {"unit": "kWh", "data": data}},
    }
    if now < end + SETTLING:  # the span is not over: its figures may still change
        body["retryAfter"] = iso(max(now, min(end, now + SETTLING)) + SETTLING)
        return json_response(body, version, status=202)
    return json_response(body, version)
