from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gridlink.connectors.sandbox.simulators.base import CommandRejected, Site
from gridlink.connectors.sandbox.simulators.charger import ChargerSimulator

SIM = ChargerSimulator()
PROPS = {"maxCurrent": 32, "phases": 3}
SITE = Site()
T0 = datetime(2024, 3, 1, 18, 0, tzinfo=UTC)


def _plugged() -> dict[str, object]:
    return SIM.override(SIM.initial_state(PROPS), "isPluggedIn", True)


def test_a_new_charger_is_unplugged_and_idle() -> None:
    state = SIM.initial_state(PROPS)
    assert SIM.power_kw(state, PROPS, SITE, T0) == 0
    assert not SIM.is_active(state)
    assert SIM.seconds_until_change(state, PROPS, SITE, T0) is None
    report = SIM.report(state, PROPS, SITE, T0)
    assert report["chargeState.powerDeliveryState"] == "UNPLUGGED"
    assert report["chargeState.isCharging"] is False
    assert report["chargeState.chargeRate"] is None
    assert SIM.advance(state, PROPS, SITE, T0, T0 + timedelta(hours=5)) == state


def test_plugging_in_brings_a_car_at_30_percent_that_charges_at_once() -> None:
    state = _plugged()
    assert state["carBatteryLevel"] == 30
    assert SIM.is_active(state)
    # 16 A on three phases of 230 V.
    assert SIM.power_kw(state, PROPS, SITE, T0) == pytest.approx(11.04)
    report = SIM.report(state, PROPS, SITE, T0)
    assert report["chargeState.powerDeliveryState"] == "PLUGGED_IN:CHARGING"
    assert report["chargeState.chargeRate"] == pytest.approx(11.04)
    assert report["chargeState.maxCurrent"] == 16
    assert report["chargeState.pluggedInVehicleId"] is None


def test_the_car_gains_what_the_charger_delivers() -> None:
    state = _plugged()
    hour = SIM.advance(state, PROPS, SITE, T0, T0 + timedelta(hours=1))
    # 11.04 kWh into 60 kWh, below the taper.
    assert hour["carBatteryLevel"] == pytest.approx(30 + 11.04 / 60 * 100)


def test_charging_stops_when_the_car_is_full() -> None:
    state = _plugged()
    seconds = SIM.seconds_until_change(state, PROPS, SITE, T0)
    assert seconds is not None and 4 * 3600 < seconds < 8 * 3600
    almost = SIM.advance(state, PROPS, SITE, T0, T0 + timedelta(seconds=seconds - 60))
    assert SIM.is_active(almost)
    assert 0 < SIM.power_kw(almost, PROPS, SITE, T0) < 11.04  # tapering near full
    full = SIM.advance(state, PROPS, SITE, T0, T0 + timedelta(seconds=seconds + 60))
    assert full["carBatteryLevel"] == 100
    assert not SIM.is_active(full)
    assert SIM.power_kw(full, PROPS, SITE, T0) == 0
    assert SIM.seconds_until_change(full, PROPS, SITE, T0) is None
    report = SIM.report(full, PROPS, SITE, T0)
    assert report["chargeState.isCharging"] is False
    assert report["chargeState.chargeRate"] is None
    assert report["chargeState.powerDeliveryState"] == "PLUGGED_IN:STOPPED"
    with pytest.raises(CommandRejected, match="fully charged"):
        SIM.check(full, "charging", {"action": "START"})


def test_two_steps_equal_one() -> None:
    state = _plugged()
    end = T0 + timedelta(hours=5)
    middle = T0 + timedelta(hours=2, minutes=17)
    one = SIM.advance(state, PROPS, SITE, T0, end)
    two = SIM.advance(SIM.advance(state, PROPS, SITE, T0, middle), PROPS, SITE, middle, end)
    assert two["carBatteryLevel"] == pytest.approx(one["carBatteryLevel"], abs=1e-9)


def test_stop_and_start_commands() -> None:
    state = _plugged()
    SIM.check(state, "charging", {"action": "STOP"})
    stopped = SIM.execute(state, "charging", {"action": "STOP"})
    assert not SIM.is_active(stopped)
    assert SIM.power_kw(stopped, PROPS, SITE, T0) == 0
    assert SIM.advance(stopped, PROPS, SITE, T0, T0 + timedelta(hours=1)) == stopped
    assert SIM.report(stopped, PROPS, SITE, T0)["chargeState.powerDeliveryState"] == (
        "PLUGGED_IN:STOPPED"
    )
    with pytest.raises(CommandRejected, match="not charging"):
        SIM.check(stopped, "charging", {"action": "STOP"})
    SIM.check(stopped, "charging", {"action": "START"})
    started = SIM.execute(stopped, "charging", {"action": "START"})
    assert SIM.is_active(started)
    with pytest.raises(CommandRejected, match="already charging"):
        SIM.check(started, "charging", {"action": "START"})


def test_charging_commands_need_a_car() -> None:
    state = SIM.initial_state(PROPS)
    for action in ("START", "STOP"):
        with pytest.raises(CommandRejected, match="plugged"):
            SIM.check(state, "charging", {"action": action})


def test_max_current_command() -> None:
    state = _plugged()
    with pytest.raises(CommandRejected, match="already 16"):
        SIM.check(state, "max_current", {"maxCurrent": 16})
    for current in (5, 5.9, 33, 40):
        with pytest.raises(CommandRejected, match="from 6 A to 32 A"):
            SIM.check(state, "max_current", {"maxCurrent": current})
    for current in (6, 10, 32):
        SIM.check(state, "max_current", {"maxCurrent": current})
    six = SIM.execute(state, "max_current", {"maxCurrent": 6})
    assert six["maxCurrent"] == 6
    assert SIM.power_kw(six, PROPS, SITE, T0) == pytest.approx(3 * 230 * 6 / 1000)
    assert SIM.report(six, PROPS, SITE, T0)["chargeState.maxCurrent"] == 6


def test_a_smaller_charger_refuses_more_than_its_rating() -> None:
    props = {"maxCurrent": 16, "phases": 1}
    state = SIM.initial_state(props)
    with pytest.raises(CommandRejected, match="to 16 A"):
        SIM.check(state, "max_current", {"maxCurrent": 20})


def test_unknown_commands_are_rejected() -> None:
    with pytest.raises(CommandRejected):
        SIM.check(_plugged(), "operation_mode", {"operationMode": "IDLE"})
    with pytest.raises(CommandRejected):
        SIM.execute(_plugged(), "operation_mode", {"operationMode": "IDLE"})


def test_overrides() -> None:
    state = _plugged()
    charged = SIM.advance(state, PROPS, SITE, T0, T0 + timedelta(hours=1))
    # Plugging in again while plugged in changes nothing.
    assert SIM.override(charged, "isPluggedIn", True) == charged
    unplugged = SIM.override(charged, "isPluggedIn", False)
    assert unplugged["isPluggedIn"] is False
    assert SIM.power_kw(unplugged, PROPS, SITE, T0) == 0
    # A stop is forgotten when the car leaves; the next car charges.
    stopped = SIM.execute(state, "charging", {"action": "STOP"})
    replugged = SIM.override(SIM.override(stopped, "isPluggedIn", False), "isPluggedIn", True)
    assert SIM.is_active(replugged)
    assert replugged["carBatteryLevel"] == 30
    assert SIM.override(state, "isReachable", False)["isReachable"] is False
    with pytest.raises(KeyError):
        SIM.override(state, "batteryLevel", 50)
