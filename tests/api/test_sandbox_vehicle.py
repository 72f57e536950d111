"""A sandbox vehicle behaves like a real one, on its client's sandbox clock."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.support.link_flow import LinkBrowser
from tests.support.server import Credentials, Server
from tests.support.spec import assert_response

SCOPES = ["vehicle:read:data", "vehicle:read:location", "vehicle:control:charging"]


def parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def linked_vehicle(
    server: Server,
    client: Credentials,
    api: httpx.Client,
    scopes: list[str] = SCOPES,
    asset: dict[str, Any] | None = None,
) -> str:
    asset = asset or server.virtual_asset(client.client_id, "vehicle", "TESLA")  # 75 kWh, 11 kW
    url = api.post(
        "/users/driver/link",
        json={"vendorType": "vehicle", "scopes": scopes, "language": "en-US",
              "redirectUri": "https://localhost:3000"},
    ).json()["linkUrl"]  # fmt: skip
    LinkBrowser(url).link("TESLA", asset["username"], asset["password"])
    vehicle_id: str = api.get("/vehicles").json()["data"][0]["id"]
    return vehicle_id


def advance(api: httpx.Client, seconds: float) -> datetime:
    response = api.post("/sandbox/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text
    return parse(response.json()["now"])


def vehicle(api: httpx.Client, vehicle_id: str) -> dict[str, Any]:
    response = api.get(f"/vehicles/{vehicle_id}")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    assert_response("GET", "/vehicles/{vehicleId}", 200, body)
    return body


def test_first_full_state_follows_discovery(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        vehicle_id = linked_vehicle(server, client, api)
        discovered = vehicle(api, vehicle_id)
        assert discovered["information"]["brand"] == "Tesla"
        assert discovered["chargeState"]["batteryLevel"] is None
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            state = vehicle(api, vehicle_id)
            if state["chargeState"]["batteryLevel"] is not None:
                break
            time.sleep(0.25)
        assert state["chargeState"]["batteryLevel"] == 50.0
        assert state["chargeState"]["batteryCapacity"] == 75.0
        assert state["capabilities"]["startCharging"]["isCapable"] is True
        assert state["location"]["latitude"] is not None


def test_charging_from_20_percent_reaches_the_limit_on_time(
    server: Server, client: Credentials
) -> None:
    with server.api(client) as api:
        vehicle_id = linked_vehicle(server, client, api)
        advance(api, 5)  # the first full state
        overridden = api.patch(
            f"/sandbox/assets/{vehicle_id}", json={"isPluggedIn": True, "batteryLevel": 20}
        )
        assert overridden.status_code == 200, overridden.text
        start = parse(overridden.json()["at"])
        state = vehicle(api, vehicle_id)["chargeState"]
        assert state["powerDeliveryState"] == "PLUGGED_IN:CHARGING"
        assert state["chargeRate"] == pytest.approx(11.0, abs=0.1)
        assert state["batteryLevel"] == 20.0

        # 45 kWh at 11.04 kW (16 A, 3 phases, 230 V) takes 14,674 s.
        expected = start + timedelta(seconds=45 / 11.04 * 3600)
        advance(api, 14_000)
        state = vehicle(api, vehicle_id)["chargeState"]
        assert state["isCharging"] is True
        assert 75 < state["batteryLevel"] < 80
        assert state["chargeTimeRemaining"] == pytest.approx(11, abs=2)  # minutes

        advance(api, 1_000)
        state = vehicle(api, vehicle_id)["chargeState"]
        assert state["powerDeliveryState"] == "PLUGGED_IN:COMPLETE"
        assert state["batteryLevel"] == 80.0
        assert state["isCharging"] is False
        assert state["chargeRate"] is None
        # The vendor reported completion at the moment it happened.
        updated = parse(vehicle(api, vehicle_id)["lastSeen"])
        assert abs((updated - expected).total_seconds()) < 1 or updated > expected


def test_charge_actions_take_effect_when_confirmed(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        vehicle_id = linked_vehicle(server, client, api)
        advance(api, 5)
        unplugged = api.post(f"/vehicles/{vehicle_id}/charging", json={"action": "START"})
        assert unplugged.status_code == 400
        assert "not plugged in" in unplugged.json()["detail"]

        api.patch(f"/sandbox/assets/{vehicle_id}", json={"isPluggedIn": True})
        stop = api.post(f"/vehicles/{vehicle_id}/charging", json={"action": "STOP"})
        assert stop.status_code == 200
        assert_response("POST", "/vehicles/{vehicleId}/charging", 200, stop.json())
        assert stop.json()["state"] == "PENDING"
        assert stop.json()["kind"] == "STOP"
        # An identical request reuses the pending action.
        again = api.post(f"/vehicles/{vehicle_id}/charging", json={"action": "STOP"})
        assert again.json()["id"] == stop.json()["id"]
        # Still charging until the vendor confirms.
        assert vehicle(api, vehicle_id)["chargeState"]["isCharging"] is True

        advance(api, 6)
        action = api.get(f"/vehicles/actions/{stop.json()['id']}")
        assert_response("GET", "/vehicles/actions/{actionId}", 200, action.json())
        assert action.json()["state"] == "CONFIRMED"
        assert action.json()["completedAt"] is not None
        state = vehicle(api, vehicle_id)["chargeState"]
        assert state["powerDeliveryState"] == "PLUGGED_IN:STOPPED"
        assert state["isCharging"] is False

        cancelled = api.post(f"/vehicles/{vehicle_id}/charging", json={"action": "START"})
        cancel = api.post(f"/vehicles/actions/{cancelled.json()['id']}/cancel")
        assert cancel.status_code == 200
        assert cancel.json()["state"] == "CANCELLED"
        resolved = api.post(f"/vehicles/actions/{cancelled.json()['id']}/cancel")
        assert resolved.status_code == 409
        assert resolved.json()["state"] == "CANCELLED"
        advance(api, 10)
        assert vehicle(api, vehicle_id)["chargeState"]["isCharging"] is False

        api.patch(f"/sandbox/assets/{vehicle_id}", json={"failNextCommand": True})
        failing = api.post(f"/vehicles/{vehicle_id}/charging", json={"action": "START"})
        advance(api, 6)
        failed = api.get(f"/vehicles/actions/{failing.json()['id']}").json()
        assert failed["state"] == "FAILED"
        assert failed["failureReason"]["type"] == "NO_RESPONSE"
        assert api.get("/vehicles/actions/not-an-action").status_code == 404
        assert api.get(f"/chargers/actions/{failing.json()['id']}").status_code == 404


def test_control_needs_the_control_scope(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        vehicle_id = linked_vehicle(server, client, api, ["vehicle:read:data"])
        advance(api, 5)
        api.patch(f"/sandbox/assets/{vehicle_id}", json={"isPluggedIn": True})
        response = api.post(f"/vehicles/{vehicle_id}/charging", json={"action": "STOP"})
        assert response.status_code == 400
        assert "vehicle:control:charging" in response.json()["detail"]


def test_sandbox_controls_are_checked(server: Server, client: Credentials) -> None:
    production = server.new_client(environment="production")
    with server.api(client) as api, server.api(production) as prod:
        vehicle_id = linked_vehicle(server, client, api)
        advance(api, 5)
        assert api.patch(f"/sandbox/assets/{vehicle_id}", json={}).status_code == 400
        assert (
            api.patch(f"/sandbox/assets/{vehicle_id}", json={"batteryLevel": 140}).status_code
            == 400
        )
        assert (
            api.patch(f"/sandbox/assets/{vehicle_id}", json={"outdoorTemperature": 3}).status_code
            == 400
        )
        assert api.patch("/sandbox/assets/nope", json={"isPluggedIn": True}).status_code == 404
        assert api.post("/sandbox/clock/advance", json={"seconds": -1}).status_code == 400
        assert prod.post("/sandbox/clock/advance", json={"seconds": 1}).status_code == 400
        before = parse(api.get("/sandbox/clock").json()["now"])
        after = advance(api, 3600)
        assert (after - before).total_seconds() >= 3600
        assert advance(api, 0) >= after


def test_invalid_credentials_then_relink(server: Server, client: Credentials) -> None:
    asset = server.virtual_asset(client.client_id, "vehicle", "TESLA")
    with server.api(client) as api:
        vehicle_id = linked_vehicle(server, client, api, asset=asset)
        advance(api, 5)
        body = {"language": "en-US", "redirectUri": "https://localhost:3000"}
        needless = api.post(f"/assets/{vehicle_id}/relink", json=body)
        assert needless.status_code == 400
        assert api.post("/assets/nope/relink", json=body).status_code == 400

        api.patch(f"/sandbox/assets/{vehicle_id}", json={"credentialsValid": False})
        assert api.get("/users/driver").json()["linkedVendors"] == [
            {"vendor": "TESLA", "vendorType": "vehicle", "isValid": False}
        ]
        relink = api.post(f"/assets/{vehicle_id}/relink", json=body)
        assert relink.status_code == 200
        assert_response("POST", "/assets/{assetId}/relink", 200, relink.json())
        browser = LinkBrowser(relink.json()["linkUrl"])
        browser.submit(action="continue")
        assert browser.step == "review"  # the brand is known: no brand step
        browser.submit(action="continue")
        browser.submit(action="continue", username=asset["username"], password=asset["password"])
        browser.submit(action="continue", code="123456")
        assert browser.step == "success"
        assert api.get("/users/driver").json()["linkedVendors"] == [
            {"vendor": "TESLA", "vendorType": "vehicle", "isValid": True}
        ]
        # The same vehicle, not a second one.
        assert [v["id"] for v in api.get("/vehicles").json()["data"]] == [vehicle_id]


def test_a_capability_switched_off_with_an_intervention(
    server: Server, client: Credentials
) -> None:
    with server.api(client) as api:
        vehicle_id = linked_vehicle(server, client, api)
        advance(api, 5)
        api.patch(f"/sandbox/assets/{vehicle_id}", json={"isPluggedIn": True})
        api.patch(f"/sandbox/assets/{vehicle_id}", json={"disableCapability": "stopCharging"})
        capability = vehicle(api, vehicle_id)["capabilities"]["stopCharging"]
        assert capability["isCapable"] is False
        [intervention_id] = capability["interventionIds"]
        intervention = api.get(f"/interventions/{intervention_id}").json()
        assert intervention["vendor"] == "TESLA" and intervention["vendorType"] == "vehicle"
        refused = api.post(f"/vehicles/{vehicle_id}/charging", json={"action": "STOP"})
        assert refused.status_code == 400
        assert "stopCharging" in refused.json()["detail"]
        api.patch(f"/sandbox/assets/{vehicle_id}", json={"enableCapability": "stopCharging"})
        assert vehicle(api, vehicle_id)["capabilities"]["stopCharging"]["isCapable"] is True
        stop = api.post(f"/vehicles/{vehicle_id}/charging", json={"action": "STOP"})
        assert stop.status_code == 200
        unknown = api.patch(f"/sandbox/assets/{vehicle_id}", json={"disableCapability": "fly"})
        assert unknown.status_code == 400


def test_driving_moves_the_odometer_and_drains_the_battery(
    server: Server, client: Credentials
) -> None:
    with server.api(client) as api:
        vehicle_id = linked_vehicle(server, client, api)
        advance(api, 5)
        parked = vehicle(api, vehicle_id)
        plugged = api.patch(f"/sandbox/assets/{vehicle_id}", json={"isPluggedIn": True})
        assert plugged.status_code == 200
        refused = api.patch(f"/sandbox/assets/{vehicle_id}", json={"isDriving": True})
        assert refused.status_code == 400 and "Unplug" in refused.json()["detail"]
        api.patch(f"/sandbox/assets/{vehicle_id}", json={"isPluggedIn": False})
        level = vehicle(api, vehicle_id)["chargeState"]["batteryLevel"]
        api.patch(f"/sandbox/assets/{vehicle_id}", json={"isDriving": True})
        advance(api, 3600)
        moved = vehicle(api, vehicle_id)
        distance = moved["odometer"]["distance"] - parked["odometer"]["distance"]
        assert distance == pytest.approx(45, abs=2)  # an hour at 45 km/h
        # 45 km at 17 kWh/100 km is 7.65 kWh, about 10 % of 75 kWh.
        assert moved["chargeState"]["batteryLevel"] == pytest.approx(level - 10.2, abs=0.5)
        api.patch(f"/sandbox/assets/{vehicle_id}", json={"isDriving": False})
        advance(api, 3600)
        assert vehicle(api, vehicle_id)["odometer"]["distance"] == moved["odometer"]["distance"]
