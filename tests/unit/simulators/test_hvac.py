from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gridlink.connectors.sandbox.simulators.base import CommandRejected, Site
from gridlink.connectors.sandbox.simulators.hvac import STEP_SECONDS, HvacSimulator

SIM = HvacSimulator()
PROPS = {"heatingPower": 5.0, "coolingPower": 3.5}
OSLO = Site()
FREEZING = Site(outdoor_c=0.0)
T0 = datetime(2024, 1, 15, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _hold(target: dict[str, Any], temperature: float) -> dict[str, Any]:
    state = SIM.execute(SIM.initial_state(PROPS), "permanent_hold", target)
    return {**state, "temperature": temperature}


def test_initial_state_heats_by_its_schedule() -> None:
    state = SIM.initial_state(PROPS)
    assert state["temperature"] == 19
    assert state["holdType"] == "SCHEDULED"
    day = SIM.report(state, PROPS, OSLO, T0)  # 13:00 in Oslo
    assert day["thermostatState.mode"] == "HEAT"
    assert day["thermostatState.heatSetpoint"] == 21
    assert day["thermostatState.holdType"] == "SCHEDULED"
    assert day["temperatureState.isActive"] is True
    assert day["consumptionRate"] == pytest.approx(5.0 / 3.0, abs=0.01)
    night = SIM.report(state, PROPS, OSLO, datetime(2024, 1, 15, 23, 30, tzinfo=UTC))
    assert night["thermostatState.heatSetpoint"] == 17


def test_heat_mode_reaches_and_holds_its_setpoint() -> None:
    state = _hold({"mode": "HEAT", "heatSetpoint": 21}, 15.0)
    assert SIM.power_kw(state, PROPS, FREEZING, T0) == pytest.approx(5.0 / 3.0)
    after_3h = SIM.advance(state, PROPS, FREEZING, T0, T0 + 3 * HOUR)
    assert 15 < after_3h["temperature"] < 21
    after_10h = SIM.advance(state, PROPS, FREEZING, T0, T0 + 10 * HOUR)
    assert after_10h["temperature"] == pytest.approx(21)
    after_2d = SIM.advance(state, PROPS, FREEZING, T0, T0 + 48 * HOUR)
    assert after_2d["temperature"] == pytest.approx(21)
    # Holding 21 °C at 0 °C outdoors needs less than full power, but not nothing.
    holding = SIM.power_kw(after_2d, PROPS, FREEZING, T0 + 48 * HOUR)
    assert 0.2 < holding < 5.0 / 3.0
    report = SIM.report(after_2d, PROPS, FREEZING, T0 + 48 * HOUR)
    assert report["temperatureState.currentTemperature"] == 21.0
    assert report["temperatureState.isActive"] is True
    assert report["consumptionRate"] == pytest.approx(holding, abs=0.01)


def test_heat_mode_holds_under_the_real_weather() -> None:
    state = _hold({"mode": "HEAT", "heatSetpoint": 21}, 21.0)
    week = SIM.advance(state, PROPS, OSLO, T0, T0 + 7 * 24 * HOUR)
    assert week["temperature"] == pytest.approx(21)


def test_off_drifts_toward_outdoors() -> None:
    site = Site(outdoor_c=5.0)
    state = _hold({"mode": "OFF"}, 20.0)
    assert SIM.power_kw(state, PROPS, site, T0) == 0
    assert not SIM.is_active(state)
    assert SIM.seconds_until_change(state, PROPS, site, T0) is None
    day = SIM.advance(state, PROPS, site, T0, T0 + 24 * HOUR)
    assert 5 < day["temperature"] < 20
    month = SIM.advance(state, PROPS, site, T0, T0 + 30 * 24 * HOUR)
    assert month["temperature"] == pytest.approx(5, abs=0.01)
    report = SIM.report(day, PROPS, site, T0)
    assert report["temperatureState.isActive"] is False
    assert report["consumptionRate"] == 0
    assert report["thermostatState.heatSetpoint"] is None
    assert report["thermostatState.coolSetpoint"] is None


def test_cool_mode_cools_a_hot_room() -> None:
    site = Site(outdoor_c=32.0)
    state = _hold({"mode": "COOL", "coolSetpoint": 24}, 28.0)
    assert SIM.power_kw(state, PROPS, site, T0) == pytest.approx(3.5 / 3.0)
    day = SIM.advance(state, PROPS, site, T0, T0 + 24 * HOUR)
    assert day["temperature"] == pytest.approx(24)
    report = SIM.report(day, PROPS, site, T0)
    assert report["thermostatState.coolSetpoint"] == 24
    assert report["thermostatState.heatSetpoint"] is None


def test_auto_mode_keeps_the_room_between_its_setpoints() -> None:
    auto = {"mode": "AUTO", "heatSetpoint": 20, "coolSetpoint": 24}
    cold = SIM.advance(_hold(auto, 12.0), PROPS, FREEZING, T0, T0 + 24 * HOUR)
    hot = SIM.advance(_hold(auto, 30.0), PROPS, Site(outdoor_c=35.0), T0, T0 + 24 * HOUR)
    assert cold["temperature"] == pytest.approx(20)
    assert hot["temperature"] == pytest.approx(24)


def test_two_steps_equal_one_under_changing_weather() -> None:
    state = SIM.initial_state(PROPS)  # on schedule, in Oslo's weather
    end = T0 + 30 * HOUR
    middle = T0 + timedelta(hours=7, minutes=3, seconds=11)
    one = SIM.advance(state, PROPS, OSLO, T0, end)
    two = SIM.advance(SIM.advance(state, PROPS, OSLO, T0, middle), PROPS, OSLO, middle, end)
    assert two["temperature"] == pytest.approx(one["temperature"], abs=1e-9)
    many = state
    at = T0
    while at < end:
        step = min(timedelta(seconds=420), end - at)
        many = SIM.advance(many, PROPS, OSLO, at, at + step)
        at += step
    assert many["temperature"] == pytest.approx(one["temperature"], abs=1e-6)


def test_the_schedule_switches_the_setpoint_at_local_times() -> None:
    state = {**SIM.initial_state(PROPS), "temperature": 21.0}
    # 22:00 in Oslo in January is 21:00 UTC: the night setpoint lets the room cool.
    evening = datetime(2024, 1, 15, 20, 0, tzinfo=UTC)
    night = SIM.advance(state, PROPS, FREEZING, evening, evening + 4 * HOUR)
    assert 17 < night["temperature"] < 21
    assert SIM.power_kw(night, PROPS, FREEZING, evening + 4 * HOUR) == 0
    # From 06:00 local (05:00 UTC) it heats again.
    morning = SIM.advance(night, PROPS, FREEZING, evening + 4 * HOUR, evening + 10 * HOUR)
    assert SIM.power_kw(morning, PROPS, FREEZING, evening + 10 * HOUR) > 1


def test_seconds_until_change_is_at_most_one_step_while_active() -> None:
    state = _hold({"mode": "HEAT", "heatSetpoint": 21}, 21.0)
    for minutes in (0, 1, 7, 14):
        at = T0 + timedelta(minutes=minutes)
        seconds = SIM.seconds_until_change(state, PROPS, OSLO, at)
        assert seconds is not None and 0 < seconds <= STEP_SECONDS
    # And it names the moment the room reaches its setpoint.
    cold = _hold({"mode": "HEAT", "heatSetpoint": 21}, 20.99)
    soon = SIM.seconds_until_change(cold, PROPS, FREEZING, T0)
    assert soon is not None and soon < 60
    reached = SIM.advance(cold, PROPS, FREEZING, T0, T0 + timedelta(seconds=soon))
    assert reached["temperature"] == pytest.approx(21)


def test_permanent_hold_rejections() -> None:
    state = SIM.initial_state(PROPS)
    bad: list[tuple[dict[str, Any], str]] = [
        ({"mode": "HEAT", "heatSetpoint": 31}, "heat setpoint must be from 7 to 30"),
        ({"mode": "HEAT", "heatSetpoint": 6}, "heat setpoint"),
        ({"mode": "COOL", "coolSetpoint": 14}, "cool setpoint must be from 15 to 32"),
        ({"mode": "COOL", "coolSetpoint": 33}, "cool setpoint"),
        ({"mode": "AUTO", "heatSetpoint": 21, "coolSetpoint": 22}, "2 to 10"),
        ({"mode": "AUTO", "heatSetpoint": 10, "coolSetpoint": 25}, "2 to 10"),
        ({"mode": "AUTO", "heatSetpoint": 24, "coolSetpoint": 20}, "2 to 10"),
        ({"mode": "HEAT"}, "needs a heatSetpoint"),
        ({"mode": "AUTO", "heatSetpoint": 20}, "needs a coolSetpoint"),
        ({"mode": "FAN"}, "not a mode"),
    ]
    for target, message in bad:
        with pytest.raises(CommandRejected, match=message):
            SIM.check(state, "permanent_hold", target)
    good: list[dict[str, Any]] = [
        {"mode": "HEAT", "heatSetpoint": 22},
        {"mode": "HEAT", "heatSetpoint": 21},  # same setpoint, but a hold is new
        {"mode": "COOL", "coolSetpoint": 24},
        {"mode": "AUTO", "heatSetpoint": 20, "coolSetpoint": 24},
        {"mode": "AUTO", "heatSetpoint": 20, "coolSetpoint": 30},
        {"mode": "OFF"},
    ]
    for target in good:
        SIM.check(state, "permanent_hold", target)


def test_an_identical_hold_is_rejected() -> None:
    identical: list[dict[str, Any]] = [
        {"mode": "HEAT", "heatSetpoint": 22},
        {"mode": "AUTO", "heatSetpoint": 20, "coolSetpoint": 24},
        {"mode": "OFF"},
    ]
    for target in identical:
        held = SIM.execute(SIM.initial_state(PROPS), "permanent_hold", target)
        assert held["holdType"] == "PERMANENT"
        with pytest.raises(CommandRejected, match="already holds"):
            SIM.check(held, "permanent_hold", target)
    held = SIM.execute(SIM.initial_state(PROPS), "permanent_hold",
                       {"mode": "HEAT", "heatSetpoint": 22})  # fmt: skip
    SIM.check(held, "permanent_hold", {"mode": "HEAT", "heatSetpoint": 23})
    SIM.check(held, "permanent_hold", {"mode": "COOL", "coolSetpoint": 24})


def test_follow_schedule() -> None:
    state = SIM.initial_state(PROPS)
    with pytest.raises(CommandRejected, match="already following"):
        SIM.check(state, "follow_schedule", {})
    held = SIM.execute(state, "permanent_hold", {"mode": "OFF"})
    SIM.check(held, "follow_schedule", {})
    back = SIM.execute(held, "follow_schedule", {})
    assert back["holdType"] == "SCHEDULED"
    report = SIM.report(back, PROPS, OSLO, T0)
    assert report["thermostatState.mode"] == "HEAT"
    assert report["thermostatState.holdType"] == "SCHEDULED"


def test_a_hold_changes_what_is_reported() -> None:
    held = SIM.execute(SIM.initial_state(PROPS), "permanent_hold",
                       {"mode": "AUTO", "heatSetpoint": 19.5, "coolSetpoint": 25})  # fmt: skip
    report = SIM.report(held, PROPS, OSLO, T0)
    assert report["thermostatState.mode"] == "AUTO"
    assert report["thermostatState.heatSetpoint"] == 19.5
    assert report["thermostatState.coolSetpoint"] == 25
    assert report["thermostatState.holdType"] == "PERMANENT"


def test_unknown_commands_are_rejected() -> None:
    with pytest.raises(CommandRejected):
        SIM.check(SIM.initial_state(PROPS), "charging", {"action": "START"})


def test_outdoor_temperature_override() -> None:
    state = _hold({"mode": "OFF"}, 20.0)
    cold = SIM.override(state, "outdoorTemperature", -10)
    assert cold["outdoorTemperature"] == -10.0
    # The simulator honours it even before the engine passes it as the site's.
    day = SIM.advance(cold, PROPS, OSLO, T0, T0 + 24 * HOUR)
    same = SIM.advance(state, PROPS, Site(outdoor_c=-10.0), T0, T0 + 24 * HOUR)
    assert day["temperature"] == pytest.approx(same["temperature"])
    cleared = SIM.override(cold, "outdoorTemperature", None)
    assert "outdoorTemperature" not in cleared
    assert SIM.override(state, "isReachable", False)["isReachable"] is False
    with pytest.raises(KeyError):
        SIM.override(state, "batteryLevel", 50)
