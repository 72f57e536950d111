"""Tariffs: a client's named rates, and which rate applies at a location when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.tables import Location, LocationTariff, Tariff
from gridlink.domain.errors import BadRequest, NotFound

ALL_WEEK = list(range(7))  # 0 is Monday, as in the spec


@dataclass(frozen=True)
class Interval:
    name: str
    weekdays: list[int]
    start: str  # "HH:MM", local time at the location
    end: str  # "HH:MM" or "24:00", exclusive


def minutes(hour_minute: str) -> int:
    hours, mins = hour_minute.split(":")
    return int(hours) * 60 + int(mins)


async def put_tariff(
    session: AsyncSession,
    client_id: str,
    tariff_id: str,
    rates: list[tuple[str, str]],
    now: datetime,
) -> Tariff:
    names = [name for name, _ in rates]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise BadRequest(f"Rate names must be unique within a tariff: {', '.join(duplicated)}.")
    tariff = await session.scalar(
        select(Tariff).where(Tariff.client_id == client_id, Tariff.tariff_id == tariff_id)
    )
    if tariff is None:
        tariff = Tariff(client_id=client_id, tariff_id=tariff_id)
        session.add(tariff)
    tariff.rates = [{"name": name, "cost": cost} for name, cost in rates]
    tariff.updated_at = now
    await session.flush()
    return tariff


async def get_tariff(session: AsyncSession, client_id: str, tariff_id: str) -> Tariff:
    tariff = await session.scalar(
        select(Tariff).where(Tariff.client_id == client_id, Tariff.tariff_id == tariff_id)
    )
    if tariff is None:
        raise NotFound(f"No tariff with id {tariff_id}.")
    return tariff


def _check_intervals(tariff: Tariff, intervals: list[Interval]) -> None:
    names = {rate["name"] for rate in tariff.rates}
    taken: dict[int, list[tuple[int, int, str]]] = {day: [] for day in ALL_WEEK}
    for interval in intervals:
        if interval.name not in names:
            raise BadRequest(f"Tariff {tariff.tariff_id} has no rate named {interval.name!r}.")
        start, end = minutes(interval.start), minutes(interval.end)
        if start >= end:
            raise BadRequest(
                f"Interval {interval.start}-{interval.end} must end after it starts "
                "(use 24:00 for midnight at its end)."
            )
        for day in interval.weekdays:
            for other_start, other_end, other in taken[day]:
                if start < other_end and other_start < end:
                    raise BadRequest(
                        f"Overlapping tariff schedule: {interval.name!r} and {other!r} "
                        f"overlap on weekday {day}. Ensure that the schedule has no overlaps."
                    )
            taken[day].append((start, end, interval.name))


async def link_location(
    session: AsyncSession,
    client_id: str,
    location_id: str,
    tariff_id: str,
    intervals: list[Interval],
    now: datetime,
) -> None:
    """Each call replaces the location's schedule."""
    location = await session.scalar(
        select(Location).where(Location.client_id == client_id, Location.id == location_id)
    )
    if location is None:
        raise NotFound(f"No location with id {location_id}.")
    tariff = await get_tariff(session, client_id, tariff_id)
    _check_intervals(tariff, intervals)
    linked = await session.get(LocationTariff, location.pk)
    if linked is None:
        linked = LocationTariff(location_pk=location.pk)
        session.add(linked)
    linked.tariff_pk = tariff.pk
    linked.tariff = tariff
    linked.intervals = [
        {"name": i.name, "weekdays": sorted(set(i.weekdays)), "from": i.start, "to": i.end}
        for i in intervals
    ]
    linked.updated_at = now
    await session.flush()


async def location_tariff(session: AsyncSession, location: Location) -> LocationTariff | None:
    return await session.get(LocationTariff, location.pk)


def rate_at(linked: LocationTariff, local: datetime) -> Decimal | None:
    """The cost per kWh at a local time, or None in a gap of the schedule."""
    now = local.hour * 60 + local.minute
    costs = {rate["name"]: rate["cost"] for rate in linked.tariff.rates}
    for interval in linked.intervals:
        if local.weekday() in interval["weekdays"] and (
            minutes(interval["from"]) <= now < minutes(interval["to"])
        ):
            cost = costs.get(interval["name"])
            return Decimal(cost) if cost is not None else None
    return None
