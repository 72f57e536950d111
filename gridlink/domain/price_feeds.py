"""Market prices for production clients, from a source the operator provides:
a CSV file (GRIDLINK_PRICES_CSV) or an HTTP feed serving the same CSV
(GRIDLINK_PRICES_URL), read again when it changes (file) or every 15 minutes (feed).

The CSV has a header and the columns `start,price,currency`, and optionally
`zone` (an IANA time zone such as Europe/Oslo; rows without one apply
everywhere). A price, per kWh, holds from its `start` (ISO 8601, with offset)
until the next row's start for the same zone.
"""

from __future__ import annotations

import bisect
import csv
import io
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

REFETCH_SECONDS = 15 * 60
_ANY_ZONE = ""


@dataclass(frozen=True)
class PriceTable:
    # zone -> (starts, prices, currencies), sorted by start
    rows: dict[str, tuple[list[datetime], list[float], list[str]]]

    def price(self, zone: str, at: datetime) -> tuple[float, str] | None:
        for key in (zone, _ANY_ZONE):
            found = self.rows.get(key)
            if found is None:
                continue
            starts, prices, currencies = found
            index = bisect.bisect_right(starts, at) - 1
            if index >= 0:
                return prices[index], currencies[index]
        return None


def parse(text: str) -> PriceTable:
    """Raises ValueError with the line that is wrong."""
    collected: dict[str, list[tuple[datetime, float, str]]] = {}
    reader = csv.DictReader(io.StringIO(text))
    missing = {"start", "price", "currency"} - set(reader.fieldnames or [])
    if missing:
        raise ValueError(f"the price CSV needs the columns {', '.join(sorted(missing))}")
    for line, row in enumerate(reader, start=2):
        try:
            start = datetime.fromisoformat(row["start"].strip().replace("Z", "+00:00"))
            if start.tzinfo is None:
                raise ValueError("start needs a UTC offset")
            price = float(row["price"])
        except (ValueError, AttributeError) as error:
            raise ValueError(f"price CSV line {line}: {error}") from None
        zone = (row.get("zone") or _ANY_ZONE).strip()
        currency = row["currency"].strip().upper()
        collected.setdefault(zone, []).append((start.astimezone(UTC), price, currency))
    rows = {}
    for zone, entries in collected.items():
        entries.sort(key=lambda e: e[0])
        rows[zone] = ([e[0] for e in entries], [e[1] for e in entries], [e[2] for e in entries])
    return PriceTable(rows)


class PriceFeed:
    """The operator's price source, kept in memory and refreshed as it changes."""

    def __init__(self, csv_path: str | None = None, url: str | None = None) -> None:
        self.csv_path = Path(csv_path) if csv_path else None
        self.url = url
        self._table: PriceTable | None = None
        self._version: float | None = None

    @property
    def configured(self) -> bool:
        return self.csv_path is not None or self.url is not None

    async def table(self) -> PriceTable | None:
        if self.csv_path is not None:
            modified = self.csv_path.stat().st_mtime
            if modified != self._version:
                self._table = parse(self.csv_path.read_text())
                self._version = modified
        elif self.url is not None and (
            self._version is None or time.monotonic() - self._version > REFETCH_SECONDS
        ):
            async with httpx.AsyncClient(timeout=10) as http:
                response = await http.get(self.url)
                response.raise_for_status()
            self._table = parse(response.text)
            self._version = time.monotonic()
        return self._table


# The process's feed: set once at start-up from the settings (none by default).
FEED = PriceFeed()


def configure(csv_path: str | None, url: str | None) -> None:
    global FEED  # noqa: PLW0603 - one feed per process, chosen at start-up
    FEED = PriceFeed(csv_path, url)
