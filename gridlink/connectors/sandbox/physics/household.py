"""Household base load: a constant floor plus daily Gaussian peaks in local wall-clock time.

Each peak repeats every 24 hours, so the shape is smooth across midnight. The energy over an
interval is computed in closed form with the error function, piece by piece between changes
of the zone's UTC offset (a DST day really has 23 or 25 hours of consumption).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

_DAY_H = 24.0
# Wrapping each peak onto the neighbouring days is exact in double precision: the next
# image sits 24 h away, dozens of standard deviations for any sensible width.
_WRAPS = (-2, -1, 0, 1, 2)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Peak:
    hour: float
    height_kw: float
    width_h: float


@dataclass(frozen=True)
class HouseholdProfile:
    base_kw: float = 0.3
    peaks: tuple[Peak, ...] = (
        Peak(hour=7.5, height_kw=1.2, width_h=0.8),
        Peak(hour=12.5, height_kw=0.35, width_h=1.5),
        Peak(hour=19.0, height_kw=1.7, width_h=1.2),
    )

    def __post_init__(self) -> None:
        if self.base_kw < 0 or any(p.height_kw < 0 or p.width_h <= 0 for p in self.peaks):
            raise ValueError("loads must not be negative and widths must be positive")


DEFAULT_PROFILE = HouseholdProfile()


def _load_at_hour(hour: float, profile: HouseholdProfile) -> float:
    total = profile.base_kw
    for peak in profile.peaks:
        for wrap in _WRAPS:
            z = (hour - peak.hour - wrap * _DAY_H) / peak.width_h
            total += peak.height_kw * math.exp(-0.5 * z * z)
    return total


def _hours_of_day(local_time: datetime) -> float:
    return (
        local_time.hour
        + local_time.minute / 60.0
        + (local_time.second + local_time.microsecond / 1e6) / 3600.0
    )


def load_kw(local_time: datetime, profile: HouseholdProfile = DEFAULT_PROFILE) -> float:
    """Load at this wall-clock time (its tzinfo is ignored: pass `when.astimezone(tz)`)."""
    return _load_at_hour(_hours_of_day(local_time), profile)


def load_kw_at(when: datetime, tz: tzinfo, profile: HouseholdProfile = DEFAULT_PROFILE) -> float:
    return load_kw(_aware(when).astimezone(tz), profile)


def _aware(when: datetime) -> datetime:
    if when.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return when


def _energy_over_hours(start_h: float, end_h: float, profile: HouseholdProfile) -> float:
    """Integral of the profile (kWh) over local hours [start_h, end_h], any length."""
    day_kwh = profile.base_kw * _DAY_H + sum(
        p.height_kw * p.width_h * math.sqrt(2.0 * math.pi) for p in profile.peaks
    )
    first_day = math.floor(start_h / _DAY_H)
    whole_days = math.floor(end_h / _DAY_H) - first_day
    # Both ends reduced to [0, 24): whole days are counted exactly, and the primitive there
    # telescopes to day_kwh over each full day, so the pieces add up with no seam.
    lo = start_h - first_day * _DAY_H
    hi = end_h - (first_day + whole_days) * _DAY_H
    partial = _primitive(hi, profile) - _primitive(lo, profile)
    return whole_days * day_kwh + partial


def _primitive(hour: float, profile: HouseholdProfile) -> float:
    """An antiderivative of the profile valid on [0, 24]."""
    total = profile.base_kw * hour
    for peak in profile.peaks:
        scale = peak.width_h * math.sqrt(2.0)
        for wrap in _WRAPS:
            centre = peak.hour + wrap * _DAY_H
            total += (
                peak.height_kw
                * peak.width_h
                * math.sqrt(math.pi / 2.0)
                * math.erf((hour - centre) / scale)
            )
    return total


def _offset_hours(when: datetime, tz: tzinfo) -> float:
    offset = when.astimezone(tz).utcoffset()
    return 0.0 if offset is None else offset.total_seconds() / 3600.0


def _offset_changes(start: datetime, end: datetime, tz: tzinfo) -> list[datetime]:
    """Instants in (start, end) where the zone's UTC offset changes, to the microsecond.

    Scans day by day and bisects: zones change offset at most once within a day."""
    changes: list[datetime] = []
    step = timedelta(days=1)
    left = start
    while left < end:
        right = min(left + step, end)
        if _offset_hours(left, tz) != _offset_hours(right, tz):
            lo, hi = left, right
            while hi - lo > timedelta(microseconds=1):
                mid = lo + (hi - lo) / 2
                if _offset_hours(mid, tz) == _offset_hours(lo, tz):
                    lo = mid
                else:
                    hi = mid
            changes.append(hi)
        left = right
    return changes


def energy_kwh(
    start: datetime, end: datetime, tz: tzinfo, profile: HouseholdProfile = DEFAULT_PROFILE
) -> float:
    """Energy (kWh) consumed over [start, end] by a household living in zone `tz`."""
    start_utc = _aware(start).astimezone(UTC)
    end_utc = _aware(end).astimezone(UTC)
    if end_utc < start_utc:
        raise ValueError("end must not be before start")
    bounds = [start_utc, *_offset_changes(start_utc, end_utc, tz), end_utc]
    total = 0.0
    for left, right in zip(bounds, bounds[1:], strict=False):
        # The offset is constant on [left, right): evaluate it at the left end.
        offset = _offset_hours(left, tz)
        left_h = (left - _EPOCH).total_seconds() / 3600.0 + offset
        right_h = (right - _EPOCH).total_seconds() / 3600.0 + offset
        total += _energy_over_hours(left_h, right_h, profile)
    return total
