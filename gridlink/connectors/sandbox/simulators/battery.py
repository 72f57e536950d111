"""A simulated home battery under the Enode operation modes.

What it charges from or covers depends on the household's load and on its
neighbours (solar production, cars charging), which change with time. Time is
cut into cells of `STEP_SECONDS` aligned to the Unix epoch; within a cell the
inputs are those at its midpoint and `physics.battery` is exact, so any split
of an interval gives the same battery as one step. Live figures (the reported
rate, `power_kw`) use the inputs at the very instant, so a meter at the same
site sees the battery balance the house.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from gridlink.connectors.sandbox.physics import battery as physics
from gridlink.connectors.sandbox.physics import household
from gridlink.connectors.sandbox.simulators.base import CommandRejected, Report, Site, State
from gridlink.wire.timestamps import iso

STEP_SECONDS = 900.0
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MODES = tuple(mode.value for mode in physics.OperationMode)
# The reserve it never discharges below, in percent (reported as dischargeLimit).
MIN_LEVEL = 5.0


def _spec(properties: dict[str, Any]) -> physics.BatterySpec:
    power = float(properties.get("maxPower", 5.0))
    return physics.BatterySpec(
        capacity_kwh=float(properties.get("capacity", 10.0)),
        max_charge_kw=power,
        max_discharge_kw=power,
        min_soc_percent=MIN_LEVEL,
    )


def _seconds(at: datetime) -> float:
    return (at - _EPOCH).total_seconds()


def _cell_start(seconds: float) -> float:
    return math.floor(seconds / STEP_SECONDS) * STEP_SECONDS


def _cells(start: datetime, end: datetime) -> Iterator[tuple[float, datetime]]:
    """(seconds, cell midpoint) of each piece of [start, end] within one cell."""
    a, b = _seconds(start), _seconds(end)
    cell = _cell_start(a)
    while cell < b:
        lo, hi = max(a, cell), min(b, cell + STEP_SECONDS)
        if hi > lo:
            yield hi - lo, _EPOCH + timedelta(seconds=cell + STEP_SECONDS / 2)
        cell += STEP_SECONDS


def _inputs(site: Site, when: datetime) -> tuple[float, float]:
    """(production kW, load kW) at the site at `when`: the household and any cars."""
    around = site.neighbours(when)
    load = household.load_kw_at(when, ZoneInfo(site.timezone)) + around.ev_kw
    return around.production_kw, load


def _live_kw(state: State, properties: dict[str, Any], site: Site, at: datetime) -> float:
    """Battery power at `at`, positive charging, zero at a state-of-charge limit."""
    production, load = _inputs(site, at)
    step = physics.advance(
        state["batteryLevel"], state["operationMode"], production, load, 0.0, _spec(properties)
    )
    return step.end_battery_power_kw


class BatterySimulator:
    def initial_state(self, properties: dict[str, Any]) -> State:
        return {"batteryLevel": 50.0, "operationMode": "SELF_RELIANCE", "isReachable": True}

    def advance(
        self, state: State, properties: dict[str, Any], site: Site, start: datetime, end: datetime
    ) -> State:
        if end <= start or state["operationMode"] == "IDLE":
            return state
        spec = _spec(properties)
        level = float(state["batteryLevel"])
        for seconds, middle in _cells(start, end):
            production, load = _inputs(site, middle)
            step = physics.advance(level, state["operationMode"], production, load, seconds, spec)
            level = step.soc_percent
        return {**state, "batteryLevel": level}

    def seconds_until_change(
        self, state: State, properties: dict[str, Any], site: Site, at: datetime
    ) -> float | None:
        if not self.is_active(state):
            return None
        now = _seconds(at)
        cell = _cell_start(now)
        production, load = _inputs(site, _EPOCH + timedelta(seconds=cell + STEP_SECONDS / 2))
        to_limit = physics.seconds_until_limit(
            state["batteryLevel"], state["operationMode"], production, load, _spec(properties)
        )
        # The household and the neighbours move on at the cell's end.
        return min(to_limit, cell + STEP_SECONDS - now)

    def is_active(self, state: State) -> bool:
        mode = state["operationMode"]
        level = state["batteryLevel"]
        if mode == "IDLE":
            return False
        if mode == "IMPORT_FOCUS":
            return bool(level < 100.0)
        if mode == "EXPORT_FOCUS":
            return bool(level > MIN_LEVEL)
        return True  # follows the house and the sun

    def power_kw(self, state: State, properties: dict[str, Any], site: Site, at: datetime) -> float:
        return _live_kw(state, properties, site, at)

    def report(self, state: State, properties: dict[str, Any], site: Site, at: datetime) -> Report:
        spec = _spec(properties)
        rate = round(_live_kw(state, properties, site, at), 3)
        status = "CHARGING" if rate > 0 else "DISCHARGING" if rate < 0 else "IDLE"
        stamp = iso(at)
        capable = {"isCapable": True, "interventionIds": []}
        return {
            "isReachable": state["isReachable"],
            "chargeState.status": status,
            "chargeState.batteryCapacity": spec.capacity_kwh,
            "chargeState.batteryLevel": round(state["batteryLevel"], 1),
            # Positive while charging, as the spec describes.
            "chargeState.chargeRate": rate + 0.0,  # never -0.0
            "chargeState.dischargeLimit": spec.min_soc_percent,
            "chargeState.lastUpdated": stamp,
            "config.operationMode": state["operationMode"],
            "config.lastUpdated": stamp,
            "location.latitude": site.latitude,
            "location.longitude": site.longitude,
            "location.lastUpdated": stamp,
            "capabilities.exportFocus": capable,
            "capabilities.importFocus": capable,
            "capabilities.timeOfUse": capable,
            "capabilities.selfReliance": capable,
            "capabilities.idle": capable,
        }

    def check(self, state: State, kind: str, target: dict[str, Any]) -> None:
        if kind != "operation_mode":
            raise CommandRejected(f"A battery cannot {kind}.")
        mode = target.get("operationMode")
        if mode not in MODES:
            raise CommandRejected(
                f"{mode} is not an operation mode; choose one of {', '.join(MODES)}."
            )
        if mode == state["operationMode"]:
            raise CommandRejected(f"The battery is already in {mode}.")

    def execute(self, state: State, kind: str, target: dict[str, Any]) -> State:
        if kind == "operation_mode":
            return {**state, "operationMode": target["operationMode"]}
        raise CommandRejected(f"A battery cannot {kind}.")

    def override(self, state: State, field: str, value: Any) -> State:
        """A sandbox override: the device changes at once, as if by hand."""
        if field == "batteryLevel":
            return {**state, "batteryLevel": min(100.0, max(0.0, float(value)))}
        if field == "isReachable":
            return {**state, "isReachable": bool(value)}
        raise KeyError(field)
