from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridlink.connectors.sandbox.physics import battery
from gridlink.connectors.sandbox.physics.battery import BatterySpec, OperationMode

SPEC = BatterySpec(capacity_kwh=10.0, max_charge_kw=5.0, max_discharge_kw=4.0)
HOUR = 3600.0


def test_self_reliance_charges_from_surplus_only() -> None:
    step = battery.advance(
        50, "SELF_RELIANCE", production_kw=4, household_load_kw=1, seconds=60, spec=SPEC
    )
    assert step.battery_power_kw == pytest.approx(3)
    assert step.grid_power_kw == pytest.approx(0)
    capped = battery.advance(50, "SELF_RELIANCE", 9, 1, 60, SPEC)
    assert capped.battery_power_kw == pytest.approx(5)
    assert capped.grid_power_kw == pytest.approx(-3)
    assert capped.grid_export_kwh == pytest.approx(3 / 60)


def test_self_reliance_covers_the_deficit_within_limits() -> None:
    step = battery.advance(50, "SELF_RELIANCE", 0.5, 2.5, 60, SPEC)
    assert step.battery_power_kw == pytest.approx(-2)
    assert step.grid_power_kw == pytest.approx(0)
    assert step.soc_percent < 50
    capped = battery.advance(50, "SELF_RELIANCE", 0, 7, 60, SPEC)
    assert capped.battery_power_kw == pytest.approx(-4)
    assert capped.grid_power_kw == pytest.approx(3)


def test_time_of_use_behaves_like_self_reliance_for_now() -> None:
    for production, load in ((4, 1), (0, 3), (2, 2)):
        assert battery.advance(40, "TIME_OF_USE", production, load, HOUR, SPEC) == battery.advance(
            40, "SELF_RELIANCE", production, load, HOUR, SPEC
        )


def test_import_focus_is_full_at_the_right_time() -> None:
    # 5 kWh to store at 5 kW through one-way efficiency sqrt(0.9).
    expected = 5.0 / (5.0 * math.sqrt(0.9)) * HOUR
    assert battery.seconds_until_limit(50, "IMPORT_FOCUS", 0, 1, SPEC) == pytest.approx(expected)
    step = battery.advance(50, OperationMode.IMPORT_FOCUS, 0, 1, 2 * HOUR, SPEC)
    assert step.soc_percent == 100.0
    assert step.seconds_until_limit == pytest.approx(expected)
    assert step.end_battery_power_kw == 0.0
    assert step.end_grid_power_kw == pytest.approx(1)
    assert step.battery_power_kw == pytest.approx(5 * expected / (2 * HOUR))
    assert step.charged_kwh == pytest.approx(5 / math.sqrt(0.9))
    just_before = battery.advance(50, "IMPORT_FOCUS", 0, 1, expected - 1, SPEC)
    assert just_before.soc_percent < 100
    assert just_before.end_battery_power_kw == 5.0
    full = battery.advance(100, "IMPORT_FOCUS", 0, 1, HOUR, SPEC)
    assert full.battery_power_kw == 0.0
    assert full.seconds_until_limit == math.inf


def test_export_focus_stops_at_minimum_soc() -> None:
    step = battery.advance(30, "EXPORT_FOCUS", 0, 0.5, 10 * HOUR, SPEC)
    assert step.soc_percent == SPEC.min_soc_percent
    assert step.end_battery_power_kw == 0.0
    assert step.discharged_kwh == pytest.approx(2.5 * math.sqrt(0.9))
    assert battery.advance(3, "EXPORT_FOCUS", 0, 0, HOUR, SPEC).battery_power_kw == 0.0


def test_idle_does_nothing() -> None:
    step = battery.advance(60, "IDLE", 3, 1, HOUR, SPEC)
    assert step.soc_percent == 60
    assert step.battery_power_kw == 0
    assert step.grid_power_kw == pytest.approx(-2)


def test_round_trip_efficiency() -> None:
    charged = battery.advance(50, "IMPORT_FOCUS", 0, 0, 720, SPEC)
    assert charged.charged_kwh == pytest.approx(1.0)
    # Discharge at 1 kW until back at 50 %: only 0.9 kWh comes back out.
    seconds_back = (charged.soc_percent - 50) / 100 * 10 * math.sqrt(0.9) * HOUR
    back = battery.advance(charged.soc_percent, "SELF_RELIANCE", 0, 1, seconds_back, SPEC)
    assert back.soc_percent == pytest.approx(50)
    assert back.discharged_kwh == pytest.approx(0.9)


@settings(max_examples=300)
@given(
    st.floats(0, 100),
    st.sampled_from(list(OperationMode)),
    st.floats(0, 10),
    st.floats(0, 10),
    st.floats(0, 12 * HOUR),
    st.floats(0, 12 * HOUR),
)
def test_two_steps_equal_one(
    soc: float, mode: OperationMode, production: float, load: float, first: float, second: float
) -> None:
    whole = battery.advance(soc, mode, production, load, first + second, SPEC)
    a = battery.advance(soc, mode, production, load, first, SPEC)
    b = battery.advance(a.soc_percent, mode, production, load, second, SPEC)
    assert b.soc_percent == pytest.approx(whole.soc_percent, abs=1e-9)
    for field in ("charged_kwh", "discharged_kwh", "grid_import_kwh", "grid_export_kwh"):
        assert getattr(a, field) + getattr(b, field) == pytest.approx(
            getattr(whole, field), abs=1e-9
        )
    hours = (first + second) / HOUR
    balance = (load - production) * hours + whole.charged_kwh - whole.discharged_kwh
    assert whole.grid_import_kwh - whole.grid_export_kwh == pytest.approx(balance, abs=1e-9)
