"""Charging statistics from recorded history: energy, power, price and cost by
time bucket or by session, with smart charging's estimated savings.

An asset's history keeps its power at least every 15 minutes and whenever it
starts or stops, so between two points the power is taken as constant.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.tables import Asset, AssetSample, Location, SmartChargingPlan
from gridlink.domain.asset_kinds import KINDS
from gridlink.domain.clock import aware
from gridlink.domain.errors import BadRequest
from gridlink.domain.prices import Prices, prices_at
from gridlink.domain.smart_charging import charging_location
from gridlink.wire.timestamps import iso

QUARTER = timedelta(minutes=15)
FIXED = {"QUARTER_HOUR": QUARTER, "HALF_HOUR": 2 * QUARTER, "HOUR": 4 * QUARTER}
RESOLUTIONS = ("QUARTER_HOUR", "HALF_HOUR", "HOUR", "DAY", "WEEK", "MONTH", "YEAR")
MAX_BUCKETS = 10_000


@dataclass(frozen=True)
class Piece:
    """A stretch of time at constant power, within one quarter hour."""

    start: datetime
    end: datetime
    kw: float
    price: float  # per kWh at its start

    @property
    def kwh(self) -> float:
        return self.kw * (self.end - self.start).total_seconds() / 3600

    @property
    def cost(self) -> float:
        return self.kwh * self.price


@dataclass
class Session:
    asset: Asset
    location_id: str | None
    pieces: list[Piece] = field(default_factory=list)
    non_smart_prices: list[float] | None = None
    savings: float | None = None

    @property
    def kwh(self) -> float:
        return sum(p.kwh for p in self.pieces)

    @property
    def cost(self) -> float:
        return sum(p.cost for p in self.pieces)


async def _location(session: AsyncSession, asset: Asset) -> Location | None:
    if asset.location_id is not None:
        return await session.scalar(select(Location).where(Location.id == asset.location_id))
    if asset.asset_type == "vehicle":
        return await charging_location(session, asset)
    return None


def _split(start: datetime, end: datetime) -> Iterable[tuple[datetime, datetime]]:
    """The span cut at quarter hours, where prices may change."""
    moment = start
    while moment < end:
        floored = moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
        boundary = min(floored + QUARTER, end)
        yield moment, boundary
        moment = boundary


async def pieces_of(
    session: AsyncSession,
    asset: Asset,
    prices: Prices,
    start: datetime,
    end: datetime,
    path: str | None = None,
) -> list[Piece]:
    """The asset's power (or the history value at `path`) between start and end."""
    path = path or KINDS[asset.asset_type].power
    if path is None:
        return []
    earlier = await session.scalar(
        select(AssetSample)
        .where(AssetSample.asset_pk == asset.pk, AssetSample.at <= start)
        .order_by(AssetSample.at.desc())
        .limit(1)
    )
    samples = ([earlier] if earlier is not None else []) + list(
        await session.scalars(
            select(AssetSample)
            .where(AssetSample.asset_pk == asset.pk, AssetSample.at > start, AssetSample.at < end)
            .order_by(AssetSample.at)
        )
    )
    known_until = min(end, aware(asset.updated_at))
    pieces: list[Piece] = []
    followers: list[AssetSample | None] = [*samples[1:], None]
    for sample, following in zip(samples, followers[: len(samples)], strict=True):
        begin = max(aware(sample.at), start)
        finish = min(aware(following.at), known_until) if following else known_until
        kw = float(sample.values.get(path) or 0.0)
        for a, b in _split(begin, finish):
            pieces.append(Piece(a, b, kw, prices.per_kwh(a)))
    return pieces


def sessions_from(asset: Asset, location_id: str | None, pieces: list[Piece]) -> list[Session]:
    """Consecutive stretches of consumption."""
    sessions: list[Session] = []
    current: Session | None = None
    for piece in pieces:
        if piece.kw <= 0:
            current = None
            continue
        if current is None or current.pieces[-1].end != piece.start:
            current = Session(asset, location_id)
            sessions.append(current)
        current.pieces.append(piece)
    return sessions


