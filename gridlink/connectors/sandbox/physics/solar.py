"""Clear-sky photovoltaic production.

Sun position uses the NOAA "general solar position" formulas (Spencer's Fourier series for the
declination and the equation of time), good to a fraction of a degree; refraction is ignored.
Beam irradiance uses Meinel's clear-sky model DNI = 1353 * 0.7 ** (AM ** 0.678) with the
plane-parallel air mass; diffuse sky light is taken as 10 % of the beam (isotropic sky) and the
ground reflects `albedo` of the horizontal irradiance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

SOLAR_CONSTANT_W_M2 = 1353.0
STC_IRRADIANCE_W_M2 = 1000.0
_DIFFUSE_FRACTION = 0.1
# Energy integration: Gauss-Legendre on cells aligned to the Unix epoch, so splitting an
# interval only changes the quadrature inside the single cell that holds the split point.
_CELL_SECONDS = 600.0
_GAUSS_NODES = (
    (-0.9061798459386640, 0.2369268850561891),
    (-0.5384693101056831, 0.4786286704993665),
    (0.0, 0.5688888888888889),
    (0.5384693101056831, 0.4786286704993665),
    (0.9061798459386640, 0.2369268850561891),
)
_TOLERANCE_KWH = 1e-9
_MAX_DEPTH = 12
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SolarSpec:
    capacity_kwp: float = 6.0
    tilt_deg: float = 30.0
    # Compass bearing the panels face (180 = south); None faces the equator.
    azimuth_deg: float | None = None
    derate: float = 0.85
    albedo: float = 0.2

    def __post_init__(self) -> None:
        if self.capacity_kwp < 0:
            raise ValueError("capacity_kwp must not be negative")
        if not 0.0 <= self.tilt_deg <= 90.0:
            raise ValueError("tilt_deg must be within 0-90")
        if not 0.0 <= self.derate <= 1.0:
            raise ValueError("derate must be within 0-1")

    def facing(self, latitude: float) -> float:
        if self.azimuth_deg is not None:
            return self.azimuth_deg
        return 180.0 if latitude >= 0 else 0.0


@dataclass(frozen=True)
class SunPosition:
    elevation_deg: float
    # Compass bearing, clockwise from north.
    azimuth_deg: float


def _utc_seconds(when: datetime) -> float:
    if when.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return (when - _EPOCH).total_seconds()


def _fractional_year(unix_seconds: float) -> float:
    """Spencer's day angle gamma, in radians."""
    year = datetime.fromtimestamp(unix_seconds, UTC).year
    year_start = _utc_seconds(datetime(year, 1, 1, tzinfo=UTC))
    days_in_year = (_utc_seconds(datetime(year + 1, 1, 1, tzinfo=UTC)) - year_start) / 86400.0
    day = (unix_seconds - year_start) / 86400.0
    # NOAA: gamma = 2*pi/365 * (doy - 1 + (hour - 12)/24), with doy starting at 1.
    return 2.0 * math.pi / days_in_year * (day - 0.5)


def _declination_and_eot(gamma: float) -> tuple[float, float]:
    """Solar declination (radians) and equation of time (minutes)."""
    eot = 229.18 * (
        0.000075
        + 0.001868 * math.cos(gamma)
        - 0.032077 * math.sin(gamma)
        - 0.014615 * math.cos(2 * gamma)
        - 0.040849 * math.sin(2 * gamma)
    )
    declination = (
        0.006918
        - 0.399912 * math.cos(gamma)
        + 0.070257 * math.sin(gamma)
        - 0.006758 * math.cos(2 * gamma)
        + 0.000907 * math.sin(2 * gamma)
        - 0.002697 * math.cos(3 * gamma)
        + 0.00148 * math.sin(3 * gamma)
    )
    return declination, eot


def _sun_position(latitude: float, longitude: float, unix_seconds: float) -> SunPosition:
    declination, eot = _declination_and_eot(_fractional_year(unix_seconds))
    minutes_of_day = (unix_seconds % 86400.0) / 60.0
    true_solar_minutes = minutes_of_day + eot + 4.0 * longitude
    hour_angle = math.radians(true_solar_minutes / 4.0 - 180.0)
    lat = math.radians(latitude)
    cos_zenith = math.sin(lat) * math.sin(declination) + math.cos(lat) * math.cos(
        declination
    ) * math.cos(hour_angle)
    elevation = 90.0 - math.degrees(math.acos(max(-1.0, min(1.0, cos_zenith))))
    azimuth = math.degrees(
        math.atan2(
            math.sin(hour_angle),
            math.cos(hour_angle) * math.sin(lat) - math.tan(declination) * math.cos(lat),
        )
    )
    return SunPosition(elevation, (azimuth + 180.0) % 360.0)


def sun_position(latitude: float, longitude: float, when: datetime) -> SunPosition:
    return _sun_position(latitude, longitude, _utc_seconds(when))


