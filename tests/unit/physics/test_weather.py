from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from gridlink.connectors.sandbox.physics import weather

OSLO = ZoneInfo("Europe/Oslo")
MADRID = ZoneInfo("Europe/Madrid")
SYDNEY = ZoneInfo("Australia/Sydney")


def _day(latitude: float, day: datetime, tz: ZoneInfo) -> list[tuple[datetime, float]]:
    return [
        (moment, weather.outdoor_c(latitude, moment, tz))
        for moment in (day + timedelta(minutes=m) for m in range(24 * 60))
    ]


def test_daily_minimum_at_five_and_maximum_at_fifteen() -> None:
    curve = _day(59.91, datetime(2026, 1, 15, tzinfo=OSLO), OSLO)
    coldest = min(curve, key=lambda c: c[1])
    warmest = max(curve, key=lambda c: c[1])
    assert coldest[0].astimezone(OSLO).hour == 5
    assert warmest[0].astimezone(OSLO).hour == 15
    assert warmest[1] - coldest[1] == pytest.approx(8.0, abs=0.2)


def test_summer_time_keeps_standard_hours() -> None:
    curve = _day(59.91, datetime(2026, 7, 15, tzinfo=OSLO), OSLO)
    coldest = min(curve, key=lambda c: c[1])
    assert coldest[0].astimezone(UTC).hour == 4
    change = datetime(2026, 3, 29, 1, tzinfo=UTC)
    before = weather.outdoor_c(59.91, change - timedelta(seconds=1), OSLO)
    after = weather.outdoor_c(59.91, change, OSLO)
    assert after == pytest.approx(before, abs=0.01)


def test_seasons_follow_latitude_and_hemisphere() -> None:
    def noon(lat: float, month: int, tz: ZoneInfo) -> float:
        return weather.outdoor_c(lat, datetime(2026, month, 20, 12, tzinfo=tz), tz)

    assert noon(59.91, 7, OSLO) - noon(59.91, 1, OSLO) > 15
    assert noon(59.91, 1, OSLO) < 0 < noon(59.91, 7, OSLO)
    assert all(noon(40.42, m, MADRID) > noon(59.91, m, OSLO) for m in range(1, 13))
    assert noon(-33.87, 1, SYDNEY) > noon(-33.87, 7, SYDNEY)
    july = _day(59.91, datetime(2026, 7, 20, tzinfo=OSLO), OSLO)
    assert 18 < max(t for _, t in july) < 25
    assert 10 < min(t for _, t in july) < 17


def test_continuous_across_new_year() -> None:
    midnight = datetime(2027, 1, 1, tzinfo=UTC)
    before = weather.outdoor_c(59.91, midnight - timedelta(seconds=1), OSLO)
    assert weather.outdoor_c(59.91, midnight, OSLO) == pytest.approx(before, abs=1e-3)
