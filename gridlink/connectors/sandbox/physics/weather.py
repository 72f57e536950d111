"""Deterministic outdoor temperature: a seasonal mean plus a daily swing.

The seasonal mean follows latitude (warmer, flatter years near the equator) and peaks about
four weeks after the summer solstice, as real climates lag the sun. The day warms from its
minimum at 05:00 to its maximum at 15:00 and cools over the other 14 hours, along half-cosines
that join with zero slope, so the curve is smooth. Hours are local standard time (the zone's
offset without daylight saving), which keeps the temperature continuous when clocks change:
in summer the minimum falls at 06:00 on the wall clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

# Day of year of the warmest day in the northern hemisphere (about 20 July).
_WARMEST_DAY = 201.0
_MIN_HOUR = 5.0
_MAX_HOUR = 15.0


@dataclass(frozen=True)
class Climate:
    daily_swing_c: float = 4.0
    equator_mean_c: float = 28.0
    cooling_per_degree_latitude: float = 0.37
    seasonal_swing_per_degree_latitude: float = 0.2
    max_seasonal_swing_c: float = 15.0


DEFAULT_CLIMATE = Climate()


def seasonal_mean_c(
    latitude: float, when_utc: datetime, climate: Climate = DEFAULT_CLIMATE
) -> float:
    """Mean temperature of the day around `when_utc`, continuous in time."""
    if when_utc.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    moment = when_utc.astimezone(UTC)
    year_start = datetime(moment.year, 1, 1, tzinfo=UTC)
    day = (moment - year_start).total_seconds() / 86400.0
    # The period is this calendar year's length, so the cycle closes exactly at New Year.
    year_days = (datetime(moment.year + 1, 1, 1, tzinfo=UTC) - year_start).days
    annual_mean = climate.equator_mean_c - climate.cooling_per_degree_latitude * abs(latitude)
    swing = min(
        climate.max_seasonal_swing_c, climate.seasonal_swing_per_degree_latitude * abs(latitude)
    )
    season = math.cos(2.0 * math.pi * (day - _WARMEST_DAY) / year_days)
    # The southern hemisphere's summer is the northern winter.
    return annual_mean + swing * (season if latitude >= 0 else -season)


def _daily_shape(hour: float) -> float:
    """-1 at the minimum hour, +1 at the maximum hour."""
    warming = _MAX_HOUR - _MIN_HOUR
    since_min = (hour - _MIN_HOUR) % 24.0
    if since_min <= warming:
        return -math.cos(math.pi * since_min / warming)
    return math.cos(math.pi * (since_min - warming) / (24.0 - warming))


def _standard_hour(when_utc: datetime, tz: tzinfo) -> float:
    local = when_utc.astimezone(tz)
    offset = local.utcoffset() or timedelta(0)
    dst = local.dst() or timedelta(0)
    standard = when_utc.astimezone(UTC) + offset - dst
    return (
        standard.hour
        + standard.minute / 60.0
        + (standard.second + standard.microsecond / 1e6) / 3600.0
    )


def outdoor_c(
    latitude: float, when_utc: datetime, tz: tzinfo, climate: Climate = DEFAULT_CLIMATE
) -> float:
    if when_utc.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    hour = _standard_hour(when_utc, tz)
    return seasonal_mean_c(latitude, when_utc, climate) + climate.daily_swing_c * _daily_shape(hour)