def solar_noon(longitude: float, day: datetime) -> datetime:
    """UTC instant of solar noon on the UTC calendar date of `day`."""
    start = _utc_seconds(datetime(day.year, day.month, day.day, tzinfo=UTC))
    noon = start + 43200.0
    # The equation of time moves by seconds per day: two fixed-point passes are plenty.
    for _ in range(2):
        _, eot = _declination_and_eot(_fractional_year(noon))
        noon = start + 60.0 * (720.0 - 4.0 * longitude - eot)
    return _EPOCH + timedelta(seconds=noon)


def air_mass(elevation_deg: float) -> float:
    """Plane-parallel air mass 1/cos(zenith). It overstates the air mass within a few degrees
    of the horizon, which makes the beam fade to exactly zero at sunrise and sunset instead of
    switching on at ~20 W/m2: production stays continuous and its integral accurate."""
    if elevation_deg <= 0.0:
        return math.inf
    return 1.0 / math.sin(math.radians(elevation_deg))


def clear_sky_dni_w_m2(elevation_deg: float) -> float:
    """Meinel's clear-sky direct normal irradiance."""
    if elevation_deg <= 0.0:
        return 0.0
    return SOLAR_CONSTANT_W_M2 * math.pow(0.7, math.pow(air_mass(elevation_deg), 0.678))


def _plane_of_array(
    latitude: float, longitude: float, unix_seconds: float, spec: SolarSpec
) -> float:
    sun = _sun_position(latitude, longitude, unix_seconds)
    if sun.elevation_deg <= 0.0:
        return 0.0
    dni = clear_sky_dni_w_m2(sun.elevation_deg)
    dhi = _DIFFUSE_FRACTION * dni
    elevation = math.radians(sun.elevation_deg)
    ghi = dni * math.sin(elevation) + dhi
    tilt = math.radians(spec.tilt_deg)
    cos_incidence = math.sin(elevation) * math.cos(tilt) + math.cos(elevation) * math.sin(
        tilt
    ) * math.cos(math.radians(sun.azimuth_deg - spec.facing(latitude)))
    beam = dni * max(0.0, cos_incidence)
    sky = dhi * (1.0 + math.cos(tilt)) / 2.0
    ground = ghi * spec.albedo * (1.0 - math.cos(tilt)) / 2.0
    return beam + sky + ground


def plane_of_array_w_m2(
    latitude: float, longitude: float, when: datetime, spec: SolarSpec
) -> float:
    """Clear-sky irradiance on the panel plane."""
    return _plane_of_array(latitude, longitude, _utc_seconds(when), spec)


def _power(latitude: float, longitude: float, unix_seconds: float, spec: SolarSpec) -> float:
    irradiance = _plane_of_array(latitude, longitude, unix_seconds, spec)
    return spec.capacity_kwp * irradiance / STC_IRRADIANCE_W_M2 * spec.derate


def power_kw(latitude: float, longitude: float, when: datetime, spec: SolarSpec) -> float:
    """AC output of the system under a clear sky; 0 while the sun is down."""
    return _power(latitude, longitude, _utc_seconds(when), spec)


def _gauss_kwh(latitude: float, longitude: float, a: float, b: float, spec: SolarSpec) -> float:
    half = (b - a) / 2.0
    middle = (a + b) / 2.0
    total = 0.0
    for node, weight in _GAUSS_NODES:
        total += weight * _power(latitude, longitude, middle + half * node, spec)
    return total * half / 3600.0


def _adaptive_kwh(
    latitude: float, longitude: float, a: float, b: float, spec: SolarSpec, whole: float, depth: int
) -> float:
    """Refines only where a kink (the sun passing behind the panel plane) spoils the rule."""
    middle = (a + b) / 2.0
    left = _gauss_kwh(latitude, longitude, a, middle, spec)
    right = _gauss_kwh(latitude, longitude, middle, b, spec)
    if depth <= 0 or abs(left + right - whole) <= _TOLERANCE_KWH:
        return left + right
    return _adaptive_kwh(latitude, longitude, a, middle, spec, left, depth - 1) + _adaptive_kwh(
        latitude, longitude, middle, b, spec, right, depth - 1
    )


def energy_kwh(
    latitude: float, longitude: float, start: datetime, end: datetime, spec: SolarSpec
) -> float:
    """Clear-sky energy produced over [start, end]: the integral of `power_kw`."""
    a = _utc_seconds(start)
    b = _utc_seconds(end)
    if b < a:
        raise ValueError("end must not be before start")
    total = 0.0
    cell_start = math.floor(a / _CELL_SECONDS) * _CELL_SECONDS
    while cell_start < b:
        cell_end = cell_start + _CELL_SECONDS
        lo, hi = max(a, cell_start), min(b, cell_end)
        if hi > lo:
            whole = _gauss_kwh(latitude, longitude, lo, hi, spec)
            total += _adaptive_kwh(latitude, longitude, lo, hi, spec, whole, _MAX_DEPTH)
        cell_start = cell_end
    return total
