"""Health, integrations, interventions and HEM systems, against the spec."""

from __future__ import annotations

import pytest

from tests.support.server import Credentials, Server
from tests.support.spec import assert_problem, assert_response

PLURALS = ["vehicles", "chargers", "hvacs", "inverters", "batteries", "meters"]


@pytest.mark.parametrize("plural", PLURALS)
def test_health_per_type(server: Server, client: Credentials, plural: str) -> None:
    with server.api(client) as api:
        response = api.get(f"/health/{plural}")
    assert response.status_code == 200
    assert_response("GET", f"/health/{plural}", 200, response.json())
    assert all(v["status"] == "READY" for v in response.json())


def test_integrations(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        everything = api.get("/integrations").json()
        assert_response("GET", "/integrations", 200, everything)
        tesla = next(i for i in everything if i["vendor"] == "TESLA")
        assert set(tesla["assetTypes"]) == {"vehicle", "charger", "inverter", "battery", "meter"}
        assert "vehicle:control:charging" in tesla["scopes"]
        hvacs = api.get("/integrations", params={"assetTypes": "hvac"}).json()
        assert {i["vendor"] for i in hvacs} >= {"DAIKIN", "NIBE"}
        assert all(i["assetTypes"] == ["hvac"] for i in hvacs)
        bad = api.get("/integrations", params={"assetTypes": "toaster"})
        assert bad.status_code == 400
        assert_problem(bad.json())


def test_interventions_localized(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        listed = api.get("/interventions").json()
        assert_response("GET", "/interventions", 200, listed)
        first = listed[0]
        one = api.get(f"/interventions/{first['id']}")
        assert_response("GET", "/interventions/{interventionId}", 200, one.json())
        german = api.get(f"/interventions/{first['id']}", params={"language": "de-DE"}).json()
        assert german["resolution"]["title"] != first["resolution"]["title"]
        swedish = api.get(f"/interventions/{first['id']}", params={"language": "sv-SE"}).json()
        assert swedish["resolution"]["title"] == first["resolution"]["title"]  # falls back
        assert api.get("/interventions", params={"language": "xx"}).status_code == 400
        assert api.get("/interventions/nope").status_code == 404


def test_hem_systems_are_empty(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        listed = api.get("/hem-systems").json()
        assert_response("GET", "/hem-systems", 200, listed)
        assert listed == {"data": [], "pagination": {"after": None, "before": None}}
        assert api.get("/hem-systems/nope").status_code == 404
        assert api.get("/users/nobody/hem-systems").status_code == 404
