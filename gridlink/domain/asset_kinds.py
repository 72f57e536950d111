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

    @property
    def read_scope(self) -> str:
        return f"{self.name}:read:data"

    @property
    def location_scope(self) -> str:
        return f"{self.name}:read:location"


KINDS: Final[dict[str, AssetKind]] = {
    kind.name: kind
    for kind in (
        AssetKind("vehicle", "vehicles", "vehicleId", "Vehicles", reports_coordinates=True),
        AssetKind("charger", "chargers", "chargerId", "Chargers", settable_location=True),
        AssetKind("hvac", "hvacs", "hvacId", "HVAC", settable_location=True),
        AssetKind("inverter", "inverters", "inverterId", "Solar inverters",
                  reports_coordinates=True),
        AssetKind("battery", "batteries", "batteryId", "Batteries", reports_coordinates=True),
        AssetKind("meter", "meters", "meterId", "Meters", reports_coordinates=True),
    )
}  # fmt: skip
