"""A simulated solar inverter: clear-sky production at its site.

The lifetime production is the exact integral of the production (the solar
model integrates on cells aligned to the Unix epoch, so one long step and many
short ones agree to well below a watt-hour).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gridlink.connectors.sandbox.physics import solar
from gridlink.connectors.sandbox.simulators.base import CommandRejected, Report, Site, State
from gridlink.wire.timestamps import iso


def _spec(properties: dict[str, Any]) -> solar.SolarSpec:
    return solar.SolarSpec(capacity_kwp=float(properties.get("ratedPower", 6.0)))


def _production_kw(properties: dict[str, Any], site: Site, at: datetime) -> float:
    return solar.power_kw(site.latitude, site.longitude, at, _spec(properties))


def _producing(production_kw: float) -> bool:
    """Producing as reported: at least a watt."""
    return round(production_kw, 3) > 0


class InverterSimulator:
    def initial_state(self, properties: dict[str, Any]) -> State:
        return {"totalLifetimeProduction": 0.0, "isProducing": False, "isReachable": True}

    def advance(
        self, state: State, properties: dict[str, Any], site: Site, start: datetime, end: datetime
    ) -> State:
        if end <= start:
            return state
        energy = solar.energy_kwh(site.latitude, site.longitude, start, end, _spec(properties))
        return {
            **state,
            "totalLifetimeProduction": state["totalLifetimeProduction"] + energy,
            # Kept so that `is_active`, which sees only the state, knows the sun is up.
            "isProducing": _producing(_production_kw(properties, site, end)),
        }

    def seconds_until_change(
        self, state: State, properties: dict[str, Any], site: Site, at: datetime
    ) -> float | None:
        return None  # production changes smoothly; the cadence samples it

    def is_active(self, state: State) -> bool:
        return bool(state["isProducing"])

    def power_kw(self, state: State, properties: dict[str, Any], site: Site, at: datetime) -> float:
        return -_production_kw(properties, site, at)

    def report(self, state: State, properties: dict[str, Any], site: Site, at: datetime) -> Report:
        production = _production_kw(properties, site, at)
        stamp = iso(at)
        capable = {"isCapable": True, "interventionIds": []}
        return {
            "isReachable": state["isReachable"],
            "productionState.productionRate": round(production, 3),
            "productionState.isProducing": _producing(production),
            "productionState.totalLifetimeProduction": round(state["totalLifetimeProduction"], 3),
            "productionState.lastUpdated": stamp,
            "timezone": site.timezone,
            "location.latitude": site.latitude,
            "location.longitude": site.longitude,
            "location.lastUpdated": stamp,
            "capabilities.productionState": capable,
            "capabilities.productionStatistics": capable,
        }

    def check(self, state: State, kind: str, target: dict[str, Any]) -> None:
        raise CommandRejected(f"A solar inverter cannot {kind}; it takes no commands.")

    def execute(self, state: State, kind: str, target: dict[str, Any]) -> State:
        raise CommandRejected(f"A solar inverter cannot {kind}; it takes no commands.")

    def override(self, state: State, field: str, value: Any) -> State:
        """A sandbox override: the device changes at once, as if by hand."""
        if field == "isReachable":
            return {**state, "isReachable": bool(value)}
        raise KeyError(field)
