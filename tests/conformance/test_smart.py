"""Tariffs, locations, smart charging, schedules and statistics on the sandbox
clock, with the refusals they bring (422 for control calls they drive)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx

from tests.api.test_sandbox_devices import advance, link, parse
from tests.api.test_smart_charging import CHEAP_NIGHT, advance_to, plugged_in_at_six
from tests.conformance.test_devices import OSLO, ok, refused
from tests.support.server import Credentials, Server


def test_tariffs_and_locations(server: Server, client: Credentials, api: httpx.Client) -> None:
    ok(api.post("/users/home/link", json={"vendorType": "vehicle", "scopes": ["vehicle:read:data"],
                                          "language": "en-US",
                                          "redirectUri": "https://localhost:3000"}))  # fmt: skip
    location = ok(api.post("/users/home/locations", json=OSLO))
    path = f"/locations/{location['id']}"
    assert ok(api.get(path))["name"] == "Home"
    assert ok(api.put(path, json={"name": "Cabin"}))["name"] == "Cabin"
    assert [x["id"] for x in ok(api.get("/users/home/locations"))["data"]] == [location["id"]]
    assert [x["id"] for x in ok(api.get("/locations"))["data"]] == [location["id"]]
    refused(api.post("/users/home/locations", json={**OSLO, "latitude": 91}))

    rates = [{"name": "CHEAP", "cost": "0.10"}, {"name": "NORMAL", "cost": "2.00"}]
    ok(api.put("/tariffs/night", json=rates), 204)
    assert ok(api.get("/tariffs/night")) == rates
    ok(api.put(f"{path}/tariff", json=CHEAP_NIGHT), 204)
    assert {e["tariffName"] for e in ok(api.get(f"{path}/tariff"))} == {"CHEAP", "NORMAL"}
    overlapping = {"tariffId": "night", "tariffIntervals": [
        {"name": "CHEAP", "from": "00:00", "to": "06:00"},
        {"name": "NORMAL", "from": "05:00", "to": "24:00"}]}  # fmt: skip
    refused(api.put(f"{path}/tariff", json=overlapping))
    refused(api.put(f"{path}/tariff", json={**CHEAP_NIGHT, "tariffId": "unknown"}), 404)
    refused(api.put("/tariffs/night", json=[{"name": "CHEAP", "cost": "cheap"}]))

    deleted = ok(api.delete(path))
    assert deleted["id"] == location["id"]
    refused(api.get(f"{path}/tariff"), 404)


def test_smart_charging_and_charging_statistics(
    server: Server, client: Credentials, api: httpx.Client
) -> None:
    vehicle_id = plugged_in_at_six(server, client, api, "night")
    plugged_at = parse(api.get("/sandbox/clock").json()["now"])
    advance(api, 60)
    one = f"/vehicles/{vehicle_id}"
    assert ok(api.get(f"{one}/smart-charging-policy"))["isEnabled"] is True
    status = ok(api.get(f"{one}/smart-charging-status"))
    assert status["state"] == "PLAN:EXECUTING:STOPPED"
    plan = ok(api.get(f"{one}/smart-charging-plans/latest"))
    assert ok(api.get(f"{one}/smart-charging-plans/{plan['id']}"))["id"] == plan["id"]
    refused(api.post(f"{one}/charging", json={"action": "START"}), 422)
    refused(api.put(f"{one}/smart-charging-policy", json={"minimumChargeLimit": 95}))
    assert ok(api.post(f"{one}/smart-override"))["endedAt"] is None
    assert ok(api.delete(f"{one}/smart-override"))["endedAt"] is not None
    refused(api.delete(f"{one}/smart-override"), 404)

    advance_to(api, 7)
    query = {"startDate": plugged_at.isoformat(), "type": "vehicle", "id": vehicle_id}
    hourly = ok(api.get("/users/night/statistics/charging", params={**query, "resolution": "HOUR"}))
    assert sum(bucket["kwhSum"] for bucket in hourly) > 40
    sessions = ok(api.get("/users/night/statistics/charging/sessions", params=query))
    assert max(s["kwhSum"] for s in sessions) > 40
    refused(api.get("/users/night/statistics/charging", params={**query, "resolution": "WEEKS"}))
    refused(api.get("/users/night/statistics/charging", params={**query, "id": "nope"}), 404)
    off = ok(api.put(f"{one}/smart-charging-policy", json={"isEnabled": False}))
    assert off["isEnabled"] is False


def test_schedules(server: Server, client: Credentials, api: httpx.Client) -> None:
    charger_id = link(server, client, api, "sched", "charger", "ZAPTEC",
                      ["charger:read:data", "charger:control:charging"])  # fmt: skip
    hvac_id = link(server, client, api, "sched", "hvac", "NIBE",
                   ["hvac:read:data", "hvac:control:mode"])  # fmt: skip
    advance(api, 5)
    charge = ok(api.post("/users/sched/schedules", json={
        "targetId": charger_id, "targetType": "charger", "locationId": None, "isEnabled": True,
        "defaultShouldCharge": False, "rules": [{"weekdays": [0, 1, 2, 3, 4],
        "hourMinute": {"from": "01:00", "to": "05:00"}, "shouldCharge": True}]}))  # fmt: skip
    refused(api.post(f"/chargers/{charger_id}/charging", json={"action": "START"}), 422)
    heat = ok(api.post("/users/sched/schedules", json={
        "targetId": hvac_id, "targetType": "hvac", "isEnabled": True,
        "defaultTargetState": {"mode": "HEAT", "heatSetpoint": 19, "holdType": "PERMANENT"},
        "rules": []}))  # fmt: skip
    advance(api, 30)
    refused(api.post(f"/hvacs/{hvac_id}/permanent-hold",
                     json={"mode": "HEAT", "heatSetpoint": 22}), 422)  # fmt: skip
    refused(api.post(f"/hvacs/{hvac_id}/follow-schedule"), 422)

    listed = ok(api.get("/users/sched/schedules"))["data"]
    assert {s["id"] for s in listed} == {charge["id"], heat["id"]}
    path = f"/schedules/{charge['id']}"
    assert ok(api.get(path))["targetId"] == charger_id
    assert ok(api.get(f"{path}/status"))["state"] in ("ALIGNED", "PENDING", "MISALIGNED")
    assert ok(api.put(path, json={"isEnabled": False}))["isEnabled"] is False
    assert ok(api.get(f"{path}/status"))["state"] == "INACTIVE:DISABLED"
    refused(api.put(path, json={"rules": [{"shouldCharge": True, "weekdays": [7]}]}))
    ok(api.delete(path), 204)
    refused(api.get(path), 404)


def test_inverter_statistics(server: Server, client: Credentials, api: httpx.Client) -> None:
    inverter_id = link(server, client, api, "sunny", "inverter", "FRONIUS",
                       ["inverter:read:data", "inverter:read:location"])  # fmt: skip
    advance(api, 10)
    zone = ZoneInfo(ok(api.get(f"/inverters/{inverter_id}"))["timezone"] or "UTC")
    now = advance(api, 36 * 3600).astimezone(zone)
    yesterday = now.date() - timedelta(days=1)
    path = f"/inverters/{inverter_id}/statistics"
    final = ok(api.get(path, params={"year": yesterday.year, "month": yesterday.month,
                                     "day": yesterday.day}))  # fmt: skip
    assert final["resolutions"]["QUARTER_HOUR"]["data"]
    today = api.get(path, params={"year": now.year, "month": now.month, "day": now.day})
    refused(today, 202)
    assert today.json()["retryAfter"]
    refused(api.get(path, params={"year": 2025, "month": 2, "day": 30}))
