"""Every simulator's reports, merged into the discovered document, make an
asset that matches Enode's spec, in each of the states it can be in."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gridlink.connectors.sandbox.simulators.base import Neighbourhood, Simulator, Site
from gridlink.connectors.sandbox.simulators.battery import BatterySimulator
from gridlink.connectors.sandbox.simulators.charger import ChargerSimulator
from gridlink.connectors.sandbox.simulators.hvac import HvacSimulator
from gridlink.connectors.sandbox.simulators.inverter import InverterSimulator
from gridlink.connectors.sandbox.simulators.meter import MeterSimulator
from gridlink.domain.catalogue import TYPICAL
from tests.unit.simulators.documents import assert_valid

NOON = datetime(2024, 6, 21, 11, 0, tzinfo=UTC)
NIGHT = datetime(2024, 1, 15, 1, 0, tzinfo=UTC)


def _busy(at: datetime) -> Neighbourhood:
    return Neighbourhood(production_kw=4.0, ev_kw=7.0, battery_kw=-2.0)


SITE = Site(neighbours=_busy)


def _props(asset_type: str) -> dict[str, Any]:
    return dict(TYPICAL[asset_type][1])


@pytest.mark.parametrize("at", [NOON, NIGHT])
def test_charger_documents_match_the_spec(at: datetime) -> None:
    sim, props = ChargerSimulator(), _props("charger")
    unplugged = sim.initial_state(props)
    charging = sim.override(unplugged, "isPluggedIn", True)
    stopped = sim.execute(charging, "charging", {"action": "STOP"})
    full = {**charging, "carBatteryLevel": 100.0}
    bodies = [
        assert_valid("charger", sim.report(state, props, SITE, at), at)
        for state in (unplugged, charging, stopped, full)
    ]
    states = [b["chargeState"]["powerDeliveryState"] for b in bodies]
    assert states == ["UNPLUGGED", "PLUGGED_IN:CHARGING", "PLUGGED_IN:STOPPED",
                      "PLUGGED_IN:STOPPED"]  # fmt: skip
    assert bodies[1]["chargeState"]["chargeRate"] > 0
    assert bodies[0]["chargeState"]["chargeRate"] is None
    assert bodies[1]["isReachable"] is True


@pytest.mark.parametrize("at", [NOON, NIGHT])
def test_hvac_documents_match_the_spec(at: datetime) -> None:
    sim, props = HvacSimulator(), _props("hvac")
    scheduled = sim.initial_state(props)
    holds: list[dict[str, Any]] = [
        {"mode": "HEAT", "heatSetpoint": 22},
        {"mode": "COOL", "coolSetpoint": 24},
        {"mode": "AUTO", "heatSetpoint": 20, "coolSetpoint": 24},
        {"mode": "OFF"},
    ]
    states = [scheduled] + [sim.execute(scheduled, "permanent_hold", hold) for hold in holds]
    for state in states:
        body = assert_valid("hvac", sim.report(state, props, SITE, at), at)
        assert body["thermostatState"]["mode"] in ("HEAT", "COOL", "AUTO", "OFF")
        assert body["capabilities"]["heatSetpointRange"] == {"min": 7, "max": 30}
        assert isinstance(body["consumptionRate"], float)


@pytest.mark.parametrize("at", [NOON, NIGHT])
def test_inverter_documents_match_the_spec(at: datetime) -> None:
    sim, props = InverterSimulator(), _props("inverter")
    state = sim.advance(sim.initial_state(props), props, SITE, at - timedelta(hours=6), at)
    body = assert_valid("inverter", sim.report(state, props, SITE, at), at)
    assert body["timezone"] == "Europe/Oslo"
    assert body["location"]["latitude"] == SITE.latitude
    assert body["productionState"]["isProducing"] is (at == NOON)


@pytest.mark.parametrize("mode", ["IMPORT_FOCUS", "EXPORT_FOCUS", "TIME_OF_USE",
                                  "SELF_RELIANCE", "IDLE"])  # fmt: skip
def test_battery_documents_match_the_spec(mode: str) -> None:
    sim, props = BatterySimulator(), _props("battery")
    state = {**sim.initial_state(props), "operationMode": mode}
    body = assert_valid("battery", sim.report(state, props, SITE, NOON), NOON)
    assert body["config"]["operationMode"] == mode
    assert body["chargeState"]["status"] in ("CHARGING", "DISCHARGING", "IDLE")
    assert body["location"]["longitude"] == SITE.longitude


def test_meter_documents_match_the_spec() -> None:
    sim, props = MeterSimulator(), _props("meter")
    for at in (NOON, NIGHT):
        body = assert_valid("meter", sim.report(sim.initial_state(props), props, SITE, at), at)
        assert isinstance(body["energyState"]["power"], float)
        assert body["capabilities"]["measuresProduction"]["isCapable"] is True


def test_an_unreachable_device_still_reports_a_valid_document() -> None:
    sim, props = ChargerSimulator(), _props("charger")
    state = sim.override(sim.initial_state(props), "isReachable", False)
    body = assert_valid("charger", sim.report(state, props, SITE, NOON), NOON)
    assert body["isReachable"] is False


@pytest.mark.parametrize(
    "asset_type, sim",
    [("charger", ChargerSimulator()), ("hvac", HvacSimulator()), ("inverter", InverterSimulator()),
     ("battery", BatterySimulator()), ("meter", MeterSimulator())],
)  # fmt: skip
def test_states_survive_a_json_round_trip(asset_type: str, sim: Simulator) -> None:
    props = _props(asset_type)
    state = sim.initial_state(props)
    for start, end in ((NIGHT, NIGHT + timedelta(hours=13)), (NOON, NOON + timedelta(hours=2))):
        state = sim.advance(state, props, SITE, start, end)
        assert json.loads(json.dumps(state)) == state
        assert sim.report(json.loads(json.dumps(state)), props, SITE, end) == sim.report(
            state, props, SITE, end
        )
