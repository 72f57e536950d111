"""Tariffs and a location's tariff schedule, as the spec has them."""

from __future__ import annotations

import httpx

from tests.support.server import Credentials, Server
from tests.support.spec import assert_problem, assert_response

RATES = [{"name": "PEAK", "cost": "2.50"}, {"name": "OFF_PEAK", "cost": "0.75"}]


def home(api: httpx.Client, user: str) -> str:
    api.post(f"/users/{user}/link", json={"vendorType": "vehicle", "scopes": ["vehicle:read:data"],
             "language": "en-US", "redirectUri": "https://localhost:3000"})  # fmt: skip
    location = api.post(
        f"/users/{user}/locations",
        json={"name": "Home", "latitude": 59.91, "longitude": 10.75, "timezoneName": "Europe/Oslo"},
    )
    assert location.status_code == 200, location.text
    location_id: str = location.json()["id"]
    return location_id


def test_a_tariff_is_stored_and_linked_to_a_location(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        stored = api.put("/tariffs/home-tariff", json=RATES)
        assert stored.status_code == 204, stored.text
        fetched = api.get("/tariffs/home-tariff")
        assert_response("GET", "/tariffs/{tariffId}", 200, fetched.json())
        assert fetched.json() == RATES

        location_id = home(api, "tariff-user")
        schedule = {"tariffId": "home-tariff", "tariffIntervals": [
            {"name": "OFF_PEAK", "from": "00:00", "to": "06:00"},
            {"name": "PEAK", "weekdays": [0, 1, 2, 3, 4], "from": "06:00", "to": "22:00"},
            {"name": "OFF_PEAK", "weekdays": [5, 6], "from": "06:00", "to": "24:00"},
        ]}  # fmt: skip
        linked = api.put(f"/locations/{location_id}/tariff", json=schedule)
        assert linked.status_code == 204, linked.text
        got = api.get(f"/locations/{location_id}/tariff")
        assert_response("GET", "/locations/{locationId}/tariff", 200, got.json())
        monday = [e for e in got.json() if e["weekday"] == 0]
        assert [(e["fromHourMinute"], e["toHourMinute"], e["tariffName"]) for e in monday] == [
            ("00:00", "06:00", "OFF_PEAK"), ("06:00", "22:00", "PEAK")]  # fmt: skip
        assert len(got.json()) == 7 + 5 + 2


def test_tariff_errors(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        api.put("/tariffs/t1", json=RATES)
        location_id = home(api, "tariff-errors")
        overlapping = {"tariffId": "t1", "tariffIntervals": [
            {"name": "PEAK", "from": "06:00", "to": "22:00"},
            {"name": "OFF_PEAK", "weekdays": [2], "from": "21:00", "to": "24:00"}]}  # fmt: skip
        response = api.put(f"/locations/{location_id}/tariff", json=overlapping)
        assert response.status_code == 400
        assert_response("PUT", "/locations/{locationId}/tariff", 400, response.json())
        assert "overlap" in response.json()["detail"].lower()

        for path, body in [
            (f"/locations/{location_id}/tariff", {"tariffId": "nope", "tariffIntervals": []}),
            ("/locations/00000000-0000-0000-0000-000000000000/tariff",
             {"tariffId": "t1", "tariffIntervals": []}),
        ]:  # fmt: skip
            missing = api.put(path, json=body)
            assert missing.status_code == 404
            assert_response("PUT", "/locations/{locationId}/tariff", 404, missing.json())
        unknown_rate = {"tariffId": "t1", "tariffIntervals": [
            {"name": "NIGHT", "from": "00:00", "to": "06:00"}]}  # fmt: skip
        assert api.put(f"/locations/{location_id}/tariff", json=unknown_rate).status_code == 400
        backwards = {"tariffId": "t1", "tariffIntervals": [
            {"name": "PEAK", "from": "10:00", "to": "09:00"}]}  # fmt: skip
        assert api.put(f"/locations/{location_id}/tariff", json=backwards).status_code == 400
        bad_tariffs: list[object] = [
            [{"name": "A", "cost": "cheap"}],
            [{"name": "A", "cost": "1", "x": 1}],
            [{"name": "A", "cost": "1"}, {"name": "A", "cost": "2"}],
            {"name": "A"},
        ]
        for bad in bad_tariffs:
            response = api.put("/tariffs/t2", json=bad)
            assert response.status_code == 400, bad
            assert_problem(response.json())
        assert api.put("/tariffs/not%20valid", json=RATES).status_code == 400
        assert api.get("/tariffs/never-made").status_code == 404
        assert api.get("/locations/00000000-0000-0000-0000-000000000000/tariff").status_code == 404


def test_another_client_cannot_use_a_tariff(server: Server) -> None:
    owner, other = server.new_client(), server.new_client()
    with server.api(owner) as mine, server.api(other) as theirs:
        mine.put("/tariffs/private", json=RATES)
        assert theirs.get("/tariffs/private").status_code == 404
        location_id = home(theirs, "other-home")
        linked = theirs.put(f"/locations/{location_id}/tariff",
                            json={"tariffId": "private", "tariffIntervals": []})  # fmt: skip
        assert linked.status_code == 404
        mine_location = home(mine, "my-home")
        assert theirs.get(f"/locations/{mine_location}/tariff").status_code == 404
