"""A simulated home charger: it delivers power to whatever car is plugged in,
while asked to, until that car is full.

The car is anonymous (not one of the user's linked vehicles): a battery with a
level, a capacity and a limit, charged through the physics of `vehicle` so the
power tapers as it fills.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from gridlink.connectors.sandbox.physics import vehicle as physics
from gridlink.connectors.sandbox.simulators.base import CommandRejected, Report, Site, State
from gridlink.wire.timestamps import iso

# A level this close to the limit counts as reached (floating point).
_EPSILON = 1e-6
# The range of currents a charger accepts, in amperes (IEC 61851 starts at 6 A).
MIN_CURRENT = 6.0
MAX_CURRENT = 32.0
# The anonymous car someone plugs in: it accepts up to 22 kW AC, so every
# current the charger offers makes a difference.
CAR_CAPACITY_KWH = 60.0
CAR_MAX_AC_KW = 22.0
CAR_ARRIVAL_LEVEL = 30.0


def _spec(state: State) -> physics.VehicleSpec:
    return physics.VehicleSpec(
        battery_capacity_kwh=float(state["carBatteryCapacity"]), max_ac_kw=CAR_MAX_AC_KW
    )


def _offered_kw(state: State) -> float:
    return physics.ac_power_kw(state["maxCurrent"], state["phases"], _spec(state))


def _full(state: State) -> bool:
    return bool(state["carBatteryLevel"] >= state["carChargeLimit"] - _EPSILON)


def _charging(state: State) -> bool:
    if state.get("vehicleRef"):
        return False  # a linked vehicle charges itself; the engine mirrors it here
    return bool(state["isPluggedIn"] and state["chargingRequested"] and not _full(state))


def _rated_current(properties: dict[str, Any]) -> float:
    return min(MAX_CURRENT, float(properties.get("maxCurrent", MAX_CURRENT)))


class ChargerSimulator:
    def initial_state(self, properties: dict[str, Any]) -> State:
        rated = _rated_current(properties)
        return {
            "isPluggedIn": False,
            "chargingRequested": True,
            "maxCurrent": min(16.0, rated),
            "ratedCurrent": rated,
            "phases": int(properties.get("phases", 3)),
            "isReachable": True,
            "carBatteryLevel": CAR_ARRIVAL_LEVEL,
            "carBatteryCapacity": CAR_CAPACITY_KWH,
            "carChargeLimit": 100.0,
        }

    def advance(
        self, state: State, properties: dict[str, Any], site: Site, start: datetime, end: datetime
    ) -> State:
        seconds = (end - start).total_seconds()
        if seconds <= 0 or not _charging(state):
            return state
        result = physics.charge(
            state["carBatteryLevel"], _offered_kw(state), _spec(state), seconds,
            state["carChargeLimit"],
        )  # fmt: skip
        level = state["carChargeLimit"] if result.reached_limit else result.percent
        return {**state, "carBatteryLevel": level}

    def seconds_until_change(
        self, state: State, properties: dict[str, Any], site: Site, at: datetime
    ) -> float | None:
        if not _charging(state):
            return None
        seconds = physics.seconds_to_reach(
            state["carBatteryLevel"], state["carChargeLimit"], _offered_kw(state), _spec(state)
        )
        return None if math.isinf(seconds) else seconds

    def is_active(self, state: State) -> bool:
        return _charging(state)

    def power_kw(self, state: State, properties: dict[str, Any], site: Site, at: datetime) -> float:
        if not _charging(state):
            return 0.0
        return physics.charge_power_kw(state["carBatteryLevel"], _offered_kw(state), _spec(state))

    def report(self, state: State, properties: dict[str, Any], site: Site, at: datetime) -> Report:
        charging = _charging(state)
        if not state["isPluggedIn"]:
            delivery = "UNPLUGGED"
        elif charging:
            delivery = "PLUGGED_IN:CHARGING"
        else:  # stopped by command, or the car is full and takes no more
            delivery = "PLUGGED_IN:STOPPED"
        rate = round(self.power_kw(state, properties, site, at), 2) if charging else None
        capable = {"isCapable": True, "interventionIds": []}
        return {
            "isReachable": state["isReachable"],
            "chargeState.isPluggedIn": state["isPluggedIn"],
            "chargeState.isCharging": charging,
            "chargeState.chargeRate": rate,
            "chargeState.maxCurrent": state["maxCurrent"],
            "chargeState.powerDeliveryState": delivery,
            "chargeState.pluggedInVehicleId": None,
            "chargeState.lastUpdated": iso(at),
            "capabilities.information": capable,
            "capabilities.chargeState": capable,
            "capabilities.startCharging": capable,
            "capabilities.stopCharging": capable,
            "capabilities.setMaxCurrent": capable,
        }

    def check(self, state: State, kind: str, target: dict[str, Any]) -> None:
        if kind == "charging":
            if not state["isPluggedIn"]:
                raise CommandRejected("No vehicle is plugged into the charger.")
            if target["action"] == "START":
                if _charging(state):
                    raise CommandRejected("The charger is already charging.")
                if _full(state):
                    raise CommandRejected("The plugged-in vehicle is already fully charged.")
            elif target["action"] == "STOP":
                if not _charging(state):
                    raise CommandRejected("The charger is not charging.")
            else:
                raise CommandRejected(f"A charger cannot {target['action']} charging.")
        elif kind == "max_current":
            current = float(target["maxCurrent"])
            rated = float(state["ratedCurrent"])
            if current == state["maxCurrent"]:
                raise CommandRejected(f"The maximum current is already {target['maxCurrent']} A.")
            if current < MIN_CURRENT or current > rated:
                raise CommandRejected(
                    f"The charger accepts a maximum current from {MIN_CURRENT:g} A "
                    f"to {rated:g} A, not {target['maxCurrent']} A."
                )
        else:
            raise CommandRejected(f"A charger cannot {kind}.")

    def execute(self, state: State, kind: str, target: dict[str, Any]) -> State:
        if kind == "charging":
            return {**state, "chargingRequested": target["action"] == "START"}
        if kind == "max_current":
            return {**state, "maxCurrent": float(target["maxCurrent"])}
        raise CommandRejected(f"A charger cannot {kind}.")

    def override(self, state: State, field: str, value: Any) -> State:
        """A sandbox override: the device changes at once, as if by hand."""
        if field == "isPluggedIn":
            plugged = bool(value)
            if plugged and state["isPluggedIn"]:
                return state  # the same car stays plugged in
            if not plugged:
                state = {**state, "vehicleRef": None}
            # Someone arrives with a car that wants charging; unplugging forgets a stop.
            return {
                **state,
                "isPluggedIn": plugged,
                "chargingRequested": True,
                "carBatteryLevel": CAR_ARRIVAL_LEVEL if plugged else state["carBatteryLevel"],
            }
        if field == "isReachable":
            return {**state, "isReachable": bool(value)}
        raise KeyError(field)
