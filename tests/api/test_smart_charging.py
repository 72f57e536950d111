"""Smart charging on the sandbox clock: a night of cheap-hours charging."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from tests.api.test_sandbox_devices import advance, link, parse
from tests.support.receiver import Receiver
from tests.support.server import Credentials, Server
from tests.support.spec import assert_problem, assert_response, assert_webhook_event

OSLO = ZoneInfo("Europe/Oslo")
CHEAP_NIGHT = {"tariffId": "night", "tariffIntervals": [
    {"name": "NORMAL", "from": "00:00", "to": "01:00"},
    {"name": "CHEAP", "from": "01:00", "to": "05:00"},
    {"name": "NORMAL", "from": "05:00", "to": "24:00"},
]}  # fmt: skip


def advance_to(api: httpx.Client, hour: int, minute: int = 0) -> datetime:
    """Moves the sandbox clock to the next hour:minute in Oslo."""
    now = parse(api.get("/sandbox/clock").json()["now"]).astimezone(OSLO)
    target = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if target <= now:
        target += timedelta(days=1)
    return advance(api, (target - now).total_seconds()).astimezone(OSLO)


def vehicle(api: httpx.Client, vehicle_id: str) -> dict[str, Any]:
    body: dict[str, Any] = api.get(f"/vehicles/{vehicle_id}").json()
    return body


def status(api: httpx.Client, vehicle_id: str) -> dict[str, Any]:
    response = api.get(f"/vehicles/{vehicle_id}/smart-charging-status")
    assert response.status_code == 200, response.text
    assert_response("GET", "/vehicles/{vehicleId}/smart-charging-status", 200, response.json())
    body: dict[str, Any] = response.json()
    return body


def plugged_in_at_six(server: Server, client: Credentials, api: httpx.Client, user: str) -> str:
    vehicle_id = link(server, client, api, user, "vehicle", "TESLA",
                      ["vehicle:read:data", "vehicle:read:location",
                       "vehicle:control:charging"])  # fmt: skip
    advance(api, 10)
    here = vehicle(api, vehicle_id)["location"]
    location = api.post(f"/users/{user}/locations", json={
        "name": "Home", "latitude": here["latitude"], "longitude": here["longitude"],
        "timezoneName": "Europe/Oslo"}).json()  # fmt: skip
    assert (
        api.put(
            "/tariffs/night",
            json=[{"name": "CHEAP", "cost": "0.10"}, {"name": "NORMAL", "cost": "2.00"}],
        ).status_code
        == 204
    )
    assert api.put(f"/locations/{location['id']}/tariff", json=CHEAP_NIGHT).status_code == 204
    policy = api.put(f"/vehicles/{vehicle_id}/smart-charging-policy",
                     json={"isEnabled": True, "deadline": "07:00"})  # fmt: skip
    assert policy.status_code == 200, policy.text
    assert_response("PUT", "/vehicles/{vehicleId}/smart-charging-policy", 200, policy.json())
    advance_to(api, 18)
    api.patch(f"/sandbox/assets/{vehicle_id}", json={"batteryLevel": 20, "isPluggedIn": True})
    return vehicle_id


def test_a_night_plan_charges_in_the_cheap_hours_and_is_full_by_the_deadline(
    server: Server, client: Credentials
) -> None:
    with Receiver() as receiver, server.api(client) as api:
        api.post(
            "/webhooks",
            json={
                "url": receiver.url,
                "secret": "smart-secret",
                "events": ["user:vehicle:smart-charging-status-updated"],
            },
        )
        vehicle_id = plugged_in_at_six(server, client, api, "night")
        advance(api, 60)
        planned = status(api, vehicle_id)
        assert planned["state"] == "PLAN:EXECUTING:STOPPED", planned
        plan = planned["plan"]
        start = parse(plan["startAt"]).astimezone(OSLO)
        assert (start.hour, start.minute) == (1, 0)
        assert parse(plan["estimatedFinishAt"]).astimezone(OSLO).hour < 7
        assert plan["smartCost"] < plan["nonSmartCost"]
        assert plan["currency"] == "NOK"

        advance_to(api, 0, 45)
        assert vehicle(api, vehicle_id)["chargeState"]["batteryLevel"] == 20  # waiting
        advance_to(api, 2)
        charging = vehicle(api, vehicle_id)["chargeState"]
        assert charging["isCharging"] is True and charging["batteryLevel"] > 20
        assert status(api, vehicle_id)["state"] == "PLAN:EXECUTING:STARTED"

        advance_to(api, 7)
        assert vehicle(api, vehicle_id)["chargeState"]["batteryLevel"] == 80
        done = status(api, vehicle_id)
        assert done["state"] == "PLAN:ENDED:FINISHED"
        latest = api.get(f"/vehicles/{vehicle_id}/smart-charging-plans/latest")
        assert_response("GET", "/vehicles/{vehicleId}/smart-charging-plans/{smartChargingPlanId}",
                        200, latest.json())  # fmt: skip
        assert latest.json()["id"] == plan["id"]
        assert latest.json()["finalState"] == "PLAN:ENDED:FINISHED"
        assert latest.json()["failureCondition"] is None
        started = parse(latest.json()["startConfirmedAt"]).astimezone(OSLO)
        assert (started.hour, started.minute) == (1, 0)
        receiver.wait_for(
            lambda r: any(
                e["smartChargingStatus"]["state"] == "PLAN:ENDED:FINISHED" for e in r.events()
            )
        )
        check_statistics(api, vehicle_id, parse(plan["stopAt"]))
    states = [e["smartChargingStatus"]["state"] for e in receiver.events()]
    assert "PLAN:EXECUTING:STOPPING" in states and "PLAN:EXECUTING:STARTED" in states
    for event in receiver.events():
        assert_webhook_event(event)


def test_unplugging_halfway_ends_the_plan(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        vehicle_id = plugged_in_at_six(server, client, api, "unplug")
        advance_to(api, 2)
        assert status(api, vehicle_id)["state"] == "PLAN:EXECUTING:STARTED"
        api.patch(f"/sandbox/assets/{vehicle_id}", json={"isPluggedIn": False})
        ended = status(api, vehicle_id)
        assert ended["state"] == "PLAN:ENDED:UNPLUGGED"
        assert ended["plan"]["finalState"] == "PLAN:ENDED:UNPLUGGED"


def test_policy_rules_overrides_and_control_conflicts(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        vehicle_id = plugged_in_at_six(server, client, api, "rules")
        advance(api, 60)
        # A plan drives the vehicle: plain control calls are refused.
        refused = api.post(f"/vehicles/{vehicle_id}/charging", json={"action": "START"})
        assert refused.status_code == 422
        assert_response("POST", "/vehicles/{vehicleId}/charging", 422, refused.json())

        override = api.post(f"/vehicles/{vehicle_id}/smart-override")
        assert override.status_code == 200, override.text
        assert_response("POST", "/vehicles/{vehicleId}/smart-override", 200, override.json())
        advance(api, 30)
        assert vehicle(api, vehicle_id)["chargeState"]["isCharging"] is True
        assert status(api, vehicle_id)["state"] == "PLAN:EXECUTING:OVERRIDDEN"
        ended = api.delete(f"/vehicles/{vehicle_id}/smart-override")
        assert_response("DELETE", "/vehicles/{vehicleId}/smart-override", 200, ended.json())
        assert ended.json()["endedAt"] is not None
        advance(api, 30)
        assert vehicle(api, vehicle_id)["chargeState"]["isCharging"] is False  # the plan again
        assert api.delete(f"/vehicles/{vehicle_id}/smart-override").status_code == 404

        no_deadline = api.put(f"/vehicles/{vehicle_id}/smart-charging-policy",
                              json={"deadline": None, "isEnabled": True})  # fmt: skip
        assert no_deadline.status_code == 400
        too_high = api.put(f"/vehicles/{vehicle_id}/smart-charging-policy",
                           json={"minimumChargeLimit": 95})  # fmt: skip
        assert too_high.status_code == 400
        assert_problem(too_high.json())
        off = api.put(f"/vehicles/{vehicle_id}/smart-charging-policy", json={"isEnabled": False})
        assert off.json()["isEnabled"] is False
        assert status(api, vehicle_id)["state"] == "DISABLED"
        latest = api.get(f"/vehicles/{vehicle_id}/smart-charging-plans/latest").json()
        assert latest["finalState"] == "PLAN:ENDED:DISABLED"
        assert api.get(f"/vehicles/{vehicle_id}/smart-charging-plans/"
                       "00000000-0000-0000-0000-000000000000").status_code == 404  # fmt: skip


def check_statistics(api: httpx.Client, vehicle_id: str, since: datetime) -> None:
    """The energy went in during the cheap hours, and smart charging saved money."""
    query = {"startDate": since.isoformat(), "type": "vehicle", "id": vehicle_id}
    hourly = api.get("/users/night/statistics/charging", params={**query, "resolution": "HOUR"})
    assert hourly.status_code == 200, hourly.text
    assert_response("GET", "/users/{userId}/statistics/charging", 200, hourly.json())
    by_hour = {parse(b["date"]).astimezone(OSLO).hour: b for b in hourly.json()}
    cheap = sum(by_hour[h]["kwhSum"] for h in (1, 2, 3, 4))
    total = sum(b["kwhSum"] for b in hourly.json())
    assert cheap > 40  # 60 % of a 75 kWh battery, a little of it after 05:00
    assert sum(by_hour[h]["kwhSum"] for h in (1, 2, 3, 4, 5)) / total > 0.99
    assert sum(by_hour[h]["kwhSum"] for h in (19, 20, 21, 22, 23, 0)) == 0
    assert by_hour[1]["price"]["mean"] == 0.10 and by_hour[20]["price"]["mean"] == 2.00
    assert sum(b["estimatedSavings"] or 0 for b in hourly.json()) > 0

    sessions = api.get("/users/night/statistics/charging/sessions", params=query)
    assert_response("GET", "/users/{userId}/statistics/charging/sessions", 200, sessions.json())
    main = max(sessions.json(), key=lambda s: s["kwhSum"])
    assert parse(main["from"]).astimezone(OSLO).hour == 1
    assert main["estimatedSavings"] > 0
    assert main["nonSmartPrice"]["mean"] == 2.00
    daily = api.get("/users/night/statistics/charging", params=query)  # resolution DAY
    assert_response("GET", "/users/{userId}/statistics/charging", 200, daily.json())
    assert abs(sum(b["kwhSum"] for b in daily.json()) - total) < 0.01


def test_a_refused_start_fails_the_plan(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        vehicle_id = plugged_in_at_six(server, client, api, "refused")
        advance(api, 60)
        api.patch(f"/sandbox/assets/{vehicle_id}", json={"failNextCommand": True})
        advance_to(api, 2)
        failed = status(api, vehicle_id)
        assert failed["state"] == "PLAN:ENDED:FAILED"
        assert failed["plan"]["failureCondition"] == "START_FAILED"
        assert vehicle(api, vehicle_id)["chargeState"]["batteryLevel"] == 20


def test_the_minimum_is_charged_at_once(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        vehicle_id = plugged_in_at_six(server, client, api, "minimum")
        # The policy changes while plugged in: the current plan keeps its shape,
        # so plug in again for a plan with the minimum.
        api.patch(f"/sandbox/assets/{vehicle_id}", json={"isPluggedIn": False})
        api.put(f"/vehicles/{vehicle_id}/smart-charging-policy", json={"minimumChargeLimit": 40})
        api.patch(f"/sandbox/assets/{vehicle_id}", json={"batteryLevel": 20, "isPluggedIn": True})
        plan = status(api, vehicle_id)["plan"]
        hours = parse(plan["stopAt"]) - parse(plan["stopConfirmedAt"] or plan["stopAt"])
        assert hours.total_seconds() <= 0  # not stopped yet: charging to the minimum
        advance_to(api, 21)
        level = vehicle(api, vehicle_id)["chargeState"]
        assert level["isCharging"] is False
        assert 39.5 <= level["batteryLevel"] <= 41
