"""All six asset types through the one machinery: linked, listed, read, located."""

from __future__ import annotations

import pytest

from tests.support.link_flow import LinkBrowser
from tests.support.server import Credentials, Server
from tests.support.spec import assert_response

# (type, path segment, a brand that makes it)
TYPES = [
    ("vehicle", "vehicles", "TESLA"),
    ("charger", "chargers", "ZAPTEC"),
    ("hvac", "hvacs", "DAIKIN"),
    ("inverter", "inverters", "FRONIUS"),
    ("battery", "batteries", "TESLA"),
    ("meter", "meters", "SOLAREDGE"),
]
ID_PARAM = {
    "vehicles": "vehicleId", "chargers": "chargerId", "hvacs": "hvacId",
    "inverters": "inverterId", "batteries": "batteryId", "meters": "meterId",
}  # fmt: skip


def link(server: Server, client: Credentials, user_id: str, asset_type: str, vendor: str,
         scopes: list[str] | None = None) -> None:  # fmt: skip
    asset = server.virtual_asset(client.client_id, asset_type, vendor)
    with server.api(client) as api:
        url = api.post(
            f"/users/{user_id}/link",
            json={"vendorType": asset_type, "vendor": vendor, "language": "en-US",
                  "scopes": scopes or [f"{asset_type}:read:data"],
                  "redirectUri": "https://localhost:3000"},
        ).json()["linkUrl"]  # fmt: skip
    LinkBrowser(url).link(vendor, asset["username"], asset["password"])


@pytest.mark.parametrize(("asset_type", "plural", "vendor"), TYPES)
def test_linked_asset_is_listed_and_read(
    server: Server, client: Credentials, asset_type: str, plural: str, vendor: str
) -> None:
    link(server, client, "owner", asset_type, vendor)
    with server.api(client) as api:
        everything = api.get(f"/{plural}")
        assert everything.status_code == 200
        assert_response("GET", f"/{plural}", 200, everything.json())
        [listed] = everything.json()["data"]
        assert listed["userId"] == "owner"
        assert listed["vendor"] == vendor
        assert listed["scopes"] == [f"{asset_type}:read:data"]

        mine = api.get(f"/users/owner/{plural}")
        assert_response("GET", f"/users/{{userId}}/{plural}", 200, mine.json())
        assert mine.json()["data"] == [listed]

        one = api.get(f"/{plural}/{listed['id']}")
        assert one.status_code == 200
        assert_response("GET", f"/{plural}/{{{ID_PARAM[plural]}}}", 200, one.json())
        assert one.json() == listed

        hint = api.post(f"/{plural}/{listed['id']}/refresh-hint")
        assert hint.status_code == 204
        assert api.get(f"/{plural}/not-an-asset").status_code == 404
        assert api.post(f"/{plural}/not-an-asset/refresh-hint").status_code == 404


def test_other_types_and_clients_do_not_see_it(server: Server, client: Credentials) -> None:
    link(server, client, "solo", "vehicle", "TESLA")
    other = server.new_client()
    with server.api(client) as api, server.api(other) as intruder:
        vehicle_id = api.get("/vehicles").json()["data"][0]["id"]
        assert api.get(f"/chargers/{vehicle_id}").status_code == 404
        assert api.get("/chargers").json()["data"] == []
        assert intruder.get(f"/vehicles/{vehicle_id}").status_code == 404
        assert intruder.get("/vehicles").json()["data"] == []
        assert intruder.post(f"/vehicles/{vehicle_id}/refresh-hint").status_code == 404


@pytest.mark.parametrize("plural", ["chargers", "hvacs"])
def test_set_location(server: Server, client: Credentials, plural: str) -> None:
    asset_type, vendor = {"chargers": ("charger", "EASEE"), "hvacs": ("hvac", "NIBE")}[plural]
    link(server, client, "placed", asset_type, vendor)
    with server.api(client) as api:
        asset_id = api.get(f"/{plural}").json()["data"][0]["id"]
        before = api.get(f"/{plural}/{asset_id}").json()  # now kept in memory
        assert before["location"]["id"] is None
        location = api.post(
            "/users/placed/locations",
            json={"name": "Home", "latitude": 59.9, "longitude": 10.7,
                  "timezoneName": "Europe/Oslo"},
        ).json()  # fmt: skip
        updated = api.put(f"/{plural}/{asset_id}", json={"locationId": location["id"]})
        assert updated.status_code == 200
        assert_response("PUT", f"/{plural}/{{{ID_PARAM[plural]}}}", 200, updated.json())
        assert updated.json()["location"]["id"] == location["id"]
        assert api.get(f"/{plural}/{asset_id}").json()["location"]["id"] == location["id"]

        # Deleting the location clears it on the asset, cached copies included.
        api.delete(f"/locations/{location['id']}")
        assert api.get(f"/{plural}/{asset_id}").json()["location"]["id"] is None

        assert api.put(f"/{plural}/{asset_id}", json={"locationId": None}).status_code == 200
        bad = api.put(f"/{plural}/{asset_id}", json={"locationId": "nowhere"})
        assert bad.status_code == 400
        assert api.put(f"/{plural}/{asset_id}", json={}).status_code == 400


def test_location_of_another_user_is_refused(server: Server, client: Credentials) -> None:
    link(server, client, "charger-owner", "charger", "ZAPTEC")
    with server.api(client) as api:
        api.post("/users/neighbour/link", json={"scopes": ["charger:read:data"],
                 "language": "en-US", "redirectUri": "https://localhost:3000"})  # fmt: skip
        theirs = api.post(
            "/users/neighbour/locations",
            json={"name": "Next door", "latitude": 1, "longitude": 1, "timezoneName": "UTC"},
        ).json()["id"]
        charger_id = api.get("/chargers").json()["data"][0]["id"]
        assert api.put(f"/chargers/{charger_id}", json={"locationId": theirs}).status_code == 400


def test_vehicle_coordinates_need_the_location_scope(server: Server, client: Credentials) -> None:
    link(server, client, "no-loc", "vehicle", "TESLA", ["vehicle:read:data"])
    with server.api(client) as api:
        vehicle = api.get("/users/no-loc/vehicles").json()["data"][0]
    assert vehicle["location"]["latitude"] is None
    assert "vehicle:read:location" not in vehicle["scopes"]


def test_disconnecting_or_deleting_removes_assets(server: Server, client: Credentials) -> None:
    link(server, client, "leaver", "vehicle", "TESLA")
    with server.api(client) as api:
        vehicle_id = api.get("/vehicles").json()["data"][0]["id"]
        assert api.get(f"/vehicles/{vehicle_id}").status_code == 200  # cached now
        api.delete("/users/leaver/vendors/TESLA")
        assert api.get(f"/vehicles/{vehicle_id}").status_code == 404
        assert api.get("/vehicles").json()["data"] == []
        link(server, client, "leaver", "vehicle", "TESLA")
        vehicle_id = api.get("/vehicles").json()["data"][0]["id"]
        assert api.get(f"/vehicles/{vehicle_id}").status_code == 200
        api.delete("/users/leaver")
        assert api.get(f"/vehicles/{vehicle_id}").status_code == 404
