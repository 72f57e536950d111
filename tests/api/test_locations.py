"""Locations: create, read, update, delete, list; validated against the spec."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.server import Credentials, Server
from tests.support.spec import assert_problem, assert_response

OSLO = {"name": "Home", "latitude": 59.91, "longitude": 10.75, "timezoneName": "Europe/Oslo"}


def user(api: httpx.Client, user_id: str) -> None:
    api.post(
        f"/users/{user_id}/link",
        json={"scopes": ["vehicle:read:data"], "language": "en-US",
              "redirectUri": "https://localhost:3000"},
    ).raise_for_status()  # fmt: skip


def test_location_crud(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        user(api, "loc-user")
        created = api.post("/users/loc-user/locations", json=OSLO)
        assert created.status_code == 200
        body = created.json()
        assert_response("POST", "/users/{userId}/locations", 200, body)
        assert {k: body[k] for k in OSLO} == OSLO
        assert body["userId"] == "loc-user"
        location_id = body["id"]

        fetched = api.get(f"/locations/{location_id}")
        assert_response("GET", "/locations/{locationId}", 200, fetched.json())
        assert fetched.json() == body

        updated = api.put(f"/locations/{location_id}", json={"name": "Cabin", "latitude": 61.1})
        assert_response("PUT", "/locations/{locationId}", 200, updated.json())
        assert updated.json()["name"] == "Cabin"
        assert updated.json()["latitude"] == 61.1
        assert updated.json()["longitude"] == 10.75

        listed = api.get("/users/loc-user/locations").json()
        assert_response("GET", "/users/{userId}/locations", 200, listed)
        assert [x["id"] for x in listed["data"]] == [location_id]
        everything = api.get("/locations").json()
        assert_response("GET", "/locations", 200, everything)
        assert location_id in [x["id"] for x in everything["data"]]

        deleted = api.delete(f"/locations/{location_id}")
        assert deleted.status_code == 200
        assert_response("DELETE", "/locations/{locationId}", 200, deleted.json())
        assert deleted.json()["name"] == "Cabin"
        assert api.get(f"/locations/{location_id}").status_code == 404
        assert api.delete(f"/locations/{location_id}").status_code == 404


def test_timezone_defaults_to_utc(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        user(api, "utc-user")
        body = {k: v for k, v in OSLO.items() if k != "timezoneName"}
        assert api.post("/users/utc-user/locations", json=body).json()["timezoneName"] == "UTC"


@pytest.mark.parametrize(
    "change",
    [
        {"latitude": 91},
        {"longitude": -181},
        {"timezoneName": "Mars/Olympus"},
        {"timezoneName": "EST5EDT6"},
        {"name": ""},
        {"name": None},
        {"latitude": "north"},
        {"extra": 1},
    ],
)
def test_invalid_locations_are_400(
    server: Server, client: Credentials, change: dict[str, Any]
) -> None:
    with server.api(client) as api:
        user(api, "bad-loc")
        response = api.post("/users/bad-loc/locations", json={**OSLO, **change})
        assert response.status_code == 400, response.text
        assert_problem(response.json())


def test_unknown_user_and_other_clients(server: Server, client: Credentials) -> None:
    other = server.new_client()
    with server.api(client) as api, server.api(other) as intruder:
        assert api.post("/users/nobody/locations", json=OSLO).status_code == 404
        user(api, "owner")
        location_id = api.post("/users/owner/locations", json=OSLO).json()["id"]
        assert intruder.get(f"/locations/{location_id}").status_code == 404
        assert intruder.put(f"/locations/{location_id}", json={"name": "x"}).status_code == 404
        assert intruder.delete(f"/locations/{location_id}").status_code == 404
        assert intruder.get("/locations").json()["data"] == []
        assert api.get(f"/locations/{location_id}").json()["name"] == "Home"


def test_deleting_the_user_deletes_its_locations(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        user(api, "gone")
        location_id = api.post("/users/gone/locations", json=OSLO).json()["id"]
        api.delete("/users/gone")
        assert api.get(f"/locations/{location_id}").status_code == 404
