from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from gridlink.connectors.sandbox.physics import household
from gridlink.connectors.sandbox.simulators.base import CommandRejected, Neighbourhood, Site
from gridlink.connectors.sandbox.simulators.meter import MeterSimulator

SIM = MeterSimulator()
PROPS: dict[str, object] = {}
T0 = datetime(2024, 6, 21, 17, 0, tzinfo=UTC)  # 19:00 in Oslo, the evening peak


def _site(**powers: float) -> Site:
    return Site(neighbours=lambda at: Neighbourhood(**powers))


def test_an_empty_site_imports_the_household_load() -> None:
    state = SIM.initial_state(PROPS)
    load = household.load_kw_at(T0, ZoneInfo("Europe/Oslo"))
    report = SIM.report(state, PROPS, Site(), T0)
    assert report["energyState.power"] == pytest.approx(load, abs=1e-3)
    assert report["energyState.power"] > 1.5  # the evening peak


def test_the_household_follows_the_site_time_zone() -> None:
    state = SIM.initial_state(PROPS)
    oslo = SIM.report(state, PROPS, Site(), T0)["energyState.power"]
    tokyo = SIM.report(state, PROPS, Site(35.68, 139.69, "Asia/Tokyo"), T0)["energyState.power"]
    assert tokyo < oslo  # 02:00 in Tokyo: the night base load


def test_power_sums_the_site_with_import_positive() -> None:
    state = SIM.initial_state(PROPS)
    load = household.load_kw_at(T0, ZoneInfo("Europe/Oslo"))
    busy = _site(production_kw=1.0, ev_kw=7.0, battery_kw=2.0)
    assert SIM.report(state, PROPS, busy, T0)["energyState.power"] == pytest.approx(
        load + 7 + 2 - 1, abs=1e-3
    )
    exporting = _site(production_kw=8.0, battery_kw=-1.0)
    power = SIM.report(state, PROPS, exporting, T0)["energyState.power"]
    assert power == pytest.approx(load - 8 - 1, abs=1e-3)
    assert power < 0


def test_the_meter_draws_nothing_and_keeps_no_state() -> None:
    state = SIM.initial_state(PROPS)
    busy = _site(ev_kw=7.0)
    assert SIM.power_kw(state, PROPS, busy, T0) == 0
    assert SIM.advance(state, PROPS, busy, T0, T0 + timedelta(days=3)) == state
    assert SIM.is_active(state)
    assert SIM.seconds_until_change(state, PROPS, busy, T0) is None


def test_report_fields() -> None:
    site = Site(48.85, 2.35, "Europe/Paris")
    report = SIM.report(SIM.initial_state(PROPS), PROPS, site, T0)
    assert report["location.latitude"] == 48.85
    assert report["location.longitude"] == 2.35
    assert report["energyState.lastUpdated"] == "2024-06-21T17:00:00.000Z"
    assert report["capabilities.measuresConsumption"]["isCapable"] is True
    assert report["isReachable"] is True


def test_no_commands_and_overrides() -> None:
    state = SIM.initial_state(PROPS)
    with pytest.raises(CommandRejected, match="no commands"):
        SIM.check(state, "operation_mode", {"operationMode": "IDLE"})
    with pytest.raises(CommandRejected):
        SIM.execute(state, "operation_mode", {"operationMode": "IDLE"})
    assert SIM.override(state, "isReachable", False)["isReachable"] is False
    with pytest.raises(KeyError):
        SIM.override(state, "power", 3)
