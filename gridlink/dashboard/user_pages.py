"""The dashboard's user page: what a user's vehicles, chargers and HVACs used
over a span, by day or hour and by session, with its cost and smart charging's
estimated savings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from gridlink.dashboard.charts import column_chart
from gridlink.dashboard.routes import guarded, render_page
from gridlink.db.tables import Asset, Location, User
from gridlink.domain import clients, users
from gridlink.domain.clock import now
from gridlink.domain.prices import prices_at
from gridlink.domain.smart_charging import charging_location
from gridlink.domain.statistics import charging_sessions, charging_timeseries

router = APIRouter(prefix="/dashboard", include_in_schema=False)

SPANS = {1: "1 day", 7: "7 days", 30: "30 days"}
DEFAULT_SPAN = 7
HOURLY_UP_TO = 2  # days: longer spans are shown by day
# Each type on its own: a vehicle charging at a charger shows in both.
TYPES = (("vehicle", "Vehicles"), ("charger", "Chargers"), ("hvac", "HVACs"))


@dataclass(frozen=True)
class Span:
    days: int
    start: datetime
    end: datetime
    zone: ZoneInfo

    @property
    def hourly(self) -> bool:
        return self.days <= HOURLY_UP_TO

    @property
    def utc_offset_hours(self) -> float:
        offset = self.end.astimezone(self.zone).utcoffset() or timedelta(0)
        return offset.total_seconds() / 3600


def span_of(days: int, end: datetime, zone: ZoneInfo) -> Span:
    """The last `days` days up to `end`, in whole local hours (or days), the
    current one included."""
    local = end.astimezone(zone)
    if days <= HOURLY_UP_TO:
        first = local.replace(minute=0, second=0, microsecond=0) - timedelta(hours=24 * days - 1)
    else:
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        first = midnight - timedelta(days=days - 1)
    return Span(days, first.astimezone(UTC), end, zone)


def _days(raw: str | None) -> int:
    try:
        days = int(raw or DEFAULT_SPAN)
    except ValueError:
        return DEFAULT_SPAN
    return days if days in SPANS else DEFAULT_SPAN


async def _zone(session: AsyncSession, user: User) -> ZoneInfo:
    """The timezone of the user's first location, else UTC."""
    location = await session.scalar(
        select(Location)
        .where(Location.client_id == user.client_id, Location.user_pk == user.pk)
        .order_by(Location.pk)
        .limit(1)
    )
    return ZoneInfo(location.timezone_name) if location is not None else ZoneInfo("UTC")


async def _currency(session: AsyncSession, assets: list[Asset]) -> str:
    """The currency the assets' costs are in (as statistics prices them)."""
    found: list[str] = []
    for asset in assets:
        location = None
        if asset.location_id is not None:
            location = await session.scalar(
                select(Location).where(
                    Location.client_id == asset.client_id, Location.id == asset.location_id
                )
            )
        elif asset.asset_type == "vehicle":
            location = await charging_location(session, asset)
        currency = (await prices_at(session, location)).currency
        if currency not in found:
            found.append(currency)
    return " / ".join(found)


def _moment(value: str, zone: ZoneInfo) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(zone)


def _charts(buckets: list[dict[str, Any]], span: Span, currency: str) -> list[Markup]:
    tick, name = ("%H", "%a %d %b %H:00") if span.hourly else ("%d %b", "%a %d %b")
    moments = [_moment(b["date"], span.zone) for b in buckets]
    energy = [(m.strftime(tick), m.strftime(name), float(b["kwhSum"]))
              for m, b in zip(moments, buckets, strict=True)]  # fmt: skip
    cost = [(m.strftime(tick), m.strftime(name), float(b["costSum"]))
            for m, b in zip(moments, buckets, strict=True)]  # fmt: skip
    per = "hour" if span.hourly else "day"
    return [
        Markup(column_chart(energy, f"Energy per {per}", "kWh")),
        Markup(column_chart(cost, f"Cost per {per}", currency)),
    ]


def _rows(sessions: list[dict[str, Any]], names: dict[str, str], zone: ZoneInfo) -> list[Any]:
    rows = [
        {
            "asset_id": s["id"],
            "asset": names.get(s["id"], s["id"]),
            "from": _moment(s["from"], zone),
            "to": _moment(s["to"], zone),
            "kwh": s["kwhSum"],
            "cost": s["costSum"],
            "price": s["price"]["mean"],
            "savings": s["estimatedSavings"],
        }
        for s in sessions
    ]
    rows.sort(key=lambda r: r["from"], reverse=True)  # newest first
    return rows


def _name(asset: Asset) -> str:
    information = asset.document.get("information") or {}
    return str(information.get("displayName") or information.get("brand") or asset.vendor)


async def _section(
    session: AsyncSession, label: str, assets: list[Asset], span: Span
) -> dict[str, Any]:
    buckets = await charging_timeseries(
        session, assets, span.start, span.end,
        "HOUR" if span.hourly else "DAY", span.utc_offset_hours,
    )  # fmt: skip
    sessions = await charging_sessions(session, assets, span.start, span.end)
    currency = await _currency(session, assets)
    savings = [s["estimatedSavings"] for s in sessions if s["estimatedSavings"] is not None]
    return {
        "label": label,
        "assets": [(a.id, _name(a)) for a in assets],
        "currency": currency,
        "charts": _charts(buckets, span, currency),
        "sessions": _rows(sessions, {a.id: _name(a) for a in assets}, span.zone),
        "kwh": sum(b["kwhSum"] for b in buckets),
        "cost": sum(b["costSum"] for b in buckets),
        "savings": sum(savings) if savings else None,
    }


@router.get("/clients/{client_id}/users/{user_id}")
async def user_page(request: Request, client_id: str, user_id: str) -> Response:
    context, cookie, _ = await guarded(request, with_form=False)
    days = _days(request.query_params.get("days"))
    async with context.db.session() as session:
        client = await clients.get_client(session, client_id)
        user = await users.get_user(session, client_id, user_id)
        owned = list(
            await session.scalars(
                select(Asset)
                .where(Asset.client_id == client_id, Asset.user_pk == user.pk)
                .order_by(Asset.pk)
            )
        )
        span = span_of(days, await now(session, client_id), await _zone(session, user))
        sections = []
        for asset_type, label in TYPES:
            of_type = [a for a in owned if a.asset_type == asset_type]
            if of_type:
                sections.append(await _section(session, label, of_type, span))
    return render_page(
        request, context, cookie, "user.html",
        {"client": client, "user": user, "span": span, "spans": SPANS, "sections": sections},
    )  # fmt: skip
