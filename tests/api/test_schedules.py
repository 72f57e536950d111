"""Charge and temperature schedules: CRUD, status, and execution on the sandbox clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx

from tests.api.test_sandbox_devices import advance, link, parse
from tests.api.test_smart_charging import OSLO, vehicle
from tests.support.receiver import Receiver
from tests.support.server import Credentials, Server
from tests.support.spec import assert_problem, assert_response, assert_webhook_event

WEEKDAYS = [0, 1, 2, 3, 4]


def advance_to_monday(api: httpx.Client, hour: int) -> datetime:
    now = parse(api.get("/sandbox/clock").json()["now"]).astimezone(OSLO)
    target = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    target += timedelta(days=(7 - now.weekday()) % 7 or 7)
    return advance(api, (target - now).total_seconds()).astimezone(OSLO)


def advance_to(api: httpx.Client, hour: int, minute: int) -> None:
    now = parse(api.get("/sandbox/clock").json()["now"]).astimezone(OSLO)
    target = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if target <= now:
        target += timedelta(days=1)
    advance(api, (target - now).total_seconds())


def home(api: httpx.Client, user: str, asset_id: str, plural: str) -> str:
    here = api.get(f"/{plural}/{asset_id}").json()["location"]
    place = {"name": "Home", "latitude": here.get("latitude") or 59.91,
             "longitude": here.get("longitude") or 10.75,
             "timezoneName": "Europe/Oslo"}  # fmt: skip
    location = api.post(f"/users/{user}/locations", json=place).json()
    location_id: str = location["id"]
    return location_id


def status(api: httpx.Client, schedule_id: str) -> dict[str, Any]:
    response = api.get(f"/schedules/{schedule_id}/status")
    assert response.status_code == 200, response.text
    assert_response("GET", "/schedules/{scheduleId}/status", 200, response.json())
    body: dict[str, Any] = response.json()
    return body


def test_a_weekday_charge_schedule_starts_and_stops_at_its_transitions(
    server: Server, client: Credentials
) -> None:
    with Receiver() as receiver, server.api(client) as api:
        api.post("/webhooks", json={"url": receiver.url, "secret": "schedule-secret",
                                    "events": ["user:schedule:execution-updated"]})  # fmt: skip
        vehicle_id = link(server, client, api, "weekday", "vehicle", "TESLA",
                          ["vehicle:read:data", "vehicle:read:location",
                           "vehicle:control:charging"])  # fmt: skip
        advance(api, 10)
        location_id = home(api, "weekday", vehicle_id, "vehicles")
        created = api.post("/users/weekday/schedules", json={
            "targetId": vehicle_id, "targetType": "vehicle", "locationId": location_id,
            "isEnabled": True, "defaultShouldCharge": False,
            "rules": [{"weekdays": WEEKDAYS, "hourMinute": {"from": "22:00", "to": "23:00"},
                       "shouldCharge": True}]})  # fmt: skip
        assert created.status_code == 200, created.text
        assert_response("POST", "/users/{userId}/schedules", 200, created.json())
        schedule_id = created.json()["id"]

        advance_to_monday(api, 18)
        api.patch(f"/sandbox/assets/{vehicle_id}", json={"batteryLevel": 20, "isPluggedIn": True})
        advance(api, 60)  # it started charging when plugged in: the schedule stops it
        assert vehicle(api, vehicle_id)["chargeState"]["isCharging"] is False
        waiting = status(api, schedule_id)
        assert waiting["state"] == "ALIGNED"
        assert waiting["isChargingExpected"] is False
        first = waiting["upcomingTransitions"][0]
        assert parse(first["at"]).astimezone(OSLO).strftime("%a %H:%M") == "Mon 22:00"
        assert first["shouldCharge"] is True

        advance_to(api, 22, 10)
        charging = vehicle(api, vehicle_id)["chargeState"]
        assert charging["isCharging"] is True and charging["batteryLevel"] > 20
        assert status(api, schedule_id)["state"] == "ALIGNED"
        advance_to(api, 23, 10)
        stopped = vehicle(api, vehicle_id)["chargeState"]
        assert stopped["isCharging"] is False
        assert 30 < stopped["batteryLevel"] < 40  # an hour at 11 kW into 75 kWh
        receiver.wait_for(lambda r: len(r.events()) >= 3)
    for event in receiver.events():
        assert_webhook_event(event)


def test_a_temperature_schedule_sets_the_thermostat(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        hvac_id = link(server, client, api, "warmth", "hvac", "NIBE",
                       ["hvac:read:data", "hvac:control:mode"])  # fmt: skip
        advance(api, 10)
        created = api.post("/users/warmth/schedules", json={
            "targetId": hvac_id, "targetType": "hvac", "isEnabled": True,
            "defaultTargetState": {"mode": "HEAT", "heatSetpoint": 17, "holdType": "PERMANENT"},
            "rules": [{"hourMinute": {"from": "00:00", "to": "24:00"},
                       "targetState": {"mode": "HEAT", "heatSetpoint": 22.5,
                                       "holdType": "PERMANENT"}}]})  # fmt: skip
        assert created.status_code == 200, created.text
        advance(api, 30)
        thermostat = api.get(f"/hvacs/{hvac_id}").json()["thermostatState"]
        assert thermostat["heatSetpoint"] == 22.5 and thermostat["holdType"] == "PERMANENT"
        current = status(api, created.json()["id"])
        assert current["state"] == "ALIGNED"
        assert current["expected"]["heatSetpoint"] == 22.5
        refused = api.post(
            f"/hvacs/{hvac_id}/permanent-hold", json={"mode": "HEAT", "heatSetpoint": 19}
        )
        assert refused.status_code == 422
        assert_problem(refused.json())


def test_schedule_crud_and_rules(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        vehicle_id = link(server, client, api, "crud", "vehicle", "TESLA",
                          ["vehicle:read:data", "vehicle:control:charging"])  # fmt: skip
        body = {"targetId": vehicle_id, "targetType": "vehicle", "locationId": None,
                "isEnabled": False, "defaultShouldCharge": True, "rules": []}  # fmt: skip
        created = api.post("/users/crud/schedules", json=body).json()
        path = f"/schedules/{created['id']}"
        fetched = api.get(path)
        assert_response("GET", "/schedules/{scheduleId}", 200, fetched.json())
        assert fetched.json() == {**body, "id": created["id"]}
        assert status(api, created["id"])["state"] == "INACTIVE:DISABLED"
        changed = api.put(path, json={"rules": [{"fromTimestamp": "2030-01-01T00:00:00Z",
                                                 "shouldCharge": False}]})  # fmt: skip
        assert changed.status_code == 200, changed.text
        assert_response("PUT", "/schedules/{scheduleId}", 200, changed.json())
        assert changed.json()["rules"][0]["shouldCharge"] is False
        listed = api.get("/users/crud/schedules")
        assert_response("GET", "/users/{userId}/schedules", 200, listed.json())
        assert [s["id"] for s in listed.json()["data"]] == [created["id"]]

        # Smart charging and an enabled schedule never both drive one vehicle.
        assert api.put(path, json={"isEnabled": True}).status_code == 200
        clash = api.put(f"/vehicles/{vehicle_id}/smart-charging-policy",
                        json={"isEnabled": True, "deadline": "07:00"})  # fmt: skip
        assert clash.status_code == 400
        refused = api.post(f"/vehicles/{vehicle_id}/charging", json={"action": "STOP"})
        assert refused.status_code == 422

        for bad in [
            {**body, "targetId": "not-mine"},
            {**body, "targetType": "hvac"},
            {
                **body,
                "rules": [{"shouldCharge": True, "hourMinute": {"from": "25:00", "to": "26:00"}}],
            },
            {**body, "rules": [{"shouldCharge": True, "weekdays": [7]}]},
            {**body, "surprise": 1},
            {**body, "isEnabled": True},  # a second enabled schedule for the vehicle
        ]:
            response = api.post("/users/crud/schedules", json=bad)
            assert response.status_code == 400, (bad, response.text)
            assert_problem(response.json())
        assert api.post("/users/nobody/schedules", json=body).status_code == 404
        assert api.delete(path).status_code == 204
        assert api.get(path).status_code == 404
        assert api.get(f"{path}/status").status_code == 404
