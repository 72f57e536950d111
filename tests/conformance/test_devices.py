"""Devices of every type, linked through Link UI: reads, control calls and
their actions (confirmed, cancelled, and too late to cancel), refusals,
refresh hints, locations, relinking and disconnecting."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.test_sandbox_devices import advance, link
from tests.support.server import Credentials, Server

OSLO = {"name": "Home", "latitude": 59.91, "longitude": 10.75, "timezoneName": "Europe/Oslo"}


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.request.url, response.text)
    return response.json() if response.content else None


def refused(response: httpx.Response, status: int = 400) -> None:
    assert response.status_code == status, (response.request.url, response.text)


def reads(api: httpx.Client, user: str, plural: str, asset_id: str) -> None:
    assert asset_id in [a["id"] for a in ok(api.get(f"/{plural}"))["data"]]
    assert [a["id"] for a in ok(api.get(f"/users/{user}/{plural}"))["data"]] == [asset_id]
    assert ok(api.get(f"/{plural}/{asset_id}"))["id"] == asset_id
    ok(api.post(f"/{plural}/{asset_id}/refresh-hint"), 204)


def cancel_and_conflict(api: httpx.Client, plural: str, send: Any) -> None:
    """A pending action cancels; a confirmed one is a 409 with the action."""
    pending = ok(send())
    assert pending["state"] == "PENDING"
    cancelled = ok(api.post(f"/{plural}/actions/{pending['id']}/cancel"))
    assert cancelled["state"] == "CANCELLED"
    action = ok(send())
    advance(api, 10)
    assert ok(api.get(f"/{plural}/actions/{action['id']}"))["state"] == "CONFIRMED"
    late = api.post(f"/{plural}/actions/{action['id']}/cancel")
    refused(late, 409)
    assert late.json()["state"] == "CONFIRMED"


def test_vehicle(server: Server, client: Credentials, api: httpx.Client) -> None:
    vehicle_id = link(server, client, api, "driver", "vehicle", "TESLA",
                      ["vehicle:read:data", "vehicle:read:location",
                       "vehicle:control:charging"])  # fmt: skip
    advance(api, 5)
    reads(api, "driver", "vehicles", vehicle_id)
    start = {"action": "START"}
    refused(api.post(f"/vehicles/{vehicle_id}/charging", json=start))  # not plugged in
    api.patch(f"/sandbox/assets/{vehicle_id}", json={"isPluggedIn": True, "batteryLevel": 40})
    stop = {"action": "STOP"}
    cancel_and_conflict(api, "vehicles", lambda: api.post(f"/vehicles/{vehicle_id}/charging",
                                                          json=stop))  # fmt: skip
    ok(api.post(f"/vehicles/{vehicle_id}/max-current", json={"maxCurrent": 10}))
    api.patch(f"/sandbox/assets/{vehicle_id}", json={"disableCapability": "setMaxCurrent"})
    refused(api.post(f"/vehicles/{vehicle_id}/max-current", json={"maxCurrent": 12}))
    refused(api.post(f"/vehicles/{vehicle_id}/charging", json={"action": "PAUSE"}))


def test_charger(server: Server, client: Credentials, api: httpx.Client) -> None:
    charger_id = link(server, client, api, "garage", "charger", "ZAPTEC",
                      ["charger:read:data", "charger:control:charging"])  # fmt: skip
    advance(api, 5)
    reads(api, "garage", "chargers", charger_id)
    refused(api.post(f"/chargers/{charger_id}/charging", json={"action": "START"}))  # unplugged
    api.patch(f"/sandbox/assets/{charger_id}", json={"isPluggedIn": True})
    cancel_and_conflict(api, "chargers", lambda: api.post(f"/chargers/{charger_id}/charging",
                                                          json={"action": "STOP"}))  # fmt: skip
    ok(api.post(f"/chargers/{charger_id}/max-current", json={"maxCurrent": 10}))
    api.patch(f"/sandbox/assets/{charger_id}", json={"disableCapability": "setMaxCurrent"})
    refused(api.post(f"/chargers/{charger_id}/max-current", json={"maxCurrent": 12}))
    location = ok(api.post("/users/garage/locations", json=OSLO))
    moved = ok(api.put(f"/chargers/{charger_id}", json={"locationId": location["id"]}))
    assert moved["location"]["id"] == location["id"]
    refused(api.put(f"/chargers/{charger_id}", json={"locationId": "nowhere"}), 400)


def test_hvac(server: Server, client: Credentials, api: httpx.Client) -> None:
    hvac_id = link(server, client, api, "warm", "hvac", "NIBE",
                   ["hvac:read:data", "hvac:control:mode"])  # fmt: skip
    advance(api, 5)
    reads(api, "warm", "hvacs", hvac_id)
    refused(api.post(f"/hvacs/{hvac_id}/follow-schedule"))  # it follows its schedule already
    hold = {"mode": "HEAT", "heatSetpoint": 22}
    cancel_and_conflict(api, "hvacs", lambda: api.post(f"/hvacs/{hvac_id}/permanent-hold",
                                                       json=hold))  # fmt: skip
    refused(api.post(f"/hvacs/{hvac_id}/permanent-hold", json={"mode": "HEAT", "heatSetpoint": 60}))
    back = ok(api.post(f"/hvacs/{hvac_id}/follow-schedule"))
    assert back["target"] == {"holdType": "SCHEDULED"}
    location = ok(api.post("/users/warm/locations", json=OSLO))
    ok(api.put(f"/hvacs/{hvac_id}", json={"locationId": location["id"]}))


def test_battery_meter_inverter_and_hem_system(
    server: Server, client: Credentials, api: httpx.Client
) -> None:
    battery_id = link(server, client, api, "site", "battery", "TESLA",
                      ["battery:read:data", "battery:control:operation_mode"])  # fmt: skip
    meter_id = link(server, client, api, "site", "meter", "TESLA", ["meter:read:data"])
    inverter_id = link(server, client, api, "site", "inverter", "TESLA",
                       ["inverter:read:data", "inverter:read:location"])  # fmt: skip
    advance(api, 5)
    reads(api, "site", "batteries", battery_id)
    reads(api, "site", "meters", meter_id)
    reads(api, "site", "inverters", inverter_id)
    mode = ok(api.get(f"/batteries/{battery_id}"))["config"]["operationMode"]
    refused(api.post(f"/batteries/{battery_id}/operation-mode", json={"operationMode": mode}))
    importing = {"operationMode": "IMPORT_FOCUS"}
    cancel_and_conflict(api, "batteries", lambda: api.post(
        f"/batteries/{battery_id}/operation-mode", json=importing))  # fmt: skip
    hem_systems(api, "site")


def hem_systems(api: httpx.Client, user: str) -> None:
    """A site's devices of one vendor make a HEM system, with statistics."""
    now = advance(api, 2 * 86400)
    listed = ok(api.get("/hem-systems"))["data"]
    assert ok(api.get(f"/users/{user}/hem-systems"))["data"] == listed
    refused(api.get("/hem-systems/anything/statistics", params={"interval": "last week"}))
    [system] = listed
    system_id = system["id"]
    assert ok(api.get(f"/hem-systems/{system_id}"))["id"] == system_id
    statistics = f"/hem-systems/{system_id}/statistics"
    for interval in (now.strftime("%Y-%m-%d"), now.strftime("%Y-%m"), "2020-01"):
        ok(api.get(statistics, params={"interval": interval}))
    refused(api.get(statistics, params={"interval": f"{now.year + 1}-01-01"}))  # not begun


