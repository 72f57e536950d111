"""A simulator's report as the API would answer it, for spec validation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gridlink.domain.asset_kinds import KINDS
from gridlink.domain.reports import merge
from gridlink.wire.asset_documents import discovered_document, render
from gridlink.wire.timestamps import iso
from tests.support.spec import assert_response

VENDORS = {
    "charger": "ZAPTEC",
    "hvac": "TADO",
    "inverter": "SMA",
    "battery": "TESLA",
    "meter": "TESLA",
}
PATHS = {
    "charger": "/chargers/{chargerId}",
    "hvac": "/hvacs/{hvacId}",
    "inverter": "/inverters/{inverterId}",
    "battery": "/batteries/{batteryId}",
    "meter": "/meters/{meterId}",
}
ASSET_ID = "2211e263-0362-4235-83f4-887bdf3ee414"
LOCATION_ID = "8d90101b-3f2f-462a-bbb4-1ed320d33bbe"
EXTERNAL_ID = "54d827e1-8355-4fed-97b5-55940d1d09ba"


def rendered(asset_type: str, report: dict[str, Any], at: datetime) -> dict[str, Any]:
    """The discovered document with the report merged in, rendered for the API."""
    kind = KINDS[asset_type]
    vendor = VENDORS[asset_type]
    blank = discovered_document(kind, vendor, "Sandbox Model", "Sandbox", EXTERNAL_ID, at)
    document, changed = merge(blank, {**report, "lastSeen": iso(at)})
    assert changed, "the report changed nothing in the blank document"
    scopes = [kind.read_scope, kind.location_scope]
    return render(kind, ASSET_ID, "user-1", vendor, document, scopes, LOCATION_ID)


def assert_valid(asset_type: str, report: dict[str, Any], at: datetime) -> dict[str, Any]:
    body = rendered(asset_type, report, at)
    assert_response("GET", PATHS[asset_type], 200, body)
    return body
