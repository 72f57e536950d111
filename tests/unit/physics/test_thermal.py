from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridlink.connectors.sandbox.physics import thermal
from gridlink.connectors.sandbox.physics.thermal import HvacMode, RoomSpec, RoomState

SPEC = RoomSpec()
HOUR = 3600.0


def test_default_house_is_sized_for_its_heat_pump() -> None:
    holding = (21 - -5) * SPEC.loss_kw_per_degree
    assert 0.4 * SPEC.heating_kw < holding < SPEC.heating_kw
    assert thermal.heat_kw_now(RoomState(21), "HEAT", 21, 25, -5) == pytest.approx(holding)


def test_heat_reaches_setpoint_then_holds() -> None:
    start = RoomState(15.0)
    to_setpoint = thermal.seconds_until_setpoint(start, HvacMode.HEAT, 21, 25, 0.0)
    assert 1 * HOUR < to_setpoint < 12 * HOUR
    before = thermal.advance(start, "HEAT", 21, 25, 0.0, to_setpoint * 0.99)
    assert 15 < before.state.temperature_c < 21
    assert before.average_power_kw == pytest.approx(SPEC.heating_kw / SPEC.heating_cop)
    day = thermal.advance(start, "HEAT", 21, 25, 0.0, 24 * HOUR)
    assert day.state.temperature_c == 21
    hold_kw = 21 * SPEC.loss_kw_per_degree
    expected_heat = (
        SPEC.heating_kw * to_setpoint / HOUR + hold_kw * (24 * HOUR - to_setpoint) / HOUR
    )
    assert day.average_heat_kw * 24 == pytest.approx(expected_heat)
    assert day.energy_kwh == pytest.approx(expected_heat / SPEC.heating_cop)
    held = thermal.advance(day.state, "HEAT", 21, 25, 0.0, HOUR)
    assert held.state.temperature_c == 21
    assert held.energy_kwh == pytest.approx(hold_kw / SPEC.heating_cop)
    assert thermal.seconds_until_change(day.state, "HEAT", 21, 25, 0.0) == math.inf


def test_heating_phase_obeys_the_differential_equation() -> None:
    k = SPEC.degrees_per_kwh / HOUR
    t, h = 2 * HOUR, 1.0
    after = thermal.advance(RoomState(12), "HEAT", 21, 25, -3, t).state.temperature_c
    plus = thermal.advance(RoomState(12), "HEAT", 21, 25, -3, t + h).state.temperature_c
    minus = thermal.advance(RoomState(12), "HEAT", 21, 25, -3, t - h).state.temperature_c
    expected = (-3 - after) / SPEC.time_constant_s + SPEC.heating_kw * k
    assert (plus - minus) / (2 * h) == pytest.approx(expected, rel=1e-5)


def test_off_decays_toward_outdoor() -> None:
    step = thermal.advance(RoomState(21), "OFF", 20, 24, 1.0, SPEC.time_constant_s)
    assert step.state.temperature_c == pytest.approx(1.0 + 20.0 / math.e)
    assert step.energy_kwh == 0.0
    week = thermal.advance(RoomState(21), "OFF", 20, 24, 1.0, 7 * 24 * HOUR)
    assert 1.0 < week.state.temperature_c < 1.1
    assert thermal.seconds_until_change(RoomState(21), "OFF", 20, 24, 1.0) == math.inf


def test_cool_is_symmetrical() -> None:
    step = thermal.advance(RoomState(28), "COOL", 18, 24, 32, 24 * HOUR)
    assert step.state.temperature_c == 24
    assert step.average_heat_kw < 0
    assert step.energy_kwh > 0
    held = thermal.advance(step.state, "COOL", 18, 24, 32, HOUR)
    assert held.average_heat_kw == pytest.approx(-8 * SPEC.loss_kw_per_degree)


def test_auto_drifts_inside_the_band_then_holds_the_edge() -> None:
    start = RoomState(22)
    assert thermal.heat_kw_now(start, "AUTO", 20, 24, 30) == 0.0
    step = thermal.advance(start, "AUTO", 20, 24, 30, 48 * HOUR)
    assert step.state.temperature_c == 24
    assert step.average_heat_kw < 0
    cold = thermal.advance(start, "AUTO", 20, 24, -10, 48 * HOUR)
    assert cold.state.temperature_c == 20
    with pytest.raises(ValueError):
        thermal.advance(start, "AUTO", 25, 20, 0, HOUR)


def test_undersized_heat_pump_runs_flat_out() -> None:
    outdoor = -40.0
    equilibrium = outdoor + SPEC.heating_kw / SPEC.loss_kw_per_degree
    assert equilibrium < 21
    step = thermal.advance(RoomState(21), "HEAT", 21, 25, outdoor, 30 * 24 * HOUR)
    assert step.state.temperature_c == pytest.approx(equilibrium, abs=1e-6)
    assert step.average_heat_kw == pytest.approx(SPEC.heating_kw)
    assert thermal.seconds_until_setpoint(RoomState(15), "HEAT", 21, 25, outdoor) == math.inf


temperatures = st.floats(-10, 35)
durations = st.floats(0, 72 * HOUR)


@settings(max_examples=300)
@given(
    st.sampled_from(list(HvacMode)),
    temperatures,
    st.floats(15, 22),
    st.floats(0, 6),
    st.floats(-25, 38),
    durations,
    durations,
)
def test_two_steps_equal_one(
    mode: HvacMode,
    start: float,
    heat_setpoint: float,
    band: float,
    outdoor: float,
    first: float,
    second: float,
) -> None:
    cool_setpoint = heat_setpoint + band
    whole = thermal.advance(
        RoomState(start), mode, heat_setpoint, cool_setpoint, outdoor, first + second
    )
    a = thermal.advance(RoomState(start), mode, heat_setpoint, cool_setpoint, outdoor, first)
    b = thermal.advance(a.state, mode, heat_setpoint, cool_setpoint, outdoor, second)
    assert b.state.temperature_c == pytest.approx(whole.state.temperature_c, abs=1e-7)
    assert a.energy_kwh + b.energy_kwh == pytest.approx(whole.energy_kwh, rel=1e-7, abs=1e-7)
