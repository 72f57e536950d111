"""What OCPP 2.0.1 messages say about a charging station, as state reports.

2.0.1 splits what 1.6 put in one connector status: StatusNotification says only
whether a connector is occupied, and each transaction's TransactionEvents say
whether it charges. An EVSE's condition is the more telling of the two, and the
station's, as one asset, its most telling EVSE's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gridlink.connectors.ocpp import messages
from gridlink.connectors.ocpp.messages import UNKNOWN, State

# Condition of an EVSE → the charger's state. Conditions are a transaction's
# charging state, a connector status, or "Finishing": a transaction ended with
# the vehicle still plugged in (1.6's status of that name).
_CONDITION: dict[str, State] = {
    # TransactionEvent's transactionInfo.chargingState
    "Charging": (True, True, "PLUGGED_IN:CHARGING"),
    "SuspendedEVSE": (True, False, "PLUGGED_IN:NO_POWER"),
    "SuspendedEV": (True, False, "PLUGGED_IN:STOPPED"),
    "EVConnected": (True, False, "PLUGGED_IN:INITIALIZING"),
    "Idle": (False, False, "UNPLUGGED"),
    "Finishing": (True, False, "PLUGGED_IN:STOPPED"),
    # StatusNotification's connectorStatus
    "Occupied": (True, False, "PLUGGED_IN:INITIALIZING"),
    "Faulted": (None, False, "PLUGGED_IN:FAULT"),
    "Reserved": (False, False, "UNPLUGGED"),
    "Available": (False, False, "UNPLUGGED"),
    "Unavailable": UNKNOWN,
}

# Which EVSE speaks for a station with several: the one doing the most.
_TELLING = ("Charging", "SuspendedEVSE", "SuspendedEV", "Finishing", "EVConnected", "Occupied",
            "Faulted", "Idle", "Reserved", "Available", "Unavailable")  # fmt: skip
# Which connector speaks for an EVSE with several (one plug in use at a time).
_CONNECTOR_TELLING = ("Occupied", "Faulted", "Reserved", "Available", "Unavailable")
# A vehicle is plugged into an EVSE in one of these conditions, not charging.
WAITING = ("SuspendedEVSE", "SuspendedEV", "Finishing", "EVConnected", "Occupied")


def _most_telling(conditions: Iterable[str], order: tuple[str, ...]) -> str | None:
    known = [condition for condition in conditions if condition in order]
    return min(known, key=order.index) if known else None


def evse_condition(connectors: dict[int, str], charging: str | None, finished: bool) -> str:
    """An EVSE's condition, from its connectors' statuses, the charging state of its
    transaction (None: none running, or not told) and whether one ended plugged in."""
    status = _most_telling(connectors.values(), _CONNECTOR_TELLING)
    if status == "Faulted":
        return status
    if charging is not None:
        return charging
    if finished and status in (None, "Occupied"):
        return "Finishing"
    return status or "Unavailable"


def charger_condition(evses: Iterable[str]) -> str:
    """The condition of the station as one asset: its most telling EVSE's."""
    return _most_telling(evses, _TELLING) or "Unavailable"


def state_report(condition: str, at: str) -> dict[str, Any]:
    return messages.state_report(_CONDITION.get(condition, UNKNOWN), at)


def evse_to_start(evses: dict[int, str]) -> int | None:
    """The EVSE a remote start is for: one with a vehicle waiting, else the first
    known; None leaves the choice to the station."""
    waiting = sorted(evse for evse, condition in evses.items() if condition in WAITING)
    return waiting[0] if waiting else min(evses, default=None)


def sample_watts(sample: dict[str, Any]) -> float:
    """A 2.0.1 sampled value in W: a number, times 10^multiplier of its unit."""
    unit = sample.get("unit_of_measure") or {}
    value = float(sample["value"]) * 10.0 ** int(unit.get("multiplier", 0))
    return value * 1000 if unit.get("unit") == "kW" else value


def power_kw(meter_values: list[dict[str, Any]]) -> float | None:
    """The latest Power.Active.Import among the meter values (kW)."""
    return messages.power_kw(meter_values, sample_watts)