def test_users_links_relinks_and_disconnects(
    server: Server, client: Credentials, api: httpx.Client
) -> None:
    vehicle_id = link(server, client, api, "person", "vehicle", "TESLA", ["vehicle:read:data"])
    assert ok(api.get("/users/person"))["linkedVendors"][0]["isValid"] is True
    assert [u["id"] for u in ok(api.get("/users"))["data"]] == ["person"]
    again = {"language": "en-US", "redirectUri": "https://localhost:3000"}
    refused(api.post(f"/assets/{vehicle_id}/relink", json=again))  # its credentials work
    api.patch(f"/sandbox/assets/{vehicle_id}", json={"credentialsValid": False})
    relink = ok(api.post(f"/assets/{vehicle_id}/relink", json=again))
    assert relink["linkUrl"].startswith(server.url)
    refused(api.post("/users/person/link", json={"vendorType": "toaster"}))
    ok(api.delete("/users/person/vendors/TESLA/vehicle"), 204)
    link(server, client, api, "person", "vehicle", "TESLA", ["vehicle:read:data"])
    ok(api.delete("/users/person/vendors/TESLA"), 204)
    assert ok(api.get("/users/person"))["linkedVendors"] == []
    link(server, client, api, "person", "vehicle", "TESLA", ["vehicle:read:data"])
    ok(api.delete("/users/person/authorization"), 204)
    assert ok(api.get("/users/person"))["linkedVendors"][0]["isValid"] is False
    ok(api.delete("/users/person"), 204)
    refused(api.get("/users/person"), 404)
    refused(api.get("/users", params={"pageSize": 0}))
