from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from gridlink.connectors.sandbox.physics import solar
from gridlink.connectors.sandbox.simulators.base import CommandRejected, Site
from gridlink.connectors.sandbox.simulators.inverter import InverterSimulator

SIM = InverterSimulator()
PROPS = {"ratedPower": 8.0}
OSLO = Site()
DAY = datetime(2024, 6, 21, tzinfo=UTC)
STATE = SIM.initial_state(PROPS)


def test_no_production_at_local_midnight() -> None:
    midnight = datetime(2024, 6, 21, 0, 0, tzinfo=ZoneInfo("Europe/Oslo"))
    state = SIM.advance(SIM.initial_state(PROPS), PROPS, OSLO, midnight - timedelta(hours=1),
                        midnight)  # fmt: skip
    assert SIM.power_kw(state, PROPS, OSLO, midnight) == 0
    assert not SIM.is_active(state)
    report = SIM.report(state, PROPS, OSLO, midnight)
    assert report["productionState.productionRate"] == 0
    assert report["productionState.isProducing"] is False


def test_production_peaks_near_solar_noon() -> None:
    samples = [DAY + timedelta(minutes=5 * i) for i in range(24 * 12)]
    peak = max(samples, key=lambda at: -SIM.power_kw(STATE, PROPS, OSLO, at))
    noon = solar.solar_noon(OSLO.longitude, DAY)
    assert abs((peak - noon).total_seconds()) <= 30 * 60
    top = -SIM.power_kw(STATE, PROPS, OSLO, peak)
    assert 0.5 * 8.0 < top <= 8.0


def test_production_follows_the_site() -> None:
    # At 12:00 UTC it is night in Sydney and midday in Oslo.
    sydney = Site(-33.87, 151.21, "Australia/Sydney")
    at = DAY + timedelta(hours=12)
    assert SIM.power_kw(STATE, PROPS, sydney, at) == 0
    assert SIM.power_kw(STATE, PROPS, OSLO, at) < -1


def test_lifetime_production_is_the_integral() -> None:
    state = SIM.initial_state(PROPS)
    day = SIM.advance(state, PROPS, OSLO, DAY, DAY + timedelta(days=1))
    expected = solar.energy_kwh(OSLO.latitude, OSLO.longitude, DAY, DAY + timedelta(days=1),
                                solar.SolarSpec(capacity_kwp=8.0))  # fmt: skip
    assert day["totalLifetimeProduction"] == pytest.approx(expected)
    # A clear midsummer day in Oslo: several hours' worth of the rated power.
    assert 30 < day["totalLifetimeProduction"] < 80
    report = SIM.report(day, PROPS, OSLO, DAY + timedelta(days=1))
    assert report["productionState.totalLifetimeProduction"] == round(expected, 3)


def test_two_steps_of_lifetime_production_equal_one() -> None:
    state = SIM.initial_state(PROPS)
    start, end = DAY + timedelta(hours=3), DAY + timedelta(hours=19)
    middle = DAY + timedelta(hours=10, minutes=41, seconds=17)
    one = SIM.advance(state, PROPS, OSLO, start, end)
    two = SIM.advance(SIM.advance(state, PROPS, OSLO, start, middle), PROPS, OSLO, middle, end)
    assert two["totalLifetimeProduction"] == pytest.approx(one["totalLifetimeProduction"],
                                                           abs=1e-6)  # fmt: skip
    assert one["totalLifetimeProduction"] > 10


def test_report_while_producing() -> None:
    at = DAY + timedelta(hours=11)
    state = SIM.advance(SIM.initial_state(PROPS), PROPS, OSLO, at - timedelta(minutes=2), at)
    assert SIM.is_active(state)
    report = SIM.report(state, PROPS, OSLO, at)
    rate = report["productionState.productionRate"]
    assert rate == pytest.approx(-SIM.power_kw(state, PROPS, OSLO, at), abs=5e-4)
    assert rate == round(rate, 3) and rate > 1
    assert report["productionState.isProducing"] is True
    assert report["timezone"] == "Europe/Oslo"
    assert report["location.latitude"] == OSLO.latitude
    assert report["location.longitude"] == OSLO.longitude
    assert report["capabilities.productionState"]["isCapable"] is True


def test_no_commands() -> None:
    state = SIM.initial_state(PROPS)
    with pytest.raises(CommandRejected, match="no commands"):
        SIM.check(state, "charging", {"action": "START"})
    with pytest.raises(CommandRejected):
        SIM.execute(state, "charging", {"action": "START"})


def test_overrides() -> None:
    state = SIM.initial_state(PROPS)
    assert SIM.override(state, "isReachable", False)["isReachable"] is False
    with pytest.raises(KeyError):
        SIM.override(state, "productionRate", 3)
