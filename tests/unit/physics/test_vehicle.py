from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridlink.connectors.sandbox.physics import vehicle
from gridlink.connectors.sandbox.physics.vehicle import VehicleSpec

SPEC = VehicleSpec(battery_capacity_kwh=75.0, max_ac_kw=22.0)


def test_ac_power_from_current_and_phases() -> None:
    assert vehicle.ac_power_kw(16, 3, SPEC) == pytest.approx(11.04)
    assert vehicle.ac_power_kw(16, 1, SPEC) == pytest.approx(3.68)
    assert vehicle.ac_power_kw(32, 3, VehicleSpec(60, max_ac_kw=11.0)) == 11.0
    assert vehicle.ac_power_kw(0, 3, SPEC) == 0.0


def test_flat_region_takes_energy_over_power() -> None:
    power = vehicle.ac_power_kw(16, 3, SPEC)
    expected = 45.0 / 11.04 * 3600.0
    assert vehicle.seconds_to_reach(20, 80, power, SPEC) == pytest.approx(expected, rel=1e-12)
    assert expected / 3600 == pytest.approx(4.076, abs=1e-3)
    result = vehicle.charge(20, power, SPEC, seconds=5 * 3600, limit_percent=80)
    assert result.percent == 80
    assert result.reached_limit
    assert result.energy_kwh_added == pytest.approx(45.0)
    assert result.seconds_used == pytest.approx(expected)


def test_taper_makes_the_last_percent_slow() -> None:
    power = 11.04
    linear = 15.0 / power * 3600.0
    assert vehicle.seconds_to_reach(80, 90, power, SPEC) == pytest.approx(7.5 / power * 3600)
    to_full = vehicle.seconds_to_reach(80, 100, power, SPEC)
    assert to_full > linear * 1.3
    assert math.isfinite(to_full)
    assert vehicle.charge_power_kw(95, power, SPEC) == pytest.approx(power * 0.55)
    assert vehicle.charge_power_kw(100, power, SPEC) == 0.0


def test_taper_matches_numerical_integration() -> None:
    power = 7.4
    closed = vehicle.charge(85, power, SPEC, seconds=3 * 3600)
    percent, dt = 85.0, 1.0

    # RK4 on d(percent)/dt = accepted power / capacity.
    def rate(p: float) -> float:
        return vehicle.charge_power_kw(p, power, SPEC) * 100 / (75.0 * 3600)

    for _ in range(int(3 * 3600 / dt)):
        k1 = rate(percent)
        k2 = rate(percent + dt / 2 * k1)
        k3 = rate(percent + dt / 2 * k2)
        k4 = rate(percent + dt * k3)
        percent += dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    assert closed.percent == pytest.approx(percent, abs=1e-6)
    assert closed.percent < 100


def test_stops_exactly_at_limit_and_at_full() -> None:
    result = vehicle.charge(50, 11, SPEC, seconds=24 * 3600, limit_percent=93.7)
    assert result.percent == 93.7
    assert result.reached_limit
    assert result.seconds_used == pytest.approx(vehicle.seconds_to_reach(50, 93.7, 11, SPEC))
    full = vehicle.charge(50, 11, SPEC, seconds=24 * 3600)
    assert full.percent == 100.0
    assert full.reached_limit
    already = vehicle.charge(80, 11, SPEC, seconds=3600, limit_percent=80)
    assert already == vehicle.ChargeResult(80, 0.0, 0.0, True)


def test_no_power_never_arrives() -> None:
    assert vehicle.seconds_to_reach(20, 80, 0.0, SPEC) == math.inf
    idle = vehicle.charge(20, 0.0, SPEC, seconds=3600)
    assert idle.percent == 20
    assert not idle.reached_limit


percents = st.floats(0, 100)
powers = st.floats(0.5, 50)
durations = st.floats(0, 20 * 3600)


@settings(max_examples=300)
@given(percents, powers, durations, durations, percents)
def test_two_steps_equal_one(
    start: float, power: float, first: float, second: float, limit: float
) -> None:
    whole = vehicle.charge(start, power, SPEC, first + second, limit)
    a = vehicle.charge(start, power, SPEC, first, limit)
    b = vehicle.charge(a.percent, power, SPEC, second, limit)
    assert b.percent == pytest.approx(whole.percent, abs=1e-9)
    assert a.energy_kwh_added + b.energy_kwh_added == pytest.approx(
        whole.energy_kwh_added, abs=1e-9
    )
    assert b.reached_limit == whole.reached_limit or math.isclose(
        whole.percent, max(start, limit), abs_tol=1e-9
    )


@given(percents, percents, powers)
def test_seconds_to_reach_inverts_charge(start: float, target: float, power: float) -> None:
    seconds = vehicle.seconds_to_reach(start, target, power, SPEC)
    reached = vehicle.charge(start, power, SPEC, seconds)
    assert reached.percent == pytest.approx(max(start, target), abs=1e-9)


def test_range_and_driving() -> None:
    assert vehicle.range_km(100, SPEC) == pytest.approx(75 / 17 * 100)
    assert vehicle.range_km(50, SPEC, efficiency_kwh_per_100km=15) == pytest.approx(250)
    assert vehicle.drive(80, 100, SPEC) == pytest.approx(80 - 17 / 75 * 100)
    assert vehicle.drive(10, 1000, SPEC) == 0.0
    with pytest.raises(ValueError):
        vehicle.drive(50, -1, SPEC)
