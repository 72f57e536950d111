"""Net grid exchange at a site. Sign convention: positive imports from the grid."""

from __future__ import annotations

from dataclasses import dataclass

SECONDS_PER_HOUR = 3600.0


@dataclass(frozen=True)
class GridEnergy:
    import_kwh: float
    export_kwh: float

    @property
    def net_kwh(self) -> float:
        return self.import_kwh - self.export_kwh


def net_grid_kw(
    household_kw: float,
    production_kw: float,
    battery_kw_charging_positive: float,
    ev_charging_kw: float,
) -> float:
    """Power drawn from the grid (negative when the site exports)."""
    return household_kw - production_kw + battery_kw_charging_positive + ev_charging_kw


def split_energy(net_kw: float, seconds: float) -> GridEnergy:
    """Import and export over an interval of constant net power."""
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    energy = net_kw * seconds / SECONDS_PER_HOUR
    return GridEnergy(max(0.0, energy), max(0.0, -energy))


def split_energy_linear(start_kw: float, end_kw: float, seconds: float) -> GridEnergy:
    """Import and export over an interval where net power moves linearly from start to end;
    a sign change inside the interval is split exactly where the power crosses zero."""
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    hours = seconds / SECONDS_PER_HOUR
    if (start_kw >= 0) == (end_kw >= 0):
        energy = (start_kw + end_kw) / 2.0 * hours
        return GridEnergy(max(0.0, energy), max(0.0, -energy))
    crossing = start_kw / (start_kw - end_kw)
    first = start_kw / 2.0 * crossing * hours
    second = end_kw / 2.0 * (1.0 - crossing) * hours
    return GridEnergy(max(first, second), -min(first, second))
