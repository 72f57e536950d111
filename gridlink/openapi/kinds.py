"""The OpenAPI facts of each asset type's generated routes: the shape of the
asset and its actions, and the operationIds (Enode's, so that generated
clients name the calls as Enode's SDKs do)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from gridlink.openapi import models


@dataclass(frozen=True)
class KindDocs:
    model: Any
    page: Any
    list_all: str
    list_for_user: str
    get: str
    refresh_hint: str
    health: str
    update: str | None = None
    action: Any = None
    get_action: str | None = None
    cancel_action: str | None = None


KINDS: Final[dict[str, KindDocs]] = {
    "vehicle": KindDocs(
        models.Vehicle, models.VehiclePage, "getVehicles", "listUserVehicles", "getVehicle",
        "vehiclesRefreshHint", "getHealthVehicleVendors", action=models.ChargingAction,
        get_action="getVehiclesAction", cancel_action="cancelVehicleAction",
    ),
    "charger": KindDocs(
        models.Charger, models.ChargerPage, "listChargers", "listUserChargers", "getCharger",
        "chargersRefreshHint", "getHealthChargerVendors", update="updateCharger",
        action=models.ChargingAction, get_action="getChargersAction",
        cancel_action="cancelChargerAction",
    ),
    "hvac": KindDocs(
        models.Hvac, models.HvacPage, "listHVACs", "listUserHVACs", "getHVAC", "hvacsRefreshHint",
        "getHealthHvacVendors", update="updateHVAC", action=models.HvacAction,
        get_action="getHvacsAction", cancel_action="cancelHvacAction",
    ),
    "inverter": KindDocs(
        models.Inverter, models.InverterPage, "listInverters", "listUserInverters",
        "getInverter", "invertersRefreshHint", "getHealthInverterVendors",
    ),
    "battery": KindDocs(
        models.Battery, models.BatteryPage, "listBatteries", "listUserBatteries", "getBattery",
        "batteriesRefreshHint", "getHealthBatteryVendors", action=models.BatteryAction,
        get_action="getBatteriesAction", cancel_action="cancelBatteryAction",
    ),
    "meter": KindDocs(
        models.Meter, models.MeterPage, "listMeters", "listUserMeters", "getMeter",
        "metersRefreshHint", "getHealthMeterVendors",
    ),
}  # fmt: skip

# Control calls: (asset type, command) -> operationId.
CONTROLS: Final[dict[tuple[str, str], str]] = {
    ("vehicle", "charging"): "postVehiclesVehicleidCharging",
    ("vehicle", "max_current"): "postVehiclesVehicleidMaxCurrent",
    ("charger", "charging"): "controlChargerCharging",
    ("charger", "max_current"): "postSetChargerMaxCurrent",
    ("hvac", "permanent_hold"): "postSetHvacPermanentHold",
    ("hvac", "follow_schedule"): "postSetHvacFollowSchedule",
    ("battery", "operation_mode"): "postUserSetOperationMode",
}
