"""Home battery under the Enode operation modes, for constant inputs over an interval.

Powers are on the AC side: battery power is positive when charging, grid power positive when
importing. The round-trip efficiency is split evenly between charging and discharging, so
storing 1 kWh from the grid takes 1/sqrt(eta) kWh and delivering 1 kWh drains 1/sqrt(eta) kWh.
Under constant inputs the battery power is constant until a state-of-charge limit, then 0:
every step is exact and two steps equal one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

SECONDS_PER_HOUR = 3600.0


class OperationMode(StrEnum):
    IMPORT_FOCUS = "IMPORT_FOCUS"
    EXPORT_FOCUS = "EXPORT_FOCUS"
    # Behaves like SELF_RELIANCE until the caller adds tariff-driven scheduling on top.
    TIME_OF_USE = "TIME_OF_USE"
    SELF_RELIANCE = "SELF_RELIANCE"
    IDLE = "IDLE"


@dataclass(frozen=True)
class BatterySpec:
    capacity_kwh: float
    max_charge_kw: float
    max_discharge_kw: float
    round_trip_efficiency: float = 0.9
    min_soc_percent: float = 5.0

    def __post_init__(self) -> None:
        if self.capacity_kwh <= 0:
            raise ValueError("capacity_kwh must be positive")
        if self.max_charge_kw < 0 or self.max_discharge_kw < 0:
            raise ValueError("power limits must not be negative")
        if not 0.0 < self.round_trip_efficiency <= 1.0:
            raise ValueError("round_trip_efficiency must be within (0, 1]")
        if not 0.0 <= self.min_soc_percent <= 100.0:
            raise ValueError("min_soc_percent must be within 0-100")

    @property
    def one_way_efficiency(self) -> float:
        return math.sqrt(self.round_trip_efficiency)


@dataclass(frozen=True)
class BatteryStep:
    soc_percent: float
    # Averages over the interval.
    battery_power_kw: float
    grid_power_kw: float
    # From the start of the interval until the battery stops at a limit; inf if it never does
    # (or is not moving). Larger than the interval when the limit lies beyond it.
    seconds_until_limit: float
    # Powers at the end of the interval, for reporting live rates.
    end_battery_power_kw: float
    end_grid_power_kw: float
    charged_kwh: float
    discharged_kwh: float
    grid_import_kwh: float
    grid_export_kwh: float


def requested_power_kw(
    mode: OperationMode | str, production_kw: float, household_load_kw: float, spec: BatterySpec
) -> float:
    """Battery power the mode asks for, before state-of-charge limits (positive charging)."""
    mode = OperationMode(mode)
    if mode is OperationMode.IMPORT_FOCUS:
        return spec.max_charge_kw
    if mode is OperationMode.EXPORT_FOCUS:
        return -spec.max_discharge_kw
    if mode in (OperationMode.SELF_RELIANCE, OperationMode.TIME_OF_USE):
        surplus = production_kw - household_load_kw
        if surplus >= 0:
            return min(surplus, spec.max_charge_kw)
        return -min(-surplus, spec.max_discharge_kw)
    return 0.0


def _available_power_kw(soc: float, power_kw: float, spec: BatterySpec) -> float:
    if power_kw > 0 and soc >= 100.0:
        return 0.0
    if power_kw < 0 and soc <= spec.min_soc_percent:
        return 0.0
    return power_kw


def _soc_rate_per_second(power_kw: float, spec: BatterySpec) -> float:
    """Change of state of charge (percent per second) while the AC power is `power_kw`."""
    stored_kw = (
        power_kw * spec.one_way_efficiency if power_kw > 0 else power_kw / spec.one_way_efficiency
    )
    return stored_kw / spec.capacity_kwh / SECONDS_PER_HOUR * 100.0


def _seconds_to_limit(soc: float, power_kw: float, spec: BatterySpec) -> float:
    rate = _soc_rate_per_second(power_kw, spec)
    if rate == 0:  # no power, or so little that the rate underflows
        return math.inf
    limit = 100.0 if power_kw > 0 else spec.min_soc_percent
    return (limit - soc) / rate


def seconds_until_limit(
    soc_percent: float,
    mode: OperationMode | str,
    production_kw: float,
    household_load_kw: float,
    spec: BatterySpec,
) -> float:
    """Seconds until the battery reaches 100 % or its minimum and stops; inf if it never will."""
    soc = min(100.0, max(0.0, soc_percent))
    power = requested_power_kw(mode, production_kw, household_load_kw, spec)
    return _seconds_to_limit(soc, _available_power_kw(soc, power, spec), spec)


def _grid_energy(net_kw: float, seconds: float) -> tuple[float, float]:
    energy = net_kw * seconds / SECONDS_PER_HOUR
    return (energy, 0.0) if energy >= 0 else (0.0, -energy)


def advance(
    soc_percent: float,
    mode: OperationMode | str,
    production_kw: float,
    household_load_kw: float,
    seconds: float,
    spec: BatterySpec,
) -> BatteryStep:
    """The battery after `seconds` of constant production, household load and mode.

    Grid figures cover this site's household, production and battery only; add other loads
    (an EV charger) with the `meter` module.
    """
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    soc = min(100.0, max(0.0, soc_percent))
    power = _available_power_kw(
        soc, requested_power_kw(mode, production_kw, household_load_kw, spec), spec
    )
    to_limit = _seconds_to_limit(soc, power, spec)
    active = min(seconds, to_limit)
    if to_limit <= seconds:
        end_soc = 100.0 if power > 0 else spec.min_soc_percent
        end_power = 0.0
    else:
        end_soc = min(100.0, max(0.0, soc + _soc_rate_per_second(power, spec) * active))
        end_power = power
    base_kw = household_load_kw - production_kw
    import_a, export_a = _grid_energy(base_kw + power, active)
    import_b, export_b = _grid_energy(base_kw, seconds - active)
    battery_kwh = power * active / SECONDS_PER_HOUR
    hours = seconds / SECONDS_PER_HOUR
    average_battery = battery_kwh / hours if hours > 0 else power
    return BatteryStep(
        soc_percent=end_soc,
        battery_power_kw=average_battery,
        grid_power_kw=base_kw + average_battery,
        seconds_until_limit=to_limit,
        end_battery_power_kw=end_power,
        end_grid_power_kw=base_kw + end_power,
        charged_kwh=max(0.0, battery_kwh),
        discharged_kwh=max(0.0, -battery_kwh),
        grid_import_kwh=import_a + import_b,
        grid_export_kwh=export_a + export_b,
    )
