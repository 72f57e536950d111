"""A room heated or cooled by a heat pump: a first-order (single RC) thermal model.

    dT/dt = (T_out - T) / tau + k * Q

with Q the heat delivered (kW, heating positive, cooling negative) and k = degrees_per_kwh / 3600.
The controller runs at full power until the temperature reaches the active setpoint, then
delivers exactly the heat needed to balance losses there (an ideal modulating heat pump). Under
constant inputs every phase has constant Q, so the temperature is an exponential approach to
T_out + k * tau * Q: each phase and the time to each setpoint are solved in closed form.

Electric power is heat divided by the coefficient of performance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

SECONDS_PER_HOUR = 3600.0
# Temperatures this close to a setpoint count as on it, so float noise cannot start a phase
# of vanishing length and flip the controller back and forth.
_SNAP_C = 1e-9
_MAX_PHASES = 8


class HvacMode(StrEnum):
    HEAT = "HEAT"
    COOL = "COOL"
    AUTO = "AUTO"
    OFF = "OFF"


@dataclass(frozen=True)
class RoomSpec:
    """Defaults: a well-insulated house with a 30 h time constant and 3.3 kWh/°C of heat
    capacity, so losses are 0.11 kW/°C. The 5 kW heat pump holds 21 °C at -5 °C with 2.9 kW and
    down to about -24 °C; recovering from 15 °C to 21 °C at -5 °C outdoors takes about 8 h."""

    time_constant_s: float = 30 * SECONDS_PER_HOUR
    heating_kw: float = 5.0
    cooling_kw: float = 3.5
    degrees_per_kwh: float = 0.3
    heating_cop: float = 3.0
    cooling_cop: float = 3.0

    def __post_init__(self) -> None:
        if self.time_constant_s <= 0 or self.degrees_per_kwh <= 0:
            raise ValueError("time_constant_s and degrees_per_kwh must be positive")
        if self.heating_kw < 0 or self.cooling_kw < 0:
            raise ValueError("heating_kw and cooling_kw must not be negative")
        if self.heating_cop <= 0 or self.cooling_cop <= 0:
            raise ValueError("coefficients of performance must be positive")

    @property
    def loss_kw_per_degree(self) -> float:
        return SECONDS_PER_HOUR / (self.degrees_per_kwh * self.time_constant_s)


@dataclass(frozen=True)
class RoomState:
    temperature_c: float


@dataclass(frozen=True)
class RoomStep:
    state: RoomState
    # Electricity drawn by the heat pump (never negative), averaged over the interval.
    average_power_kw: float
    energy_kwh: float
    # Heat delivered to the room, averaged: positive heating, negative cooling.
    average_heat_kw: float


@dataclass(frozen=True)
class _Phase:
    heat_kw: float
    # True when the controller holds the temperature exactly on a setpoint.
    holding: bool


def _setpoints(mode: HvacMode, heat_setpoint: float, cool_setpoint: float) -> tuple[float, ...]:
    if mode is HvacMode.HEAT:
        return (heat_setpoint,)
    if mode is HvacMode.COOL:
        return (cool_setpoint,)
    if mode is HvacMode.AUTO:
        return (heat_setpoint, cool_setpoint)
    return ()


def _phase(
    temperature: float,
    mode: HvacMode,
    heat_setpoint: float,
    cool_setpoint: float,
    outdoor_c: float,
    spec: RoomSpec,
) -> _Phase:
    heats = mode in (HvacMode.HEAT, HvacMode.AUTO)
    cools = mode in (HvacMode.COOL, HvacMode.AUTO)
    if heats and temperature < heat_setpoint:
        return _Phase(spec.heating_kw, False)
    if cools and temperature > cool_setpoint:
        return _Phase(-spec.cooling_kw, False)
    on_heat = heats and temperature == heat_setpoint
    on_cool = cools and temperature == cool_setpoint
    if not (on_heat or on_cool):
        return _Phase(0.0, False)
    needed = (temperature - outdoor_c) * spec.loss_kw_per_degree
    low = -spec.cooling_kw if on_cool else 0.0
    high = spec.heating_kw if on_heat else 0.0
    heat = min(high, max(low, needed))
    # Any clamped case (including needed == 0 with nothing to clamp) drifts or holds exactly.
    return _Phase(heat, heat == needed)


def _equilibrium(heat_kw: float, outdoor_c: float, spec: RoomSpec) -> float:
    return outdoor_c + heat_kw / spec.loss_kw_per_degree


def _next_crossing(
    temperature: float, target_eq: float, setpoints: tuple[float, ...], spec: RoomSpec
) -> tuple[float, float] | None:
    """(seconds, setpoint) of the first setpoint strictly between here and the equilibrium."""
    best: tuple[float, float] | None = None
    for point in setpoints:
        if min(temperature, target_eq) < point < max(temperature, target_eq):
            seconds = spec.time_constant_s * math.log(
                (temperature - target_eq) / (point - target_eq)
            )
            if best is None or seconds < best[0]:
                best = (seconds, point)
    return best


def _snap(temperature: float, setpoints: tuple[float, ...]) -> float:
    for point in setpoints:
        if abs(temperature - point) <= _SNAP_C:
            return point
    return temperature


def _check(mode: HvacMode, heat_setpoint: float, cool_setpoint: float) -> None:
    if mode is HvacMode.AUTO and heat_setpoint > cool_setpoint:
        raise ValueError("heat_setpoint must not exceed cool_setpoint in AUTO mode")


def advance(
    state: RoomState,
    mode: HvacMode | str,
    heat_setpoint: float,
    cool_setpoint: float,
    outdoor_c: float,
    seconds: float,
    spec: RoomSpec | None = None,
) -> RoomStep:
    """The room after `seconds` under constant mode, setpoints and outdoor temperature."""
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    spec = spec or RoomSpec()
    mode = HvacMode(mode)
    _check(mode, heat_setpoint, cool_setpoint)
    points = _setpoints(mode, heat_setpoint, cool_setpoint)
    temperature = _snap(state.temperature_c, points)
    remaining = seconds
    heat_kwh = 0.0
    electric_kwh = 0.0
    for _ in range(_MAX_PHASES):
        phase = _phase(temperature, mode, heat_setpoint, cool_setpoint, outdoor_c, spec)
        duration = remaining
        crossing = None
        if not phase.holding:
            target = _equilibrium(phase.heat_kw, outdoor_c, spec)
            crossing = _next_crossing(temperature, target, points, spec)
            if crossing is not None and crossing[0] < remaining:
                duration = crossing[0]
            else:
                crossing = None
                decay = math.exp(-duration / spec.time_constant_s)
                temperature = target + (temperature - target) * decay
        cop = spec.heating_cop if phase.heat_kw >= 0 else spec.cooling_cop
        heat_kwh += phase.heat_kw * duration / SECONDS_PER_HOUR
        electric_kwh += abs(phase.heat_kw) / cop * duration / SECONDS_PER_HOUR
        remaining -= duration
        if crossing is None:
            break
        temperature = crossing[1]
    hours = seconds / SECONDS_PER_HOUR
    return RoomStep(
        state=RoomState(temperature),
        average_power_kw=electric_kwh / hours if hours > 0 else 0.0,
        energy_kwh=electric_kwh,
        average_heat_kw=heat_kwh / hours if hours > 0 else 0.0,
    )


def heat_kw_now(
    state: RoomState,
    mode: HvacMode | str,
    heat_setpoint: float,
    cool_setpoint: float,
    outdoor_c: float,
    spec: RoomSpec | None = None,
) -> float:
    """Heat the controller delivers at this instant (positive heating, negative cooling)."""
    spec = spec or RoomSpec()
    mode = HvacMode(mode)
    _check(mode, heat_setpoint, cool_setpoint)
    temperature = _snap(state.temperature_c, _setpoints(mode, heat_setpoint, cool_setpoint))
    return _phase(temperature, mode, heat_setpoint, cool_setpoint, outdoor_c, spec).heat_kw


def seconds_until_setpoint(
    state: RoomState,
    mode: HvacMode | str,
    heat_setpoint: float,
    cool_setpoint: float,
    outdoor_c: float,
    spec: RoomSpec | None = None,
) -> float:
    """Seconds until the room first reaches an active setpoint: 0 if it is on one now,
    `math.inf` if constant inputs never bring it there."""
    spec = spec or RoomSpec()
    mode = HvacMode(mode)
    _check(mode, heat_setpoint, cool_setpoint)
    points = _setpoints(mode, heat_setpoint, cool_setpoint)
    temperature = _snap(state.temperature_c, points)
    if temperature in points:
        return 0.0
    return seconds_until_change(state, mode, heat_setpoint, cool_setpoint, outdoor_c, spec)


def seconds_until_change(
    state: RoomState,
    mode: HvacMode | str,
    heat_setpoint: float,
    cool_setpoint: float,
    outdoor_c: float,
    spec: RoomSpec | None = None,
) -> float:
    """Seconds until the controller's power next changes under constant inputs (the next
    event for a discrete-event simulator), or `math.inf` if it never does."""
    spec = spec or RoomSpec()
    mode = HvacMode(mode)
    _check(mode, heat_setpoint, cool_setpoint)
    points = _setpoints(mode, heat_setpoint, cool_setpoint)
    temperature = _snap(state.temperature_c, points)
    phase = _phase(temperature, mode, heat_setpoint, cool_setpoint, outdoor_c, spec)
    if phase.holding:
        return math.inf
    target = _equilibrium(phase.heat_kw, outdoor_c, spec)
    crossing = _next_crossing(temperature, target, points, spec)
    return math.inf if crossing is None else crossing[0]
