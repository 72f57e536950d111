from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridlink.connectors.sandbox.physics import household

OSLO = ZoneInfo("Europe/Oslo")
DAY = datetime(2026, 3, 2)


def _curve() -> list[tuple[float, float]]:
    return [(m / 60, household.load_kw(DAY + timedelta(minutes=m))) for m in range(24 * 60)]


def test_shape_has_night_floor_and_two_peaks() -> None:
    curve = _curve()
    assert min(load for _, load in curve) >= 0.3
    assert household.load_kw(DAY.replace(hour=3)) == pytest.approx(0.3, abs=0.02)
    morning = max((c for c in curve if 5 <= c[0] < 11), key=lambda c: c[1])
    evening = max((c for c in curve if 16 <= c[0] < 23), key=lambda c: c[1])
    assert 7 <= morning[0] <= 8
    assert morning[1] == pytest.approx(1.5, abs=0.15)
    assert 18 <= evening[0] <= 20
    assert evening[1] == pytest.approx(2.0, abs=0.15)
    assert max(load for _, load in curve) == evening[1]


def test_smooth_across_midnight() -> None:
    before = household.load_kw(datetime(2026, 3, 2, 23, 59, 59, 999999))
    after = household.load_kw(datetime(2026, 3, 3))
    assert before == pytest.approx(after, abs=1e-6)


def test_energy_matches_numerical_integral() -> None:
    start = datetime(2026, 3, 2, 5, 17, tzinfo=OSLO)
    end = start + timedelta(hours=30, minutes=11)
    step = 10.0
    count = int((end - start).total_seconds() / step)
    reference = (
        sum(
            household.load_kw_at(start + timedelta(seconds=(i + 0.5) * step), OSLO)
            for i in range(count)
        )
        * step
        / 3600
    )
    assert household.energy_kwh(start, end, OSLO) == pytest.approx(reference, rel=1e-7)


def test_whole_days_and_daylight_saving() -> None:
    utc_day = household.energy_kwh(DAY.replace(tzinfo=UTC), DAY.replace(tzinfo=UTC, day=3), UTC)
    ten = household.energy_kwh(DAY.replace(tzinfo=UTC), DAY.replace(tzinfo=UTC, day=12), UTC)
    assert ten == pytest.approx(10 * utc_day)
    # Clocks go forward on 29 March 2026 in Oslo: 02:00-03:00 local never happens.
    short = household.energy_kwh(
        datetime(2026, 3, 29, tzinfo=OSLO), datetime(2026, 3, 30, tzinfo=OSLO), OSLO
    )
    missing = household.energy_kwh(
        datetime(2026, 3, 2, 2, tzinfo=UTC), datetime(2026, 3, 2, 3, tzinfo=UTC), UTC
    )
    assert short == pytest.approx(utc_day - missing)


offsets = st.floats(0, 4 * 86400)


@settings(max_examples=100, deadline=None)
@given(offsets, offsets, offsets)
def test_energy_is_additive_across_dst(x: float, y: float, z: float) -> None:
    base = datetime(2026, 3, 27, tzinfo=UTC)
    a, b, c = (base + timedelta(seconds=s) for s in sorted((x, y, z)))
    whole = household.energy_kwh(a, c, OSLO)
    parts = household.energy_kwh(a, b, OSLO) + household.energy_kwh(b, c, OSLO)
    assert parts == pytest.approx(whole, rel=1e-9, abs=1e-9)
