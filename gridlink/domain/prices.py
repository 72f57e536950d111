"""What electricity costs at a location, when: its tariff where one is linked,
else the market price. The sandbox's market is a built-in day-ahead curve with
the daily shape of a Nordic or continental market."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.tables import Client, Location
from gridlink.domain import price_feeds
from gridlink.domain.tariffs import location_tariff, rate_at

logger = logging.getLogger("gridlink")

# Enode prices the Nordic and Baltic markets in NOK and the continent in EUR.
_NOK_ZONES = ("Europe/Oslo", "Europe/Stockholm", "Europe/Copenhagen", "Europe/Helsinki",
              "Europe/Tallinn", "Europe/Riga", "Europe/Vilnius")  # fmt: skip
_BASE_PRICE = {"NOK": 1.00, "EUR": 0.10, "GBP": 0.12, "USD": 0.13}  # per kWh
# How each hour of the day compares with the day's average: cheap at night,
# peaks in the morning and the evening.
_DAILY_SHAPE = (
    0.62, 0.55, 0.52, 0.50, 0.52, 0.60,  # 00-05
    0.85, 1.30, 1.45, 1.25, 1.05, 0.98,  # 06-11
    0.95, 0.92, 0.95, 1.05, 1.25, 1.55,  # 12-17
    1.65, 1.50, 1.30, 1.10, 0.90, 0.75,  # 18-23
)  # fmt: skip


def currency_of(timezone: str) -> str:
    if timezone in _NOK_ZONES:
        return "NOK"
    if timezone == "Europe/London":
        return "GBP"
    if timezone.startswith("America/"):
        return "USD"
    return "EUR"


def _day_level(day: date, timezone: str) -> float:
    """Days differ (weather, demand): a steady factor per day between 0.85 and 1.15."""
    digest = hashlib.sha256(f"{day.isoformat()}:{timezone}".encode()).digest()
    return 0.85 + 0.3 * digest[0] / 255


def market_price(at: datetime, timezone: str) -> float:
    """The sandbox's day-ahead price per kWh for the hour containing `at`."""
    local = at.astimezone(ZoneInfo(timezone))
    base = _BASE_PRICE[currency_of(timezone)]
    return round(base * _DAILY_SHAPE[local.hour] * _day_level(local.date(), timezone), 4)


@dataclass(frozen=True)
class Prices:
    currency: str
    per_kwh: Callable[[datetime], float]


async def prices_at(session: AsyncSession, location: Location | None) -> Prices:
    """The price per kWh at the location at any instant (UTC when unplaced):
    its tariff; in its gaps, the market. A production client's market is the
    operator's price feed when there is one (gridlink.domain.price_feeds)."""
    timezone = location.timezone_name if location is not None else "UTC"
    zone = ZoneInfo(timezone)
    linked = await location_tariff(session, location) if location is not None else None
    table = None
    if location is not None and price_feeds.FEED.configured:
        client = await session.get(Client, location.client_id)
        if client is not None and client.environment == "production":
            try:
                table = await price_feeds.FEED.table()
            except (ValueError, OSError, httpx.HTTPError):
                # A broken feed must not break the API: the built-in curve stands in.
                logger.exception("the price feed could not be read")
    currency = currency_of(timezone)
    if table is not None:
        found = table.price(timezone, datetime.now(UTC))
        currency = found[1] if found else currency

    def per_kwh(at: datetime) -> float:
        if linked is not None:
            rate = rate_at(linked, at.astimezone(zone))
            if rate is not None:
                return float(rate)
        if table is not None:
            found = table.price(timezone, at.astimezone(UTC))
            if found is not None:
                return found[0]
        return market_price(at.astimezone(UTC), timezone)  # gaps: the market

    return Prices(currency, per_kwh)
