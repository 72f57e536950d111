"""HEM systems: a user's site of one vendor, its energy today, its statistics."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from tests.api.test_sandbox_devices import advance, link
from tests.support.receiver import Receiver
from tests.support.server import Credentials, Server
from tests.support.spec import assert_problem, assert_response, assert_webhook_event


def test_a_site_of_one_vendor_is_one_hem_system(server: Server, client: Credentials) -> None:
    with Receiver() as receiver, server.api(client) as api:
        api.post("/webhooks", json={"url": receiver.url, "secret": "hem-secret"})
        for asset_type in ("inverter", "battery", "meter"):
            link(server, client, api, "site", asset_type, "SOLAREDGE",
                 [f"{asset_type}:read:data", f"{asset_type}:read:location"])  # fmt: skip
        now = advance(api, 30 * 3600)

        listed = api.get("/hem-systems")
        assert_response("GET", "/hem-systems", 200, listed.json())
        [system] = listed.json()["data"]
        assert system["userId"] == "site"
        assert system["information"]["vendor"] == "SOLAREDGE"
        assert system["status"]["energy"]["today"]["unit"] == "kWh"
        fetched = api.get(f"/hem-systems/{system['id']}")
        assert_response("GET", "/hem-systems/{hemSystemId}", 200, fetched.json())
        mine = api.get("/users/site/hem-systems")
        assert_response("GET", "/users/{userId}/hem-systems", 200, mine.json())
        assert [s["id"] for s in mine.json()["data"]] == [system["id"]]
        for plural in ("inverters", "batteries", "meters"):
            [asset] = api.get(f"/{plural}").json()["data"]
            assert asset["hemSystemId"] == system["id"]

        zone = ZoneInfo(system["information"]["timezone"] or "UTC")
        yesterday = (now.astimezone(zone) - timedelta(days=1)).date().isoformat()
        stats = api.get(f"/hem-systems/{system['id']}/statistics", params={"interval": yesterday})
        assert stats.status_code == 200, stats.text
        assert_response("GET", "/hem-systems/{hemSystemId}/statistics", 200, stats.json())
        series = stats.json()["timeseries"]
        generation = {p["t"][11:16]: p["v"] for p in series["generation"]["data"]}
        assert generation["02:00"] == 0 and generation["12:00"] > 0
        assert series["batteryLevel"]["isAvailable"] is True
        assert series["batteryLevel"]["unit"] == "%"
        month = api.get(f"/hem-systems/{system['id']}/statistics",
                        params={"interval": yesterday[:7]})  # fmt: skip
        assert_response("GET", "/hem-systems/{hemSystemId}/statistics", 200, month.json())
        assert month.json()["timeseries"]["generation"]["sampling"]["resolution"] == "P1D"

        bad = api.get(f"/hem-systems/{system['id']}/statistics", params={"interval": "May"})
        assert bad.status_code == 400
        assert_problem(bad.json())
        assert api.get("/hem-systems/none").status_code == 404

        assert api.delete("/users/site/vendors/SOLAREDGE").status_code == 204
        assert api.get("/hem-systems").json()["data"] == []
        receiver.wait_for(lambda r: bool(r.events("user:hem-system:deleted")))
    for name in ("user:hem-system:discovered", "user:hem-system:deleted"):
        [event] = receiver.events(name)
        assert_webhook_event(event)
    updates = receiver.events("user:hem-system:updated")
    assert updates  # as the inverter reports
    assert_webhook_event(updates[-1])
    assert updates[-1]["hemSystem"]["status"]["energy"]["today"]["generation"] >= 0
