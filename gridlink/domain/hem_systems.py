"""HEM systems: a user's inverters, batteries and meters of one vendor seen as
one site, with its energy flows (generation, consumption, grid import and
export, battery charge and discharge) from the devices' recorded history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.tables import Asset, HemSystem, User
from gridlink.domain.clock import aware
from gridlink.domain.errors import BadRequest, NotFound
from gridlink.domain.pagination import Page, PageRequest, paginate
from gridlink.domain.prices import Prices
from gridlink.domain.statistics import Piece, pieces_of
from gridlink.events.outbox import emit, listening

HEM_VENDORS: Final = frozenset(
    {"SOLAREDGE", "FOXESS", "SMA", "TESLA", "GIVENERGY", "SOLAX", "SOLIS", "HUAWEI", "ENPHASE"}
)
SITE_TYPES: Final = ("inverter", "battery", "meter")
QUARTER = timedelta(minutes=15)
_FREE = Prices("", lambda _at: 0.0)


async def ensure_for(
    session: AsyncSession, user: User, asset: Asset, now: datetime
) -> HemSystem | None:
    """The HEM system a newly linked site device belongs to (made on the first)."""
    if asset.asset_type not in SITE_TYPES or asset.vendor not in HEM_VENDORS:
        return None
    system = await session.scalar(
        select(HemSystem).where(HemSystem.user_pk == user.pk, HemSystem.vendor == asset.vendor)
    )
    if system is None:
        system = HemSystem(id=str(uuid.uuid4()), client_id=user.client_id, user_pk=user.pk,
                           vendor=asset.vendor, created_at=now)  # fmt: skip
        system.user = user
        session.add(system)
        await session.flush()
        await _tell(session, system, "discovered", now)
    asset.document = {**asset.document, "hemSystemId": system.id}
    return system


async def _tell(
    session: AsyncSession,
    system: HemSystem,
    verb: str,
    at: datetime,
    updated_fields: list[str] | None = None,
) -> None:
    from gridlink.wire.hem_systems import hem_system_json  # noqa: PLC0415 - wire renders

    name = f"user:hem-system:{verb}"
    if not await listening(session, system.client_id, name):
        return
    body: dict[str, Any] = {"hemSystem": await hem_system_json(session, system, at)}
    if updated_fields is not None:
        body["updatedFields"] = updated_fields
    await emit(session, system.client_id, name, at, lambda: body, system.user.user_id)


async def site_reported(session: AsyncSession, asset: Asset, at: datetime) -> None:
    """`user:hem-system:updated` as the system's inverter reports (its energy
    today moves with each report): only rendered for a listener."""
    system_id = asset.document.get("hemSystemId")
    if asset.asset_type != "inverter" or not system_id:
        return
    if not await listening(session, asset.client_id, "user:hem-system:updated"):
        return
    system = await session.scalar(select(HemSystem).where(HemSystem.id == system_id))
    if system is not None:
        await _tell(session, system, "updated", at, ["status.lastSeen", "status.energy.today"])


async def forget_empty(
    session: AsyncSession, user_pk: int, now: datetime, everything: bool = False
) -> None:
    """HEM systems whose devices are all gone (or `everything`) go too."""
    systems = await session.scalars(select(HemSystem).where(HemSystem.user_pk == user_pk))
    for system in list(systems):
        if everything or not await devices_of(session, system):
            await _tell(session, system, "deleted", now)
            await session.delete(system)
    await session.flush()


async def devices_of(session: AsyncSession, system: HemSystem) -> list[Asset]:
    return list(
        await session.scalars(
            select(Asset)
            .where(
                Asset.user_pk == system.user_pk,
                Asset.vendor == system.vendor,
                Asset.asset_type.in_(SITE_TYPES),
            )
            .order_by(Asset.pk)
        )
    )


async def get_hem_system(session: AsyncSession, client_id: str, system_id: str) -> HemSystem:
    system = await session.scalar(
        select(HemSystem).where(HemSystem.client_id == client_id, HemSystem.id == system_id)
    )
    if system is None:
        raise NotFound(f"No HEM system with id {system_id}.")
    return system


async def list_hem_systems(
    session: AsyncSession, client_id: str, page: PageRequest, user: User | None = None
) -> Page[HemSystem]:
    query = select(HemSystem).where(HemSystem.client_id == client_id)
    if user is not None:
        query = query.where(HemSystem.user_pk == user.pk)
    return await paginate(session, query, HemSystem.pk, page)


# --- energy -------------------------------------------------------------------


@dataclass(frozen=True)
class Flows:
    """The site's power flows, in kW, per stretch of time."""

    generation: list[Piece]
    grid: list[Piece]  # positive: import
    battery: list[Piece]  # positive: charging
    levels: list[Piece]  # battery level, %, as `kw`


async def flows(session: AsyncSession, system: HemSystem, start: datetime, end: datetime) -> Flows:
    generation: list[Piece] = []
    grid: list[Piece] = []
    battery: list[Piece] = []
    levels: list[Piece] = []
    for device in await devices_of(session, system):
        if device.asset_type == "inverter":
            generation += await pieces_of(session, device, _FREE, start, end)
        elif device.asset_type == "meter":
            grid += await pieces_of(session, device, _FREE, start, end, "energyState.power")
        else:
            battery += await pieces_of(session, device, _FREE, start, end, "chargeState.chargeRate")
            levels += await pieces_of(
                session, device, _FREE, start, end, "chargeState.batteryLevel"
            )
    return Flows(generation, grid, battery, levels)


