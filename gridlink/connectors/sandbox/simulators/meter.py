"""A simulated grid meter: it measures what the whole site draws from the grid.

The site is a household (its load follows local wall-clock time) plus the
neighbours: cars charging, batteries charging or discharging, solar producing.
It measures and consumes nothing itself, and has no state beyond reachability.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from gridlink.connectors.sandbox.physics import household, meter
from gridlink.connectors.sandbox.simulators.base import CommandRejected, Report, Site, State
from gridlink.wire.timestamps import iso


def grid_kw(site: Site, at: datetime) -> float:
    """Net power drawn from the grid at `at`: positive importing, negative exporting."""
    around = site.neighbours(at)
    return meter.net_grid_kw(
        household_kw=household.load_kw_at(at, ZoneInfo(site.timezone)),
        production_kw=around.production_kw,
        battery_kw_charging_positive=around.battery_kw,
        ev_charging_kw=around.ev_kw,
    )


class MeterSimulator:
    def initial_state(self, properties: dict[str, Any]) -> State:
        return {"isReachable": True}

    def advance(
        self, state: State, properties: dict[str, Any], site: Site, start: datetime, end: datetime
    ) -> State:
        return state  # it keeps no running totals

    def seconds_until_change(
        self, state: State, properties: dict[str, Any], site: Site, at: datetime
    ) -> float | None:
        return None  # the cadence samples the site

    def is_active(self, state: State) -> bool:
        return True  # the site always draws or gives something

    def power_kw(self, state: State, properties: dict[str, Any], site: Site, at: datetime) -> float:
        # It measures the others and draws nothing; it must not ask its
        # neighbours here, as they may be asking it.
        return 0.0

    def report(self, state: State, properties: dict[str, Any], site: Site, at: datetime) -> Report:
        stamp = iso(at)
        capable = {"isCapable": True, "interventionIds": []}
        return {
            "isReachable": state["isReachable"],
            # Positive importing from the grid, negative exporting, as the spec describes.
            "energyState.power": round(grid_kw(site, at), 3) + 0.0,  # never -0.0
            "energyState.lastUpdated": stamp,
            "location.latitude": site.latitude,
            "location.longitude": site.longitude,
            "location.lastUpdated": stamp,
            "capabilities.measuresConsumption": capable,
            "capabilities.measuresProduction": capable,
        }

    def check(self, state: State, kind: str, target: dict[str, Any]) -> None:
        raise CommandRejected(f"A meter cannot {kind}; it takes no commands.")

    def execute(self, state: State, kind: str, target: dict[str, Any]) -> State:
        raise CommandRejected(f"A meter cannot {kind}; it takes no commands.")

    def override(self, state: State, field: str, value: Any) -> State:
        """A sandbox override: the device changes at once, as if by hand."""
        if field == "isReachable":
            return {**state, "isReachable": bool(value)}
        raise KeyError(field)
