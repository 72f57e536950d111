"""EV battery: AC charge power, a tapering charge curve solved in closed form, range, driving.

The charge curve: the car accepts the offered power up to `taper_start_percent`; above it the
accepted power falls linearly with state of charge to `taper_floor_fraction` of the offered
power at 100 %. With power linear in charge, d(soc)/dt is linear in soc, so the taper region is
an exponential approach that can be solved and inverted exactly. Charging losses are not
modelled: the energy added is the energy stored in the battery.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SECONDS_PER_HOUR = 3600.0


@dataclass(frozen=True)
class VehicleSpec:
    battery_capacity_kwh: float
    max_ac_kw: float
    taper_start_percent: float = 90.0
    taper_floor_fraction: float = 0.1

    def __post_init__(self) -> None:
        if self.battery_capacity_kwh <= 0:
            raise ValueError("battery_capacity_kwh must be positive")
        if self.max_ac_kw < 0:
            raise ValueError("max_ac_kw must not be negative")
        if not 0.0 <= self.taper_start_percent <= 100.0:
            raise ValueError("taper_start_percent must be within 0-100")
        # A zero floor would make 100 % unreachable in finite time.
        if not 0.0 < self.taper_floor_fraction <= 1.0:
            raise ValueError("taper_floor_fraction must be within (0, 1]")


@dataclass(frozen=True)
class ChargeResult:
    percent: float
    energy_kwh_added: float
    # Part of the interval before the limit was reached; the whole interval if it was not.
    seconds_used: float
    reached_limit: bool


def ac_power_kw(
    max_current_a: float, phases: int, spec: VehicleSpec, voltage_v: float = 230.0
) -> float:
    """Power drawn from an AC charger, capped by the car's on-board charger."""
    if max_current_a <= 0 or phases <= 0:
        return 0.0
    return min(phases * voltage_v * max_current_a / 1000.0, spec.max_ac_kw)


def _clamp_percent(value: float) -> float:
    return min(100.0, max(0.0, value))


def _taper_slope(spec: VehicleSpec) -> float:
    """Fraction of offered power lost per percent above the taper start (0 means no taper)."""
    width = 100.0 - spec.taper_start_percent
    if width <= 0.0:
        return 0.0
    return (1.0 - spec.taper_floor_fraction) / width


def _percent_per_second(power_kw: float, spec: VehicleSpec) -> float:
    return power_kw * 100.0 / (spec.battery_capacity_kwh * SECONDS_PER_HOUR)


def charge_power_kw(percent: float, power_kw: float, spec: VehicleSpec) -> float:
    """Power the car actually accepts at `percent` when `power_kw` is offered (0 when full)."""
    percent = _clamp_percent(percent)
    if power_kw <= 0.0 or percent >= 100.0:
        return 0.0
    slope = _taper_slope(spec)
    if percent <= spec.taper_start_percent or slope == 0.0:
        return power_kw
    return power_kw * (1.0 - slope * (percent - spec.taper_start_percent))


def seconds_to_reach(
    state_percent: float, target_percent: float, power_kw: float, spec: VehicleSpec
) -> float:
    """Seconds of charging at `power_kw` offered to go from `state_percent` to `target_percent`."""
    start = _clamp_percent(state_percent)
    target = _clamp_percent(target_percent)
    if target <= start:
        return 0.0
    if power_kw <= 0.0:
        return math.inf
    rate = _percent_per_second(power_kw, spec)
    taper = spec.taper_start_percent
    slope = _taper_slope(spec)
    seconds = 0.0
    if start < taper or slope == 0.0:
        flat_end = target if slope == 0.0 else min(target, taper)
        seconds += (flat_end - start) / rate
        start = flat_end
    if target > start:
        # u = accepted fraction of offered power; du/dt = -slope * rate * u.
        u_start = 1.0 - slope * (start - taper)
        u_target = 1.0 - slope * (target - taper)
        seconds += math.log(u_start / u_target) / (slope * rate)
    return seconds


def _advance_unbounded(start: float, power_kw: float, spec: VehicleSpec, seconds: float) -> float:
    """Percent after `seconds` of charging with no limit other than 100 %."""
    rate = _percent_per_second(power_kw, spec)
    taper = spec.taper_start_percent
    slope = _taper_slope(spec)
    if slope == 0.0:
        return min(100.0, start + rate * seconds)
    if start < taper:
        to_taper = (taper - start) / rate
        if seconds <= to_taper:
            return start + rate * seconds
        seconds -= to_taper
        start = taper
    u = (1.0 - slope * (start - taper)) * math.exp(-slope * rate * seconds)
    return min(100.0, taper + (1.0 - u) / slope)


def charge(
    state_percent: float,
    power_kw: float,
    spec: VehicleSpec,
    seconds: float,
    limit_percent: float = 100.0,
) -> ChargeResult:
    """Charge for `seconds` with `power_kw` offered, stopping exactly at `limit_percent`.

    `power_kw` is used as given (pass `ac_power_kw(...)` to respect the on-board charger).
    """
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    start = _clamp_percent(state_percent)
    limit = _clamp_percent(limit_percent)
    if start >= limit:
        return ChargeResult(start, 0.0, 0.0, True)
    if power_kw <= 0.0 or seconds == 0.0:
        return ChargeResult(start, 0.0, seconds, False)
    to_limit = seconds_to_reach(start, limit, power_kw, spec)
    if seconds >= to_limit:
        end, used, reached = limit, to_limit, True
    else:
        end = min(limit, _advance_unbounded(start, power_kw, spec, seconds))
        used, reached = seconds, False
    energy = (end - start) / 100.0 * spec.battery_capacity_kwh
    return ChargeResult(end, energy, used, reached)


def range_km(percent: float, spec: VehicleSpec, efficiency_kwh_per_100km: float = 17.0) -> float:
    if efficiency_kwh_per_100km <= 0:
        raise ValueError("efficiency_kwh_per_100km must be positive")
    energy = _clamp_percent(percent) / 100.0 * spec.battery_capacity_kwh
    return energy / efficiency_kwh_per_100km * 100.0


def drive(
    percent: float, km: float, spec: VehicleSpec, efficiency_kwh_per_100km: float = 17.0
) -> float:
    """State of charge after driving `km` (the odometer advances by `km`); never below 0."""
    if km < 0:
        raise ValueError("km must not be negative")
    used_percent = km * efficiency_kwh_per_100km / 100.0 / spec.battery_capacity_kwh * 100.0
    return max(0.0, _clamp_percent(percent) - used_percent)
