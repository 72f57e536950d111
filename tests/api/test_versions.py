"""API version 2024-01-01, produced from the newest shape by version changes:
in answers (Enode-Version header or the client's default) and in webhook events."""

from __future__ import annotations

import httpx

from tests.api.test_sandbox_devices import advance, link
from tests.support.receiver import Receiver
from tests.support.server import Server

OLDER = {"Enode-Version": "2024-01-01"}


def test_assets_in_2024_01_01_carry_their_location_id_at_the_top(server: Server) -> None:
    client = server.new_client()
    with server.api(client) as api:
        charger_id = link(server, client, api, "older", "charger", "ZAPTEC", ["charger:read:data"])
        inverter_id = link(server, client, api, "older", "inverter", "FRONIUS",
                           ["inverter:read:data", "inverter:read:location"])  # fmt: skip
        advance(api, 10)
        place = api.post("/users/older/locations", json={
            "name": "Home", "latitude": 59.9, "longitude": 10.7}).json()  # fmt: skip
        api.put(f"/chargers/{charger_id}", json={"locationId": place["id"]})

        newest = api.get(f"/chargers/{charger_id}").json()
        assert newest["location"]["id"] == place["id"] and "locationId" not in newest
        older = api.get(f"/chargers/{charger_id}", headers=OLDER)
        assert older.headers["enode-version"] == "2024-01-01"
        assert older.json()["locationId"] == place["id"] and "location" not in older.json()
        listed = api.get("/chargers", headers=OLDER).json()["data"]
        assert listed[0]["locationId"] == place["id"]

        inverter = api.get(f"/inverters/{inverter_id}", headers=OLDER).json()
        assert "chargingLocationId" in inverter and "id" not in inverter["location"]
        assert "sn" not in inverter["information"]
        assert "sn" in api.get(f"/inverters/{inverter_id}").json()["information"]


def test_webhook_events_follow_the_clients_default_version(server: Server) -> None:
    client = server.new_client(default_api_version="2024-01-01")
    with Receiver() as receiver, server.api(client) as api:
        api.post("/webhooks", json={"url": receiver.url, "secret": "older-secret",
                                    "events": ["user:vehicle:updated"]})  # fmt: skip
        link(server, client, api, "older-hooks", "vehicle", "TESLA", ["vehicle:read:data"])
        advance(api, 60)
        receiver.wait_for(lambda r: bool(r.events("user:vehicle:updated")))
    event = receiver.events("user:vehicle:updated")[0]
    assert event["version"] == "2024-01-01"
    assert "locationId" in event["vehicle"] and "id" not in event["vehicle"]["location"]


def test_problems_say_their_version_and_in_2024_01_01_repeat_error_and_message(
    server: Server,
) -> None:
    client = server.new_client()
    with server.api(client) as api:
        newest = api.get("/vehicles/nope")
        assert newest.status_code == 404
        assert newest.headers["enode-version"] == "2024-10-01"
        assert "error" not in newest.json() and "message" not in newest.json()
        older = api.get("/vehicles/nope", headers=OLDER)
        assert older.headers["enode-version"] == "2024-01-01"
        assert older.json()["error"] == older.json()["title"]
        assert older.json()["message"] == older.json()["detail"]
        invalid = api.post("/users/x/locations", json={"name": 1}, headers=OLDER)
        assert invalid.status_code == 400 and invalid.json()["message"]
    anonymous = httpx.get(f"{server.url}/vehicles", headers=OLDER)
    assert anonymous.status_code == 401
    assert anonymous.headers["enode-version"] == "2024-01-01"
    unknown = httpx.get(f"{server.url}/vehicles", headers={"Enode-Version": "2019-01-01"})
    assert unknown.headers["enode-version"] == "2024-10-01"


def test_every_api_answer_names_its_version(server: Server) -> None:
    client = server.new_client()
    ready = httpx.get(f"{server.url}/health/ready", headers=OLDER)
    assert ready.headers["enode-version"] == "2024-01-01"
    token = httpx.post(f"{server.url}/oauth2/token", data={"grant_type": "client_credentials"},
                       headers={"Authorization": client.basic})  # fmt: skip
    assert token.status_code == 200 and token.headers["enode-version"]
    refused = httpx.post(f"{server.url}/oauth2/token", data={"grant_type": "password"})
    assert refused.status_code in (400, 401) and refused.headers["enode-version"]
