"""A simulated EV: it charges while plugged in and asked to, up to its limit."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from gridlink.connectors.sandbox.physics import vehicle as physics
from gridlink.connectors.sandbox.simulators.base import CommandRejected, Report, Site, State
from gridlink.wire.timestamps import iso

# A level this close to the limit counts as reached (floating point).
_EPSILON = 1e-6
# A sandbox car on the move: town and country mixed.
DRIVING_KMH = 45.0


def _spec(properties: dict[str, Any]) -> physics.VehicleSpec:
    return physics.VehicleSpec(
        battery_capacity_kwh=float(properties.get("batteryCapacity", 64.0)),
        max_ac_kw=float(properties.get("maxAcPower", 11.0)),
    )


def _power_kw(state: State, properties: dict[str, Any]) -> float:
    power = physics.ac_power_kw(state["maxCurrent"], state["phases"], _spec(properties))
    # Plugged into a linked charger: it offers no more than its own current allows.
    offered = state.get("chargerKw")
    return power if offered is None else min(power, float(offered))


def _driving(state: State) -> bool:
    return bool(state.get("isDriving")) and state["batteryLevel"] > _EPSILON


def _charging(state: State) -> bool:
    return bool(
        state["isPluggedIn"]
        and state["chargingRequested"]
        and state["batteryLevel"] < state["chargeLimit"] - _EPSILON
    )


class VehicleSimulator:
    def initial_state(self, properties: dict[str, Any]) -> State:
        return {
            "batteryLevel": 50.0,
            "chargeLimit": 80.0,
            "isPluggedIn": False,
            "chargingRequested": True,
            "maxCurrent": 16.0,
            "phases": 3,
            "odometer": 12_000.0,
            "latitude": 59.9139,
            "longitude": 10.7522,
            "isReachable": True,
        }

    def advance(
        self, state: State, properties: dict[str, Any], site: Site, start: datetime, end: datetime
    ) -> State:
        seconds = (end - start).total_seconds()
        if seconds > 0 and _driving(state):
            spec = _spec(properties)
            # Distance the battery allows, at most: the car stops when it is empty.
            reach = state["batteryLevel"] / 100 * spec.battery_capacity_kwh / 17.0 * 100
            km = min(DRIVING_KMH * seconds / 3600, reach)
            level = physics.drive(state["batteryLevel"], km, spec)
            return {**state, "batteryLevel": level, "odometer": state["odometer"] + km,
                    "isDriving": level > _EPSILON}  # fmt: skip
        if seconds <= 0 or not _charging(state):
            return state
        result = physics.charge(
            state["batteryLevel"], _power_kw(state, properties), _spec(properties), seconds,
            state["chargeLimit"],
        )  # fmt: skip
        level = state["chargeLimit"] if result.reached_limit else result.percent
        return {**state, "batteryLevel": level}

    def seconds_until_change(
        self, state: State, properties: dict[str, Any], site: Site, at: datetime
    ) -> float | None:
        if _driving(state):
            spec = _spec(properties)
            reach = float(state["batteryLevel"]) / 100 * spec.battery_capacity_kwh / 17.0 * 100
            return reach / DRIVING_KMH * 3600
        if not _charging(state):
            return None
        seconds = physics.seconds_to_reach(
            state["batteryLevel"], state["chargeLimit"], _power_kw(state, properties),
            _spec(properties),
        )  # fmt: skip
        return None if math.isinf(seconds) else seconds

    def is_active(self, state: State) -> bool:
        return _charging(state) or _driving(state)

    def power_kw(self, state: State, properties: dict[str, Any], site: Site, at: datetime) -> float:
        if not _charging(state):
            return 0.0
        power = _power_kw(state, properties)
        return physics.charge_power_kw(state["batteryLevel"], power, _spec(properties))

    def report(self, state: State, properties: dict[str, Any], site: Site, at: datetime) -> Report:
        spec = _spec(properties)
        charging = _charging(state)
        level = state["batteryLevel"]
        complete = state["isPluggedIn"] and level >= state["chargeLimit"] - _EPSILON
        if not state["isPluggedIn"]:
            delivery = "UNPLUGGED"
        elif charging:
            delivery = "PLUGGED_IN:CHARGING"
        elif complete:
            delivery = "PLUGGED_IN:COMPLETE"
        else:
            delivery = "PLUGGED_IN:STOPPED"
        rate = None
        remaining = None
        if charging:
            rate = round(physics.charge_power_kw(level, _power_kw(state, properties), spec), 2)
            remaining = round(self.seconds_until_change(state, properties, site, at) or 0) // 60
        stamp = iso(at)
        capable = {"isCapable": True, "interventionIds": []}
        return {
            "isReachable": state["isReachable"],
            "chargeState.batteryLevel": round(level, 1),
            "chargeState.range": round(physics.range_km(level, spec)),
            "chargeState.isPluggedIn": state["isPluggedIn"],
            "chargeState.isCharging": charging,
            "chargeState.isFullyCharged": level >= 100 - _EPSILON,
            "chargeState.batteryCapacity": spec.battery_capacity_kwh,
            "chargeState.chargeLimit": state["chargeLimit"],
            "chargeState.chargeRate": rate,
            "chargeState.chargeTimeRemaining": remaining,
            "chargeState.maxCurrent": state["maxCurrent"],
            "chargeState.powerDeliveryState": delivery,
            "chargeState.lastUpdated": stamp,
            "odometer.distance": round(state["odometer"], 1),
            "odometer.lastUpdated": stamp,
            "location.latitude": state["latitude"],
            "location.longitude": state["longitude"],
            "location.lastUpdated": stamp,
            "capabilities.information": capable,
            "capabilities.chargeState": capable,
            "capabilities.location": capable,
            "capabilities.odometer": capable,
            "capabilities.setMaxCurrent": capable,
            "capabilities.startCharging": capable,
            "capabilities.stopCharging": capable,
            "capabilities.smartCharging": capable,
        }

    def check(self, state: State, kind: str, target: dict[str, Any]) -> None:
        if kind == "charging":
            if not state["isPluggedIn"]:
                raise CommandRejected("The vehicle is not plugged in.")
            if target["action"] == "START":
                if _charging(state):
                    raise CommandRejected("The vehicle is already charging.")
                if state["batteryLevel"] >= state["chargeLimit"] - _EPSILON:
                    raise CommandRejected("The vehicle is already charged to its limit.")
            elif not _charging(state):
                raise CommandRejected("The vehicle is not charging.")
        elif kind == "max_current" and target["maxCurrent"] == state["maxCurrent"]:
            raise CommandRejected(f"The maximum current is already {target['maxCurrent']} A.")

    def execute(self, state: State, kind: str, target: dict[str, Any]) -> State:
        if kind == "charging":
            return {**state, "chargingRequested": target["action"] == "START"}
        if kind == "max_current":
            return {**state, "maxCurrent": float(target["maxCurrent"])}
        raise CommandRejected(f"A vehicle cannot {kind}.")

    def override(self, state: State, field: str, value: Any) -> State:
        """A sandbox override: the device changes at once, as if by hand."""
        if field == "isPluggedIn":
            # Plugging in starts charging (and parks the car), as cars do;
            # unplugging forgets a stop and leaves any charger.
            parked = {"isDriving": False} if value else {"chargerRef": None, "chargerKw": None}
            return {**state, **parked, "isPluggedIn": bool(value), "chargingRequested": True}
        if field == "isDriving":
            if value and state["isPluggedIn"]:
                raise ValueError("Unplug the vehicle before it drives off.")
            return {**state, "isDriving": bool(value)}
        if field == "batteryLevel":
            return {**state, "batteryLevel": float(value)}
        if field == "chargeLimit":
            return {**state, "chargeLimit": float(value)}
        if field == "isReachable":
            return {**state, "isReachable": bool(value)}
        raise KeyError(field)
