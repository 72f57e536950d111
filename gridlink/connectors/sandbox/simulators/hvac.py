"""A simulated heat pump heating or cooling one room toward its setpoints.

The outdoor temperature and the built-in schedule change with time, so time is
cut into cells of `STEP_SECONDS` aligned to the Unix epoch. Within a cell the
inputs are those of its midpoint and the room follows `physics.thermal` exactly,
so any split of an interval gives the same room as one step.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from gridlink.connectors.sandbox.physics import thermal, weather
from gridlink.connectors.sandbox.simulators.base import CommandRejected, Report, Site, State
from gridlink.wire.timestamps import iso

STEP_SECONDS = 900.0
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

MODES = ("HEAT", "COOL", "AUTO", "OFF")
HEAT_RANGE = (7.0, 30.0)
COOL_RANGE = (15.0, 32.0)
DIFFERENCE_RANGE = (2.0, 10.0)
# The device's own schedule: comfortable by day, cooler by night, local time.
SCHEDULE_DAY = (6, 22)
SCHEDULE_DAY_C = 21.0
SCHEDULE_NIGHT_C = 17.0


def _spec(properties: dict[str, Any]) -> thermal.RoomSpec:
    return thermal.RoomSpec(
        heating_kw=float(properties.get("heatingPower", 5.0)),
        cooling_kw=float(properties.get("coolingPower", 3.5)),
    )


def _seconds(at: datetime) -> float:
    return (at - _EPOCH).total_seconds()


def _midpoint(cell_start: float) -> datetime:
    return _EPOCH + timedelta(seconds=cell_start + STEP_SECONDS / 2)


def _cell_start(seconds: float) -> float:
    return math.floor(seconds / STEP_SECONDS) * STEP_SECONDS


def _cells(start: datetime, end: datetime) -> Iterator[tuple[float, datetime]]:
    """(seconds, cell midpoint) of each piece of [start, end] within one cell."""
    a, b = _seconds(start), _seconds(end)
    cell = _cell_start(a)
    while cell < b:
        lo, hi = max(a, cell), min(b, cell + STEP_SECONDS)
        if hi > lo:
            yield hi - lo, _midpoint(cell)
        cell += STEP_SECONDS


def _outdoor_c(state: State, site: Site, when: datetime) -> float:
    override = state.get("outdoorTemperature")
    if override is None:
        override = site.outdoor_c
    if override is not None:
        return float(override)
    return weather.outdoor_c(site.latitude, when, ZoneInfo(site.timezone))


def _thermostat(state: State, site: Site, when: datetime) -> tuple[str, float, float]:
    """(mode, heat setpoint, cool setpoint) in force at `when`."""
    if state["holdType"] == "SCHEDULED":
        hour = when.astimezone(ZoneInfo(site.timezone)).hour
        day = SCHEDULE_DAY[0] <= hour < SCHEDULE_DAY[1]
        heat = SCHEDULE_DAY_C if day else SCHEDULE_NIGHT_C
        return "HEAT", heat, float(state["coolSetpoint"])
    return state["mode"], float(state["heatSetpoint"]), float(state["coolSetpoint"])


def _heat_kw(state: State, properties: dict[str, Any], site: Site, at: datetime) -> float:
    """Heat delivered at `at` (positive heating, negative cooling)."""
    middle = _midpoint(_cell_start(_seconds(at)))
    mode, heat, cool = _thermostat(state, site, middle)
    room = thermal.RoomState(state["temperature"])
    outdoor = _outdoor_c(state, site, middle)
    return thermal.heat_kw_now(room, mode, heat, cool, outdoor, _spec(properties))


def _electric_kw(heat_kw: float, spec: thermal.RoomSpec) -> float:
    cop = spec.heating_cop if heat_kw >= 0 else spec.cooling_cop
    return abs(heat_kw) / cop


def _in(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


class HvacSimulator:
    def initial_state(self, properties: dict[str, Any]) -> State:
        return {
            "temperature": 19.0,
            "mode": "HEAT",
            "heatSetpoint": 21.0,
            "coolSetpoint": 24.0,
            "holdType": "SCHEDULED",
            "isReachable": True,
        }

    def advance(
        self, state: State, properties: dict[str, Any], site: Site, start: datetime, end: datetime
    ) -> State:
        if end <= start:
            return state
        spec = _spec(properties)
        room = thermal.RoomState(state["temperature"])
        for seconds, middle in _cells(start, end):
            mode, heat, cool = _thermostat(state, site, middle)
            outdoor = _outdoor_c(state, site, middle)
            room = thermal.advance(room, mode, heat, cool, outdoor, seconds, spec).state
        return {**state, "temperature": room.temperature_c}

    def seconds_until_change(
        self, state: State, properties: dict[str, Any], site: Site, at: datetime
    ) -> float | None:
        if not self.is_active(state):
            return None  # the room drifts toward outdoors, nothing switches
        now = _seconds(at)
        cell = _cell_start(now)
        middle = _midpoint(cell)
        mode, heat, cool = _thermostat(state, site, middle)
        room = thermal.RoomState(state["temperature"])
        outdoor = _outdoor_c(state, site, middle)
        change = thermal.seconds_until_change(room, mode, heat, cool, outdoor, _spec(properties))
        # The outdoor temperature and the schedule move on at the cell's end.
        return min(change, cell + STEP_SECONDS - now)

    def is_active(self, state: State) -> bool:
        return bool(state["holdType"] == "SCHEDULED" or state["mode"] != "OFF")

    def power_kw(self, state: State, properties: dict[str, Any], site: Site, at: datetime) -> float:
        return _electric_kw(_heat_kw(state, properties, site, at), _spec(properties))

    def report(self, state: State, properties: dict[str, Any], site: Site, at: datetime) -> Report:
        mode, heat, cool = _thermostat(state, site, _midpoint(_cell_start(_seconds(at))))
        heat_kw = _heat_kw(state, properties, site, at)
        stamp = iso(at)
        capable = {"isCapable": True, "interventionIds": []}
        return {
            "isReachable": state["isReachable"],
            "consumptionRate": round(_electric_kw(heat_kw, _spec(properties)), 2),
            "temperatureState.currentTemperature": round(state["temperature"], 1),
            "temperatureState.isActive": abs(heat_kw) > 1e-9,
            "temperatureState.lastUpdated": stamp,
            "thermostatState.mode": mode,
            # A setpoint the mode does not use is not reported.
            "thermostatState.heatSetpoint": heat if mode in ("HEAT", "AUTO") else None,
            "thermostatState.coolSetpoint": cool if mode in ("COOL", "AUTO") else None,
            "thermostatState.holdType": state["holdType"],
            "thermostatState.lastUpdated": stamp,
            "capabilities.capableModes": list(MODES),
            "capabilities.heatSetpointRange": {"min": HEAT_RANGE[0], "max": HEAT_RANGE[1]},
            "capabilities.coolSetpointRange": {"min": COOL_RANGE[0], "max": COOL_RANGE[1]},
            "capabilities.setpointDifferenceRange": {
                "min": DIFFERENCE_RANGE[0],
                "max": DIFFERENCE_RANGE[1],
            },
            "capabilities.setFollowSchedule": capable,
            "capabilities.setPermanentHold": capable,
        }

    def check(self, state: State, kind: str, target: dict[str, Any]) -> None:
        if kind == "follow_schedule":
            if state["holdType"] == "SCHEDULED":
                raise CommandRejected("The HVAC unit is already following its schedule.")
        elif kind == "permanent_hold":
            _check_hold(state, target)
        else:
            raise CommandRejected(f"An HVAC unit cannot {kind}.")

    def execute(self, state: State, kind: str, target: dict[str, Any]) -> State:
        if kind == "follow_schedule":
            return {**state, "holdType": "SCHEDULED"}
        if kind == "permanent_hold":
            setpoints = ("heatSetpoint", "coolSetpoint")
            changed: State = {k: float(target[k]) for k in setpoints if k in target}
            return {**state, **changed, "mode": target["mode"], "holdType": "PERMANENT"}
        raise CommandRejected(f"An HVAC unit cannot {kind}.")

    def override(self, state: State, field: str, value: Any) -> State:
        """A sandbox override: the device changes at once, as if by hand."""
        if field == "outdoorTemperature":
            if value is None:  # back to the weather
                return {k: v for k, v in state.items() if k != "outdoorTemperature"}
            return {**state, "outdoorTemperature": float(value)}
        if field == "isReachable":
            return {**state, "isReachable": bool(value)}
        raise KeyError(field)


def _setpoint(target: dict[str, Any], mode: str, name: str, bounds: tuple[float, float]) -> float:
    """The setpoint the hold names, checked against the device's range."""
    value = target.get(f"{name}Setpoint")
    if value is None:
        raise CommandRejected(f"A {mode} hold needs a {name}Setpoint.")
    if not _in(float(value), bounds):
        raise CommandRejected(
            f"The {name} setpoint must be from {bounds[0]:g} to {bounds[1]:g} °C, "
            f"not {float(value):g} °C."
        )
    return float(value)


def _check_hold(state: State, target: dict[str, Any]) -> None:
    mode = target.get("mode")
    if mode not in MODES:
        raise CommandRejected(f"{mode} is not a mode; choose one of {', '.join(MODES)}.")
    heat = _setpoint(target, mode, "heat", HEAT_RANGE) if mode in ("HEAT", "AUTO") else None
    cool = _setpoint(target, mode, "cool", COOL_RANGE) if mode in ("COOL", "AUTO") else None
    if heat is not None and cool is not None and not _in(cool - heat, DIFFERENCE_RANGE):
        raise CommandRejected(
            f"In AUTO the cool setpoint must be {DIFFERENCE_RANGE[0]:g} to "
            f"{DIFFERENCE_RANGE[1]:g} °C above the heat setpoint."
        )
    same = (
        state["holdType"] == "PERMANENT"
        and state["mode"] == mode
        and (heat is None or heat == state["heatSetpoint"])
        and (cool is None or cool == state["coolSetpoint"])
    )
    if same:
        raise CommandRejected("The HVAC unit already holds exactly this mode and setpoints.")
