"""Older API versions, produced from the newest shape by small ordered changes
(as Stripe does): each change knows the version that introduced it and how to
undo it. A response for version V undoes, newest first, every change made
after V."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gridlink.domain.versions import LATEST

Body = dict[str, Any]


@dataclass(frozen=True)
class AssetChange:
    """A change to one or more asset types' shape."""

    version: str  # the version that introduced it
    description: str
    asset_types: tuple[str, ...]
    undo: Callable[[Body], Body]


def _location_to_top_level(
    key: str, keep_place: bool, added_last_updated: bool = False
) -> Callable[[Body], Body]:
    """2024-10-01 moved the top-level location id into `location.id` (and gave
    some types a `location.lastUpdated`)."""

    def undo(body: Body) -> Body:
        place = dict(body.get("location") or {})
        older = {k: v for k, v in body.items() if k != "location"}
        older[key] = place.pop("id", None)
        if added_last_updated:
            place.pop("lastUpdated", None)
        if keep_place:
            older["location"] = place
        return older

    return undo


def _without_serial_number(body: Body) -> Body:
    information = {k: v for k, v in (body.get("information") or {}).items() if k != "sn"}
    return {**body, "information": information}


def _meter_location_coordinates_only(body: Body) -> Body:
    place = body.get("location") or {}
    return {**body, "location": {k: v for k, v in place.items() if k in ("latitude", "longitude")}}


# Newest first.
ASSET_CHANGES: tuple[AssetChange, ...] = (
    AssetChange("2024-10-01", "Vehicles: top-level locationId moved to location.id",
                ("vehicle",), _location_to_top_level("locationId", keep_place=True)),
    AssetChange("2024-10-01", "Chargers: top-level locationId moved to location.id",
                ("charger",), _location_to_top_level("locationId", keep_place=False)),
    AssetChange("2024-10-01", "HVACs: top-level locationId moved to location.id",
                ("hvac",), _location_to_top_level("locationId", keep_place=False)),
    AssetChange("2024-10-01", "Batteries: top-level locationId moved to location.id",
                ("battery",), _location_to_top_level("locationId", True, added_last_updated=True)),
    AssetChange("2024-10-01", "Inverters: top-level chargingLocationId moved to location.id",
                ("inverter",),
                _location_to_top_level("chargingLocationId", True, added_last_updated=True)),
    AssetChange("2024-10-01", "Inverters: serial number under information.sn",
                ("inverter",), _without_serial_number),
    AssetChange("2024-10-01", "Meters: location.id and location.lastUpdated",
                ("meter",), _meter_location_coordinates_only),
)  # fmt: skip


def asset_for(asset_type: str, body: Body, version: str) -> Body:
    """The asset as `version` shows it."""
    if version >= LATEST:
        return body
    for change in ASSET_CHANGES:
        if version < change.version and asset_type in change.asset_types:
            body = change.undo(body)
    return body
