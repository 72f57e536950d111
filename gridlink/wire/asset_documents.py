"""Each asset type's document: the newest API version's shape, as stored.

An asset is stored without the parts that come from elsewhere (its id, user,
scopes, location id); `render` adds them. A newly discovered asset has only its
`information` filled in, as Enode's do, until its first state report.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime
from typing import Any

from gridlink.db.tables import Asset
from gridlink.domain.asset_kinds import KINDS, AssetKind
from gridlink.domain.vendors import display_name
from gridlink.wire.timestamps import iso

Document = dict[str, Any]


def capability(capable: bool = False) -> dict[str, Any]:
    return {"isCapable": capable, "interventionIds": []}


def _capabilities(*names: str) -> dict[str, Any]:
    return {name: capability() for name in names}


def _vehicle(info: dict[str, Any]) -> Document:
    return {
        "isReachable": None,
        "information": {
            "vin": info.get("vin"),
            "brand": info["brand"],
            "model": info.get("model"),
            "year": info.get("year"),
            "displayName": info.get("displayName"),
        },
        "chargeState": {
            "batteryLevel": None, "range": None, "isPluggedIn": None, "isCharging": None,
            "isFullyCharged": None, "batteryCapacity": None, "chargeLimit": None,
            "chargeRate": None, "chargeTimeRemaining": None, "lastUpdated": None,
            "maxCurrent": None, "powerDeliveryState": "UNKNOWN", "pluggedInChargerId": None,
        },
        "smartChargingPolicy": {"isEnabled": False, "deadline": None, "minimumChargeLimit": 0},
        "odometer": {"distance": None, "lastUpdated": None},
        "capabilities": _capabilities(
            "information", "chargeState", "location", "odometer", "setMaxCurrent",
            "startCharging", "stopCharging", "smartCharging",
        ),
        "location": {"longitude": None, "latitude": None, "lastUpdated": None},
    }  # fmt: skip


def _charger(info: dict[str, Any]) -> Document:
    return {
        "isReachable": False,
        "information": {
            "brand": info["brand"],
            "model": info.get("model") or "",
            "year": info.get("year"),
            "serialNumber": info.get("serialNumber") or "",
        },
        "chargeState": {
            "isPluggedIn": None, "isCharging": None, "chargeRate": None, "lastUpdated": None,
            "maxCurrent": None, "powerDeliveryState": "UNKNOWN", "pluggedInVehicleId": None,
        },
        "capabilities": _capabilities(
            "information", "chargeState", "startCharging", "stopCharging", "setMaxCurrent"
        ),
        "location": {"lastUpdated": None},
    }  # fmt: skip


def _hvac(info: dict[str, Any]) -> Document:
    return {
        "isReachable": False,
        "consumptionRate": None,
        "information": {
            "brand": info["brand"],
            "model": info.get("model"),
            "displayName": info.get("displayName") or info["brand"],
            "groupName": None,
            "category": info.get("category", "HEAT_PUMP"),
        },
        "temperatureState": {"currentTemperature": None, "isActive": False, "lastUpdated": None},
        "thermostatState": {
            "mode": "UNKNOWN", "heatSetpoint": None, "coolSetpoint": None, "holdType": "SCHEDULED",
            "lastUpdated": None,
        },
        "capabilities": {
            "capableModes": None,
            "coolSetpointRange": None,
            "heatSetpointRange": None,
            "setpointDifferenceRange": None,
            "setFollowSchedule": capability(),
            "setPermanentHold": capability(),
        },
        "location": {},
    }  # fmt: skip


def _site_information(info: dict[str, Any], with_id: bool) -> dict[str, Any]:
    site = {
        "brand": info["brand"],
        "model": info.get("model") or "",
        "siteName": info.get("siteName") or "Home",
        "installationDate": info["installationDate"],
    }
    return {"id": info["id"], **site} if with_id else site


def _coordinates() -> dict[str, Any]:
    return {"longitude": None, "latitude": None, "lastUpdated": None}


def _inverter(info: dict[str, Any]) -> Document:
    information = _site_information(info, with_id=True)
    information["sn"] = info.get("serialNumber")
    return {
        "isReachable": False,
        "productionState": {
            "productionRate": None, "isProducing": None, "totalLifetimeProduction": None,
            "lastUpdated": None,
        },
        "timezone": None,
        "capabilities": _capabilities("productionState", "productionStatistics"),
        "information": information,
        "location": _coordinates(),
        "hemSystemId": None,
    }  # fmt: skip


def _battery(info: dict[str, Any]) -> Document:
    return {
        "isReachable": False,
        "chargeState": {
            "status": "UNKNOWN", "batteryCapacity": None, "batteryLevel": None, "chargeRate": None,
            "dischargeLimit": None, "lastUpdated": None,
        },
        "config": {"operationMode": "UNKNOWN", "lastUpdated": None},
        "information": _site_information(info, with_id=True),
        "capabilities": _capabilities(
            "exportFocus", "importFocus", "timeOfUse", "selfReliance", "idle"
        ),
        "location": _coordinates(),
        "hemSystemId": None,
    }  # fmt: skip


def _meter(info: dict[str, Any]) -> Document:
    return {
        "isReachable": False,
        "information": _site_information(info, with_id=False),
        "energyState": {"power": None, "lastUpdated": None},
        "location": _coordinates(),
        "capabilities": _capabilities("measuresConsumption", "measuresProduction"),
        "hemSystemId": None,
    }


_BLANK: dict[str, Callable[[dict[str, Any]], Document]] = {
    "vehicle": _vehicle,
    "charger": _charger,
    "hvac": _hvac,
    "inverter": _inverter,
    "battery": _battery,
    "meter": _meter,
}


def discovered_document(
    kind: AssetKind, vendor: str, model: str, name: str, external_id: str, now: datetime
) -> Document:
    """The document of a newly linked asset: information only."""
    info: dict[str, Any] = {
        "brand": display_name(vendor),
        "model": model,
        "displayName": name,
        "id": external_id,
        "serialNumber": external_id.replace("-", "")[:12].upper(),
        "installationDate": iso(now),
    }
    document = _BLANK[kind.name](info)
    document["lastSeen"] = iso(now)
    return document


def render(
    kind: AssetKind,
    asset_id: str,
    user_id: str,
    vendor: str,
    document: Document,
    scopes: list[str],
    location_id: str | None,
) -> Document:
    """The asset as the API answers it, for the scopes its user granted."""
    body = copy.deepcopy(document)
    location = body.setdefault("location", {})
    location["id"] = location_id
    if kind.reports_coordinates and kind.location_scope not in scopes:
        location.update(longitude=None, latitude=None)
    body.update(id=asset_id, userId=user_id, vendor=vendor, scopes=scopes)
    return body


def asset_json(asset: Asset) -> Document:
    """A stored asset as the API answers it."""
    kind = KINDS[asset.asset_type]
    scopes = [s for s in asset.connection.scopes if s.startswith(f"{kind.name}:")]
    return render(
        kind, asset.id, asset.user.user_id, asset.vendor, asset.document, scopes,
        asset.location_id,
    )  # fmt: skip
