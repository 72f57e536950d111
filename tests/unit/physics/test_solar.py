from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridlink.connectors.sandbox.physics import solar
from gridlink.connectors.sandbox.physics.solar import SolarSpec

OSLO = (59.91, 10.75)
MADRID = (40.42, -3.70)
SYDNEY = (-33.87, 151.21)
SPEC = SolarSpec(capacity_kwp=6.0)
MIDSUMMER = datetime(2026, 6, 21, tzinfo=UTC)
MIDWINTER = datetime(2026, 12, 21, tzinfo=UTC)


def _day_kwh(place: tuple[float, float], day: datetime) -> float:
    return solar.energy_kwh(*place, day, day + timedelta(days=1), SPEC)


def _peak(place: tuple[float, float], day: datetime) -> datetime:
    minutes = range(24 * 60)
    best = max(minutes, key=lambda m: solar.power_kw(*place, day + timedelta(minutes=m), SPEC))
    return day + timedelta(minutes=best)


def test_nothing_at_local_midnight() -> None:
    for place, zone in ((OSLO, "Europe/Oslo"), (MADRID, "Europe/Madrid")):
        midnight = datetime(2026, 6, 21, tzinfo=ZoneInfo(zone))
        assert solar.power_kw(*place, midnight, SPEC) == 0.0
        assert solar.sun_position(*place, midnight).elevation_deg < 0


@pytest.mark.parametrize(
    ("place", "almanac_noon"),
    [
        # Published solar noon for 21 June 2026: Oslo 13:18 CEST, Madrid 14:16 CEST.
        (OSLO, MIDSUMMER.replace(hour=11, minute=18)),
        (MADRID, MIDSUMMER.replace(hour=12, minute=16)),
    ],
)
def test_peak_near_solar_noon(place: tuple[float, float], almanac_noon: datetime) -> None:
    noon = solar.solar_noon(place[1], MIDSUMMER)
    assert abs(noon - almanac_noon) < timedelta(minutes=2)
    assert abs(_peak(place, MIDSUMMER) - noon) <= timedelta(minutes=30)
    sun = solar.sun_position(*place, noon)
    assert sun.elevation_deg == pytest.approx(90 - place[0] + 23.44, abs=0.3)
    assert sun.azimuth_deg == pytest.approx(180, abs=1)


def test_sun_rises_in_the_east_and_sets_in_the_west() -> None:
    morning = solar.sun_position(*MADRID, MIDSUMMER.replace(hour=7))
    evening = solar.sun_position(*MADRID, MIDSUMMER.replace(hour=19))
    assert 45 < morning.azimuth_deg < 90
    assert 270 < evening.azimuth_deg < 315


def test_daily_energy_is_plausible() -> None:
    summer = _day_kwh(OSLO, MIDSUMMER)
    winter = _day_kwh(OSLO, MIDWINTER)
    assert 30 < summer < 55
    assert 0 < winter < 0.15 * summer
    assert 30 < _day_kwh(MADRID, MIDSUMMER) < 55
    assert solar.power_kw(*OSLO, solar.solar_noon(OSLO[1], MIDSUMMER), SPEC) < 6.0 * 0.85 * 1.05


def test_southern_hemisphere_faces_north_and_summer_is_december() -> None:
    assert SPEC.facing(SYDNEY[0]) == 0.0
    assert _day_kwh(SYDNEY, MIDWINTER) > 1.5 * _day_kwh(SYDNEY, MIDSUMMER)


def test_energy_matches_a_fine_riemann_sum() -> None:
    start = MIDSUMMER.replace(hour=2, minute=7, second=13)
    end = start + timedelta(hours=6, minutes=41)
    step = 2.0
    count = int((end - start).total_seconds() / step)
    reference = (
        sum(
            solar.power_kw(*OSLO, start + timedelta(seconds=(i + 0.5) * step), SPEC)
            for i in range(count)
        )
        * step
        / 3600
    )
    assert solar.energy_kwh(*OSLO, start, end, SPEC) == pytest.approx(reference, rel=1e-6)


offsets = st.floats(0, 3 * 86400)


@settings(max_examples=40, deadline=None)
@given(offsets, offsets, offsets)
def test_energy_is_additive(x: float, y: float, z: float) -> None:
    a, b, c = (MIDSUMMER + timedelta(seconds=s) for s in sorted((x, y, z)))
    whole = solar.energy_kwh(*OSLO, a, c, SPEC)
    parts = solar.energy_kwh(*OSLO, a, b, SPEC) + solar.energy_kwh(*OSLO, b, c, SPEC)
    assert parts == pytest.approx(whole, rel=1e-6, abs=1e-9)


def test_rejects_naive_timestamps() -> None:
    with pytest.raises(ValueError):
        solar.power_kw(*OSLO, datetime(2026, 6, 21, 12), SPEC)
