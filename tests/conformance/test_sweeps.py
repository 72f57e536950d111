"""Every operation at once: without a token (401), with ids that do not exist
(404), and the calls that need no set-up (service health, integrations,
interventions)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.conformance import Operation, operations

NOWHERE = "00000000-0000-4000-8000-000000000000"
PATH_VALUES = {"userId": "conformance-nobody", "vendor": "TESLA", "vendorType": "vehicle",
               "tariffId": "no-such-tariff", "interventionId": NOWHERE}  # fmt: skip
OSLO = {"name": "Home", "latitude": 59.91, "longitude": 10.75, "timezoneName": "Europe/Oslo"}
LINK = {"vendorType": "vehicle", "scopes": ["vehicle:read:data"], "language": "en-US",
        "redirectUri": "https://localhost:3000"}  # fmt: skip
STATISTICS = {"startDate": "2025-01-01T00:00:00Z", "type": "vehicle"}
# Valid input for each operation that takes some, so that an unknown id is
# what the server answers about.
INPUT: dict[str, dict[str, Any]] = {
    "postUserSetOperationMode": {"json": {"operationMode": "IMPORT_FOCUS"}},
    "updateCharger": {"json": {"locationId": None}},
    "updateHVAC": {"json": {"locationId": None}},
    "controlChargerCharging": {"json": {"action": "START"}},
    "postVehiclesVehicleidCharging": {"json": {"action": "START"}},
    "postSetChargerMaxCurrent": {"json": {"maxCurrent": 10}},
    "postVehiclesVehicleidMaxCurrent": {"json": {"maxCurrent": 10}},
    "postSetHvacPermanentHold": {"json": {"mode": "HEAT", "heatSetpoint": 21}},
    "createLocation": {"json": OSLO},
    "updateLocation": {"json": {"name": "Cabin"}},
    "getHemsStatistics": {"params": {"interval": "2025-05-01"}},
    "createSchedule": {
        "json": {
            "targetId": NOWHERE,
            "targetType": "vehicle",
            "locationId": None,
            "isEnabled": False,
            "defaultShouldCharge": True,
            "rules": [],
        }
    },  # fmt: skip
    "updateSchedule": {"json": {"isEnabled": False}},
    "getChargingSessionsStatistics": {"params": STATISTICS},
    "getChargingStatistics": {"params": STATISTICS},
    "getInverterStatistics": {"params": {"year": 2025, "month": 2}},
    "sendTariffInformation": {"json": [{"name": "FLAT", "cost": "1.00"}]},
    "associateUserLocationWithTariff": {"json": {"tariffId": "t", "tariffIntervals": []}},
    "postUsersUseridLink": {"json": LINK},
    "postAssetsAssetidRelink": {
        "json": {"language": "en-US", "redirectUri": "https://localhost:3000"}
    },  # fmt: skip
    "updateVehicleSmartChargingPolicy": {"json": {"isEnabled": False}},
    "createWebhook": {"json": {"url": "https://example.com/hook", "secret": "s" * 32}},
    "updateWebhook": {"json": {"events": ["*"]}},
}
# What an id that does not exist gets, where it is not a 404.
UNKNOWN_ID_STATUS = {
    "postUsersUseridLink": 200,  # linking creates the user
    "sendTariffInformation": 204,  # storing creates the tariff
    "deleteUsersUserid": 204,  # removing what is not there is done
    "deleteUsersUseridAuthorization": 204,
    "disconnectUserVendor": 204,
    "disconnectUserVendorVendorType": 204,
    "postAssetsAssetidRelink": 400,  # the spec's "Asset not found or already linked"
}


def url(operation: Operation) -> str:
    path = operation.path
    for name in operation.path_params:
        path = path.replace(f"{{{name}}}", PATH_VALUES.get(name, NOWHERE))
    return path


def send(http: httpx.Client, operation: Operation, **extra: Any) -> httpx.Response:
    return http.request(operation.method, url(operation), **{**INPUT.get(operation.id, {}),
                                                            **extra})  # fmt: skip


def test_every_secured_operation_wants_a_token(anonymous: httpx.Client) -> None:
    secured = [op for op in operations() if op.secured]
    assert len(secured) == len(operations()) - 1  # all but /health/ready
    for operation in secured:
        for headers in ({}, {"Authorization": "Bearer not-a-token"}):
            response = send(anonymous, operation, headers=headers)
            assert response.status_code == 401, (operation.id, response.text)
            assert response.headers["www-authenticate"] == "Bearer"
    ready = anonymous.get("/health/ready")
    assert ready.status_code == 204 and ready.content == b""


def test_ids_that_do_not_exist(api: httpx.Client) -> None:
    # Those that create what they name go last, so the others find nothing.
    named = [op for op in operations() if op.path_params]
    for operation in sorted(named, key=lambda op: op.id in UNKNOWN_ID_STATUS):
        response = send(api, operation)
        expected = UNKNOWN_ID_STATUS.get(operation.id, 404)
        assert response.status_code == expected, (operation.id, response.text)


def test_service_health_integrations_and_interventions(api: httpx.Client) -> None:
    for plural in ("chargers", "vehicles", "batteries", "inverters", "hvacs", "meters"):
        vendors = api.get(f"/health/{plural}")
        assert vendors.status_code == 200 and vendors.json()
    assert api.get("/integrations").status_code == 200
    assert api.get("/integrations", params={"assetTypes": "toaster"}).status_code == 400
    interventions = api.get("/interventions", params={"vendorType": "vehicle"})
    assert interventions.status_code == 200 and interventions.json()
    one = api.get(f"/interventions/{interventions.json()[0]['id']}", params={"language": "de-DE"})
    assert one.status_code == 200
    assert api.get("/interventions", params={"language": "xx-XX"}).status_code == 400
