"""What OCPP 1.6 messages say about a charger, as state reports (dotted paths of
the charger document); the reports and meter readings 2.0.1 shares with it too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# What a status means for the charger: (isPluggedIn, isCharging, powerDeliveryState);
# isPluggedIn None: not known.
State = tuple[bool | None, bool, str]
UNKNOWN: State = (None, False, "UNKNOWN")

# Connector status → the charger's state.
_STATUS: dict[str, State] = {
    "Available": (False, False, "UNPLUGGED"),
    "Reserved": (False, False, "UNPLUGGED"),
    "Preparing": (True, False, "PLUGGED_IN:INITIALIZING"),
    "Charging": (True, True, "PLUGGED_IN:CHARGING"),
    "SuspendedEV": (True, False, "PLUGGED_IN:STOPPED"),
    "SuspendedEVSE": (True, False, "PLUGGED_IN:NO_POWER"),
    "Finishing": (True, False, "PLUGGED_IN:STOPPED"),
    "Unavailable": (None, False, "UNKNOWN"),
    "Faulted": (None, False, "PLUGGED_IN:FAULT"),
}

# Which connector speaks for a charger with several: the one doing the most.
_TELLING = ("Charging", "SuspendedEVSE", "SuspendedEV", "Finishing", "Preparing", "Faulted",
            "Reserved", "Available", "Unavailable")  # fmt: skip
# A vehicle is plugged into a connector with one of these statuses, not charging yet.
WAITING = ("Preparing", "SuspendedEV", "SuspendedEVSE", "Finishing")

CAPABLE = {"isCapable": True, "interventionIds": []}


def charger_status(connectors: dict[int, str]) -> str:
    """The status of the charger as one asset: its most telling connector's."""
    known = [status for status in connectors.values() if status in _TELLING]
    return min(known, key=_TELLING.index) if known else "Unavailable"


def plug_to_start(connectors: dict[int, str]) -> int:
    """The connector a remote start is for: one with a vehicle waiting, else the first."""
    waiting = sorted(c for c, status in connectors.items() if status in WAITING)
    return waiting[0] if waiting else min(connectors, default=1)


def boot_report(boot: dict[str, str | None]) -> dict[str, Any]:
    """BootNotification: who the charger is, and that it can be controlled."""
    serial = boot.get("chargePointSerialNumber") or boot.get("chargeBoxSerialNumber") or ""
    return {
        "isReachable": True,
        "information.brand": boot.get("vendor") or "",
        "information.model": boot.get("model") or "",
        "information.serialNumber": serial,
        **{
            f"capabilities.{name}": CAPABLE
            for name in ("information", "chargeState", "startCharging", "stopCharging",
                         "setMaxCurrent")
        },
    }  # fmt: skip


def status_report(status: str, at: str) -> dict[str, Any]:
    return state_report(_STATUS.get(status, UNKNOWN), at)


def state_report(state: State, at: str) -> dict[str, Any]:
    plugged, charging, delivery = state
    report: dict[str, Any] = {
        "chargeState.isCharging": charging,
        "chargeState.powerDeliveryState": delivery,
        "chargeState.lastUpdated": at,
    }
    if plugged is not None:
        report["chargeState.isPluggedIn"] = plugged
    if not charging:
        report["chargeState.chargeRate"] = None
    return report


def sample_watts(sample: dict[str, Any]) -> float:
    """A 1.6 sampled value in W: a string, in W unless it says kW."""
    value = float(sample["value"])
    return value * 1000 if sample.get("unit") == "kW" else value


def total_kw(by_connector: dict[int, float]) -> float:
    """The charger's power: its connectors' together, or its main meter (connector 0)
    where that is all it reports."""
    plugs = [kw for connector, kw in by_connector.items() if connector > 0]
    return round(sum(plugs) if plugs else by_connector.get(0, 0.0), 2)


def power_kw(
    meter_values: list[dict[str, Any]], watts: Callable[[dict[str, Any]], float] = sample_watts
) -> float | None:
    """The latest Power.Active.Import among the meter values (kW), summing phases
    when the charger sends no total; `watts` reads a sample in the version's terms."""
    power = None
    for meter_value in meter_values:
        samples = [
            s
            for s in meter_value.get("sampled_value", [])
            if s.get("measurand") == "Power.Active.Import"
        ]
        totals = [s for s in samples if not s.get("phase")]
        if totals:
            power = watts(totals[-1])
        elif samples:
            power = sum(watts(s) for s in samples if str(s["phase"]).count("-") == 0)
    return None if power is None else round(power / 1000, 2)
