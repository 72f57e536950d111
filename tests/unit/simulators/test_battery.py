from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from gridlink.connectors.sandbox.physics import household
from gridlink.connectors.sandbox.simulators.base import CommandRejected, Neighbourhood, Site
from gridlink.connectors.sandbox.simulators.battery import STEP_SECONDS, BatterySimulator
from gridlink.connectors.sandbox.simulators.meter import grid_kw

SIM = BatterySimulator()
PROPS = {"capacity": 10.0, "maxPower": 5.0}
T0 = datetime(2024, 6, 21, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
OSLO = ZoneInfo("Europe/Oslo")


def _sunny(at: datetime) -> Neighbourhood:
    return Neighbourhood(production_kw=3.0)


def _dark(at: datetime) -> Neighbourhood:
    return Neighbourhood()


def _sun_and_car(at: datetime) -> Neighbourhood:
    """Production that rises through the morning, and a car charging for a while."""
    hours = (at - T0).total_seconds() / 3600
    car = 7.0 if 2 <= hours < 3 else 0.0
    return Neighbourhood(production_kw=max(0.0, 4 * math.sin(hours / 8 * math.pi)), ev_kw=car)


SUNNY = Site(neighbours=_sunny)
DARK = Site(neighbours=_dark)
VARYING = Site(neighbours=_sun_and_car)


def _mode(mode: str, level: float = 50.0) -> dict[str, object]:
    return {**SIM.initial_state(PROPS), "operationMode": mode, "batteryLevel": level}


def test_initial_state() -> None:
    state = SIM.initial_state(PROPS)
    assert state["operationMode"] == "SELF_RELIANCE"
    assert state["batteryLevel"] == 50
    report = SIM.report(state, PROPS, SUNNY, T0)
    assert report["chargeState.batteryCapacity"] == 10
    assert report["chargeState.dischargeLimit"] == 5
    assert report["config.operationMode"] == "SELF_RELIANCE"


def test_import_focus_charges_at_full_power_until_full() -> None:
    state = _mode("IMPORT_FOCUS")
    assert SIM.power_kw(state, PROPS, DARK, T0) == 5.0
    report = SIM.report(state, PROPS, DARK, T0)
    assert report["chargeState.status"] == "CHARGING"
    assert report["chargeState.chargeRate"] == 5.0  # positive while charging
    hour = SIM.advance(state, PROPS, DARK, T0, T0 + HOUR)
    # 5 kWh from the grid stores 5 * sqrt(0.9) kWh in 10 kWh.
    assert hour["batteryLevel"] == pytest.approx(50 + 5 * math.sqrt(0.9) / 10 * 100)
    full = SIM.advance(state, PROPS, DARK, T0, T0 + 2 * HOUR)
    assert full["batteryLevel"] == 100
    assert SIM.power_kw(full, PROPS, DARK, T0) == 0
    assert not SIM.is_active(full)
    assert SIM.report(full, PROPS, DARK, T0)["chargeState.status"] == "IDLE"


def test_self_reliance_stores_the_surplus() -> None:
    state = _mode("SELF_RELIANCE")
    load = household.load_kw_at(T0, OSLO)
    assert SIM.power_kw(state, PROPS, SUNNY, T0) == pytest.approx(3.0 - load)
    assert SIM.report(state, PROPS, SUNNY, T0)["chargeState.status"] == "CHARGING"
    # The house then takes nothing from the grid.
    meter_site = Site(neighbours=lambda at: Neighbourhood(
        production_kw=3.0, battery_kw=SIM.power_kw(state, PROPS, SUNNY, at)))  # fmt: skip
    assert grid_kw(meter_site, T0) == pytest.approx(0, abs=1e-9)
    later = SIM.advance(state, PROPS, SUNNY, T0, T0 + HOUR)
    energy = 3.0 - household.energy_kwh(T0, T0 + HOUR, OSLO)
    # Within the sub-step's sampling of the household's load.
    assert later["batteryLevel"] == pytest.approx(50 + energy * math.sqrt(0.9) * 10, abs=0.5)


def test_self_reliance_covers_the_house_in_the_dark() -> None:
    state = _mode("SELF_RELIANCE")
    load = household.load_kw_at(T0, OSLO)
    assert SIM.power_kw(state, PROPS, DARK, T0) == pytest.approx(-load)
    report = SIM.report(state, PROPS, DARK, T0)
    assert report["chargeState.status"] == "DISCHARGING"
    assert report["chargeState.chargeRate"] == pytest.approx(-load, abs=1e-3)
    later = SIM.advance(state, PROPS, DARK, T0, T0 + 5 * HOUR)
    assert 5 < later["batteryLevel"] < 50
    empty = SIM.advance(state, PROPS, DARK, T0, T0 + 48 * HOUR)
    assert empty["batteryLevel"] == 5  # the reserve
    assert SIM.power_kw(empty, PROPS, DARK, T0) == 0


def test_self_reliance_covers_a_charging_car() -> None:
    car = Site(neighbours=lambda at: Neighbourhood(ev_kw=3.0))
    load = household.load_kw_at(T0, OSLO)
    assert SIM.power_kw(_mode("SELF_RELIANCE"), PROPS, car, T0) == pytest.approx(-(load + 3))
    big = Site(neighbours=lambda at: Neighbourhood(ev_kw=11.0))
    assert SIM.power_kw(_mode("SELF_RELIANCE"), PROPS, big, T0) == -5.0  # its limit


def test_export_focus_and_idle() -> None:
    export = _mode("EXPORT_FOCUS")
    assert SIM.power_kw(export, PROPS, SUNNY, T0) == -5.0
    drained = SIM.advance(export, PROPS, SUNNY, T0, T0 + 2 * HOUR)
    assert drained["batteryLevel"] == 5
    assert not SIM.is_active(drained)
    idle = _mode("IDLE")
    assert SIM.power_kw(idle, PROPS, SUNNY, T0) == 0
    assert SIM.advance(idle, PROPS, SUNNY, T0, T0 + 5 * HOUR) == idle
    assert not SIM.is_active(idle)
    assert SIM.seconds_until_change(idle, PROPS, SUNNY, T0) is None
    assert SIM.report(idle, PROPS, SUNNY, T0)["chargeState.status"] == "IDLE"


def test_time_of_use_behaves_like_self_reliance() -> None:
    tou = SIM.advance(_mode("TIME_OF_USE"), PROPS, VARYING, T0, T0 + 6 * HOUR)
    own = SIM.advance(_mode("SELF_RELIANCE"), PROPS, VARYING, T0, T0 + 6 * HOUR)
    assert tou["batteryLevel"] == own["batteryLevel"]


def test_two_steps_equal_one_under_varying_inputs() -> None:
    state = _mode("SELF_RELIANCE", 20.0)
    end = T0 + 8 * HOUR
    middle = T0 + timedelta(hours=2, minutes=31, seconds=7)
    one = SIM.advance(state, PROPS, VARYING, T0, end)
    two = SIM.advance(SIM.advance(state, PROPS, VARYING, T0, middle), PROPS, VARYING, middle, end)
    assert two["batteryLevel"] == pytest.approx(one["batteryLevel"], abs=1e-9)
    assert one["batteryLevel"] != state["batteryLevel"]


def test_seconds_until_change() -> None:
    state = _mode("IMPORT_FOCUS", 99.0)
    seconds = SIM.seconds_until_change(state, PROPS, DARK, T0)
    # 1 % of 10 kWh at 5 * sqrt(0.9) kW: about 76 s.
    assert seconds == pytest.approx(0.1 / (5 * math.sqrt(0.9)) * 3600)
    for minutes in (0, 3, 14):
        at = T0 + timedelta(minutes=minutes)
        wait = SIM.seconds_until_change(_mode("SELF_RELIANCE"), PROPS, SUNNY, at)
        assert wait is not None and 0 < wait <= STEP_SECONDS


def test_operation_mode_command() -> None:
    state = SIM.initial_state(PROPS)
    with pytest.raises(CommandRejected, match="already in SELF_RELIANCE"):
        SIM.check(state, "operation_mode", {"operationMode": "SELF_RELIANCE"})
    with pytest.raises(CommandRejected, match="not an operation mode"):
        SIM.check(state, "operation_mode", {"operationMode": "UNKNOWN"})
    with pytest.raises(CommandRejected):
        SIM.check(state, "charging", {"action": "START"})
    for mode in ("IMPORT_FOCUS", "EXPORT_FOCUS", "TIME_OF_USE", "IDLE"):
        SIM.check(state, "operation_mode", {"operationMode": mode})
        changed = SIM.execute(state, "operation_mode", {"operationMode": mode})
        assert SIM.report(changed, PROPS, SUNNY, T0)["config.operationMode"] == mode


def test_overrides() -> None:
    state = SIM.initial_state(PROPS)
    assert SIM.override(state, "batteryLevel", 80)["batteryLevel"] == 80
    assert SIM.override(state, "batteryLevel", 120)["batteryLevel"] == 100
    assert SIM.override(state, "isReachable", False)["isReachable"] is False
    with pytest.raises(KeyError):
        SIM.override(state, "isPluggedIn", True)