def _kwh(pieces: list[Piece], start: datetime, end: datetime, sign: int = 0) -> float:
    """Energy in [start, end); sign 1 or -1 keeps only that direction."""
    total = 0.0
    for piece in pieces:
        if start <= piece.start < end:
            kw = piece.kw if sign == 0 else max(sign * piece.kw, 0.0)
            total += kw * (piece.end - piece.start).total_seconds() / 3600
    return total


def energy(flows_: Flows, start: datetime, end: datetime) -> dict[str, float]:
    generation = _kwh(flows_.generation, start, end)
    imported, exported = _kwh(flows_.grid, start, end, 1), _kwh(flows_.grid, start, end, -1)
    charge, discharge = _kwh(flows_.battery, start, end, 1), _kwh(flows_.battery, start, end, -1)
    consumption = max(generation + imported - exported + discharge - charge, 0.0)
    return {"generation": generation, "consumption": consumption, "import": imported,
            "export": exported, "charge": charge, "discharge": discharge}  # fmt: skip


def timezone_of(devices: list[Asset]) -> str:
    for device in devices:
        name = device.document.get("timezone")
        if name:
            return str(name)
    return "UTC"


def parse_interval(interval: str) -> tuple[date, bool]:
    """The first day of the interval, and whether it is a whole month."""
    try:
        if len(interval) == 7:
            return datetime.strptime(interval, "%Y-%m").date(), True
        if len(interval) == 10:
            return datetime.strptime(interval, "%Y-%m-%d").date(), False
    except ValueError:
        pass
    raise BadRequest("interval must be a day (YYYY-MM-DD) or a month (YYYY-MM).")


async def statistics(
    session: AsyncSession, system: HemSystem, interval: str, now: datetime
) -> dict[str, Any]:
    first, whole_month = parse_interval(interval)
    devices = await devices_of(session, system)
    timezone = timezone_of(devices)
    zone = ZoneInfo(timezone)
    start = datetime(first.year, first.month, first.day, tzinfo=zone)
    if whole_month:
        following = datetime(first.year + first.month // 12, first.month % 12 + 1, 1, tzinfo=zone)
    else:
        following = start + timedelta(days=1)
    if start.astimezone(UTC) > now:
        raise BadRequest(f"{interval} has not begun yet.")
    installed = aware(system.created_at)
    if following.astimezone(UTC) <= installed:
        reason = "No data before the HEM system was linked."
        unavailable = {"isAvailable": False, "reason": reason}
        names = (
            "generation",
            "consumption",
            "import",
            "export",
            "charge",
            "discharge",
            "batteryLevel",
        )
        return {"timeseries": {name: unavailable for name in names}}
    found = await flows(session, system, start.astimezone(UTC), following.astimezone(UTC))
    buckets = _buckets(start, following, zone, whole_month)
    series: dict[str, Any] = {}
    for name in FLOWS:
        points = []
        for begin, end in buckets:
            value = None
            if installed < end.astimezone(UTC) and begin.astimezone(UTC) < now:
                value = energy(found, begin.astimezone(UTC), end.astimezone(UTC))[name]
                if not whole_month:
                    value /= (end - begin).total_seconds() / 3600  # kW on average
            points.append({"t": begin.isoformat(), "v": _rounded(value, 4)})
        series[name] = _available(points, timezone, whole_month)
    series["batteryLevel"] = _battery_levels(found, buckets, timezone, whole_month)
    return {"timeseries": series}


FLOWS: Final = ("generation", "consumption", "import", "export", "charge", "discharge")


def _rounded(value: float | None, digits: int) -> float | None:
    return round(value, digits) if value is not None else None


def _unavailable(reason: str) -> dict[str, Any]:
    return {"isAvailable": False, "reason": reason}


def _battery_levels(
    found: Flows, buckets: list[tuple[datetime, datetime]], timezone: str, whole_month: bool
) -> dict[str, Any]:
    if whole_month:
        return _unavailable("Battery level is only available for a day.")
    if not found.levels:
        return _unavailable("This system has no battery.")
    points = []
    for begin, end in buckets:
        inside = [p.kw for p in found.levels if begin <= p.start < end]
        points.append({"t": begin.isoformat(), "v": _rounded(sum(inside) / len(inside), 2)
                       if inside else None})  # fmt: skip
    return {**_available(points, timezone, False), "unit": "%", "unitType": "SoC"}


def _buckets(
    start: datetime, end: datetime, zone: ZoneInfo, daily: bool
) -> list[tuple[datetime, datetime]]:
    buckets = []
    moment = start
    while moment < end:
        if daily:
            day = moment.date() + timedelta(days=1)
            following = datetime(day.year, day.month, day.day, tzinfo=zone)
        else:  # quarter hours of absolute time: a DST day has 92 or 100 of them
            following = (moment.astimezone(UTC) + QUARTER).astimezone(zone)
        buckets.append((moment, following))
        moment = following
    return buckets


def _available(points: list[dict[str, Any]], timezone: str, daily: bool) -> dict[str, Any]:
    return {
        "isAvailable": True,
        "unit": "kWh" if daily else "kW",
        "unitType": "Energy" if daily else "Power",
        "sampling": {"mode": "bucketed", "resolution": "P1D" if daily else "PT15M"},
        "timezone": timezone,
        "data": points,
    }