async def _with_savings(
    session: AsyncSession, sessions: list[Session], prices: Prices
) -> list[Session]:
    """What each session would have cost had smart charging not moved it: the
    same energy at the same mean power, from the moment its plan was made."""
    for charging in sessions:
        if charging.asset.asset_type != "vehicle" or charging.kwh <= 0:
            continue
        start, end = charging.pieces[0].start, charging.pieces[-1].end
        plan = await session.scalar(
            select(SmartChargingPlan)
            .where(
                SmartChargingPlan.asset_pk == charging.asset.pk,
                SmartChargingPlan.created_at <= end,
            )
            .order_by(SmartChargingPlan.created_at.desc())
            .limit(1)
        )
        if plan is None or not plan.start_at or aware(plan.start_at) > end:
            continue
        if plan.ended_at is not None and aware(plan.ended_at) < start:
            continue
        mean_kw = charging.kwh / ((end - start).total_seconds() / 3600)
        from_ = aware(plan.created_at)
        until = from_ + timedelta(hours=charging.kwh / mean_kw)
        shifted = [Piece(a, b, mean_kw, prices.per_kwh(a)) for a, b in _split(from_, until)]
        charging.non_smart_prices = [p.price for p in shifted]
        charging.savings = sum(p.cost for p in shifted) - charging.cost
    return sessions


async def _collect(
    session: AsyncSession, assets: list[Asset], start: datetime, end: datetime
) -> tuple[list[Session], list[Piece], Prices | None]:
    sessions: list[Session] = []
    pieces: list[Piece] = []
    last_prices: Prices | None = None
    for asset in assets:
        location = await _location(session, asset)
        prices = await prices_at(session, location)
        last_prices = prices
        found = await pieces_of(session, asset, prices, start, end)
        pieces += found
        location_id = location.id if location else None
        sessions += await _with_savings(session, sessions_from(asset, location_id, found), prices)
    return sessions, pieces, last_prices


def _aggregates(values: list[float]) -> dict[str, float]:
    if not values:
        return {"min": 0.0, "max": 0.0, "mean": 0.0}
    return {"min": round(min(values), 4), "max": round(max(values), 4),
            "mean": round(sum(values) / len(values), 4)}  # fmt: skip


def _nullable(values: list[float] | None) -> dict[str, float | None]:
    if not values:
        return {"min": None, "max": None, "mean": None}
    return dict(_aggregates(values))


def session_json(charging: Session) -> dict[str, Any]:
    return {
        "kw": _aggregates([p.kw for p in charging.pieces]),
        "kwhSum": round(charging.kwh, 4),
        "price": _aggregates([p.price for p in charging.pieces]),
        "costSum": round(charging.cost, 4),
        "id": charging.asset.id,
        "locationId": charging.location_id,
        "from": iso(charging.pieces[0].start),
        "to": iso(charging.pieces[-1].end),
        "nonSmartPrice": _nullable(charging.non_smart_prices),
        "estimatedSavings": round(charging.savings, 4) if charging.savings is not None else None,
    }


async def charging_sessions(
    session: AsyncSession, assets: list[Asset], start: datetime, end: datetime
) -> list[dict[str, Any]]:
    sessions, _pieces, _prices = await _collect(session, assets, start, end)
    sessions.sort(key=lambda s: s.pieces[0].start)
    return [session_json(s) for s in sessions]


def bucket_starts(
    start: datetime, end: datetime, resolution: str, utc_offset_hours: float = 0.0
) -> list[datetime]:
    """Bucket boundaries covering [start, end), aligned in UTC (or the offset)."""
    if resolution not in RESOLUTIONS:
        raise BadRequest(f"resolution must be one of {', '.join(RESOLUTIONS)}.")
    shift = timedelta(hours=utc_offset_hours) if resolution not in FIXED else timedelta(0)
    local = (start + shift).replace(tzinfo=UTC)
    first = _floor(local, resolution)
    starts: list[datetime] = []
    moment = first
    while moment < (end + shift).replace(tzinfo=UTC):
        starts.append(moment - shift)
        if len(starts) > MAX_BUCKETS:
            raise BadRequest(
                f"That is more than {MAX_BUCKETS} buckets: ask for a coarser resolution."
            )
        moment = _next(moment, resolution)
    return starts


