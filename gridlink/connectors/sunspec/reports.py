"""What a SunSpec device's models say, as state reports for its assets."""

from __future__ import annotations

from typing import Any

from gridlink.connectors.sunspec import models
from gridlink.connectors.sunspec.models import CHARGE_LIMIT, DISCHARGE_LIMIT, Value
from gridlink.wire.timestamps import iso

Values = dict[int, dict[str, Value]]
BOTH_LIMITS = CHARGE_LIMIT | DISCHARGE_LIMIT

# Battery operation modes over model 124: (StorCtl_Mod, InWRte %, OutWRte %).
# The limits stay on, so the device holds the mode until told otherwise;
# SELF_RELIANCE hands control back to the device's own logic.
MODES: dict[str, tuple[int, float, float]] = {
    "IMPORT_FOCUS": (BOTH_LIMITS, 100.0, 0.0),
    "EXPORT_FOCUS": (BOTH_LIMITS, 0.0, 100.0),
    "IDLE": (BOTH_LIMITS, 0.0, 0.0),
    "SELF_RELIANCE": (0, 100.0, 100.0),
}
_CAPABILITY = {
    "IMPORT_FOCUS": "importFocus",
    "EXPORT_FOCUS": "exportFocus",
    "IDLE": "idle",
    "SELF_RELIANCE": "selfReliance",
    "TIME_OF_USE": "timeOfUse",
}
# Model 124's ChaSt, as an Enode battery status.
_CHARGE_STATUS = {1: "IDLE", 2: "IDLE", 3: "DISCHARGING", 4: "CHARGING", 5: "IDLE", 6: "IDLE"}


def asset_types(values: Values) -> list[str]:
    """The assets a device holds, by the models it offers."""
    found = {models.ASSET_OF[m] for m in values if m in models.ASSET_OF}
    return [t for t in ("inverter", "battery", "meter") if t in found]


def _number(values: Values, *points: tuple[int, str]) -> float | None:
    for model, name in points:
        value = values.get(model, {}).get(name)
        if isinstance(value, int | float):
            return float(value)
    return None


def _kilo(value: float | None) -> float | None:
    return None if value is None else round(value / 1000.0, 3)


def operation_mode(storage: dict[str, Value]) -> str:
    """Model 124's controls read back as the operation mode they mean."""
    control, rate_in, rate_out = (
        storage.get("StorCtl_Mod"),
        storage.get("InWRte"),
        storage.get("OutWRte"),
    )
    if control == 0:
        return "SELF_RELIANCE"
    if control == BOTH_LIMITS and isinstance(rate_in, float) and isinstance(rate_out, float):
        for mode, (wanted, want_in, want_out) in MODES.items():
            if (
                wanted == control
                and (rate_in > 0) == (want_in > 0)
                and (rate_out > 0) == (want_out > 0)
            ):
                return mode
    return "UNKNOWN"


def report(asset_type: str, values: Values, now: Any) -> dict[str, Any]:
    """The state report for one asset of the device."""
    stamp = iso(now)
    common = values.get(models.COMMON, {})
    if asset_type == "inverter":
        # The 10x/11x inverter models first, then model 701 (DER AC measurement):
        # a device that offers both keeps reporting what it did before 701 was read.
        legacy = (103, 102, 101, 113, 112, 111)
        watts = _number(values, *((m, "W") for m in legacy), (701, "W"))
        lifetime = _number(values, *((m, "WH") for m in legacy), (701, "TotWhInj"))
        return {
            "productionState.productionRate": _kilo(watts),
            "productionState.isProducing": None if watts is None else watts > 0,
            "productionState.totalLifetimeProduction": _kilo(lifetime),
            "productionState.lastUpdated": stamp,
            "information.sn": common.get("SN"),
            "capabilities.productionState": {"isCapable": True, "interventionIds": []},
        }
    if asset_type == "battery":
        storage = values.get(124)
        watts = _number(values, (802, "W"))
        rate = None if watts is None else -watts / 1000.0  # SunSpec: positive discharges
        status = "UNKNOWN"
        if rate is not None:
            status = "CHARGING" if rate > 0 else "DISCHARGING" if rate < 0 else "IDLE"
        elif storage is not None and isinstance(storage.get("ChaSt"), int):
            status = _CHARGE_STATUS.get(int(storage["ChaSt"] or 0), "UNKNOWN")
        result: dict[str, Any] = {
            "chargeState.status": status,
            "chargeState.batteryLevel": _number(
                values, (802, "SoC"), (713, "SoC"), (124, "ChaState")
            ),
            "chargeState.batteryCapacity": _kilo(_number(values, (802, "WHRtg"), (713, "WHRtg"))),
            "chargeState.chargeRate": None if rate is None else round(rate, 3),
            "chargeState.lastUpdated": stamp,
        }
        for mode, capability in _CAPABILITY.items():
            capable = storage is not None and mode in MODES
            result[f"capabilities.{capability}"] = {"isCapable": capable, "interventionIds": []}
        if storage is not None:
            result["config.operationMode"] = operation_mode(storage)
            result["config.lastUpdated"] = stamp
        return result
    watts = _number(values, *((m, "W") for m in sorted(models.METERS)))
    return {
        "energyState.power": _kilo(watts),
        "energyState.lastUpdated": stamp,
        "capabilities.measuresConsumption": {"isCapable": True, "interventionIds": []},
        "capabilities.measuresProduction": {"isCapable": True, "interventionIds": []},
    }
