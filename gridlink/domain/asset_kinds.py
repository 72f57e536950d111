"""The six asset types (and HEM systems) as one table of facts.

Everything that differs between types lives here or in the type's document
builder (gridlink.wire.asset_documents); the machinery that lists, reads,
locates and refreshes assets is shared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class AssetKind:
    name: str  # the vendor type: "vehicle"
    plural: str  # the path segment: "vehicles"
    id_param: str  # the path parameter: "vehicleId"
    tag: str  # the spec's tag, for gridlink's own OpenAPI
    # PUT /<plural>/{id} with {locationId} exists for this type.
    settable_location: bool = False
    # The type reports coordinates, shown only with <type>:read:location.
    reports_coordinates: bool = False
    # Document paths kept as history, for charts: (path, label, unit).
    history: tuple[tuple[str, str, str], ...] = ()
    # The history path of the power it draws (or produces), for statistics.
    power: str | None = None

    @property
    def read_scope(self) -> str:
        return f"{self.name}:read:data"

    @property
    def location_scope(self) -> str:
        return f"{self.name}:read:location"


KINDS: Final[dict[str, AssetKind]] = {
    kind.name: kind
    for kind in (
        AssetKind("vehicle", "vehicles", "vehicleId", "Vehicles", reports_coordinates=True,
                  power="chargeState.chargeRate",
                  history=(("chargeState.batteryLevel", "Battery level", "%"),
                           ("chargeState.chargeRate", "Charge rate", "kW"))),
        AssetKind("charger", "chargers", "chargerId", "Chargers", settable_location=True,
                  power="chargeState.chargeRate",
                  history=(("chargeState.chargeRate", "Charge rate", "kW"),)),
        AssetKind("hvac", "hvacs", "hvacId", "HVAC", settable_location=True,
                  power="consumptionRate",
                  history=(("temperatureState.currentTemperature", "Room temperature", "°C"),
                           ("thermostatState.heatSetpoint", "Heat setpoint", "°C"),
                           ("consumptionRate", "Consumption", "kW"))),
        AssetKind("inverter", "inverters", "inverterId", "Solar inverters",
                  reports_coordinates=True, power="productionState.productionRate",
                  history=(("productionState.productionRate", "Production", "kW"),)),
        AssetKind("battery", "batteries", "batteryId", "Batteries", reports_coordinates=True,
                  history=(("chargeState.batteryLevel", "Battery level", "%"),
                           ("chargeState.chargeRate", "Charge rate", "kW"))),
        AssetKind("meter", "meters", "meterId", "Meters", reports_coordinates=True,
                  history=(("energyState.power", "Grid power", "kW"),)),
    )
}  # fmt: skip