def _floor(moment: datetime, resolution: str) -> datetime:
    if resolution in FIXED:
        minutes = int(FIXED[resolution].total_seconds() // 60)
        return moment.replace(minute=moment.minute - moment.minute % minutes, second=0,
                              microsecond=0) if minutes < 60 else moment.replace(
            minute=0, second=0, microsecond=0)  # fmt: skip
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if resolution == "DAY":
        return day
    if resolution == "WEEK":
        return day - timedelta(days=day.weekday())
    if resolution == "MONTH":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def _next(moment: datetime, resolution: str) -> datetime:
    if resolution in FIXED:
        return moment + FIXED[resolution]
    if resolution == "DAY":
        return moment + timedelta(days=1)
    if resolution == "WEEK":
        return moment + timedelta(weeks=1)
    if resolution == "MONTH":
        return moment.replace(year=moment.year + moment.month // 12, month=moment.month % 12 + 1)
    return moment.replace(year=moment.year + 1)


async def charging_timeseries(
    session: AsyncSession,
    assets: list[Asset],
    start: datetime,
    end: datetime,
    resolution: str,
    utc_offset_hours: float = 0.0,
) -> list[dict[str, Any]]:
    starts = bucket_starts(start, end, resolution, utc_offset_hours)
    sessions, pieces, prices = await _collect(session, assets, start, end)
    saved: dict[tuple[datetime, datetime], tuple[Session, float]] = {}
    for charging in sessions:
        if charging.savings is not None and charging.kwh > 0:
            for piece in charging.pieces:
                saved[(piece.start, piece.end)] = (charging, piece.kwh / charging.kwh)
    buckets: list[dict[str, Any]] = []
    for index, bucket in enumerate(starts):
        bucket_end = (
            starts[index + 1]
            if index + 1 < len(starts)
            else _next_bucket(bucket, resolution, utc_offset_hours)
        )
        inside = [p for p in pieces if bucket <= p.start < bucket_end]
        kwh = sum(p.kwh for p in inside)
        hours = (bucket_end - bucket).total_seconds() / 3600
        quarter_prices = _quarter_prices(prices, bucket, bucket_end) if prices else []
        shares = [saved[(p.start, p.end)] for p in inside if (p.start, p.end) in saved]
        savings = sum(s.savings * share for s, share in shares if s.savings is not None)
        non_smart = [price for s, _ in shares for price in (s.non_smart_prices or [])]
        kws = [p.kw for p in inside] or [0.0]
        buckets.append({
            "date": iso(bucket),
            "kw": {"min": round(min(kws), 4), "max": round(max(kws), 4),
                   "mean": round(kwh / hours, 4) if hours else 0.0},
            "kwhSum": round(kwh, 4),
            "price": _aggregates(quarter_prices),
            "costSum": round(sum(p.cost for p in inside), 4),
            "nonSmartPrice": _nullable(non_smart),
            "estimatedSavings": round(savings, 4) if shares else None,
        })  # fmt: skip
    return buckets


def _next_bucket(bucket: datetime, resolution: str, utc_offset_hours: float) -> datetime:
    shift = timedelta(hours=utc_offset_hours) if resolution not in FIXED else timedelta(0)
    return _next((bucket + shift).replace(tzinfo=UTC), resolution) - shift


def _quarter_prices(prices: Prices, start: datetime, end: datetime) -> list[float]:
    """Prices through a bucket: each quarter hour, or each hour in buckets of a
    day or more (where a quarter's detail no longer shows in min, max and mean)."""
    step = QUARTER if end - start <= timedelta(hours=1) else timedelta(hours=1)
    count = max(1, math.ceil((end - start) / step))
    return [prices.per_kwh(start + i * step) for i in range(count)]


async def production(
    session: AsyncSession, inverter: Asset, timezone: str, start: datetime, end: datetime,
    step: str,
) -> list[tuple[datetime, float | None]]:  # fmt: skip
    """Energy produced per quarter hour or per day (local), None where no history is."""
    free = Prices("", lambda _at: 0.0)
    pieces = await pieces_of(session, inverter, free, start, end)
    known_from = pieces[0].start if pieces else None
    known_until = pieces[-1].end if pieces else None
    zone = ZoneInfo(timezone)
    entries: list[tuple[datetime, float | None]] = []
    moment = start
    while moment < end:
        if step == "QUARTER_HOUR":
            following = moment + QUARTER
        else:
            local = moment.astimezone(zone)
            following = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(),
                                         tzinfo=zone).astimezone(UTC)  # fmt: skip
        covered = (
            known_from is not None
            and known_until is not None
            and (known_from < following and moment < known_until)
        )
        value = sum(p.kwh for p in pieces if moment <= p.start < following) if covered else None
        entries.append((moment, round(value, 4) if value is not None else None))
        moment = following
    return entries
