"""User Management endpoints, validated against the spec."""

from __future__ import annotations

import httpx
import pytest

from tests.support.link_flow import LinkBrowser
from tests.support.server import Credentials, Server
from tests.support.spec import assert_problem, assert_response

LINK_BODY = {
    "vendorType": "vehicle",
    "scopes": ["vehicle:read:data", "vehicle:control:charging"],
    "language": "en-US",
    "redirectUri": "https://localhost:3000",
}


def link_vehicle(server: Server, client: Credentials, api: httpx.Client, user_id: str) -> None:
    asset = server.virtual_asset(client.client_id)
    link_url = api.post(f"/users/{user_id}/link", json=LINK_BODY).json()["linkUrl"]
    LinkBrowser(link_url).link("TESLA", asset["username"], asset["password"])


def test_get_user_lists_linked_vendor(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        link_vehicle(server, client, api, "user-1")
        response = api.get("/users/user-1")
    assert response.status_code == 200
    assert response.headers["enode-version"] == "2024-10-01"
    body = response.json()
    assert body == {
        "id": "user-1",
        "linkedVendors": [{"vendor": "TESLA", "vendorType": "vehicle", "isValid": True}],
    }
    assert_response("GET", "/users/{userId}", 200, body)


def test_unknown_user_is_a_404_problem(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        response = api.get("/users/nobody")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert_problem(response.json())


def test_list_users_paginates_newest_first(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        for n in range(5):
            assert api.post(f"/users/u{n}/link", json=LINK_BODY).status_code == 200
        first = api.get("/users", params={"pageSize": 2})
        assert first.status_code == 200
        assert_response("GET", "/users", 200, first.json())
        assert [u["id"] for u in first.json()["data"]] == ["u4", "u3"]
        assert first.json()["pagination"]["before"] is None
        after = first.json()["pagination"]["after"]
        # A user created meanwhile must not shift the next page.
        api.post("/users/u5/link", json=LINK_BODY)
        second = api.get("/users", params={"pageSize": 2, "after": after}).json()
        assert [u["id"] for u in second["data"]] == ["u2", "u1"]
        third = api.get("/users", params={"pageSize": 2, "after": second["pagination"]["after"]})
        assert [u["id"] for u in third.json()["data"]] == ["u0"]
        assert third.json()["pagination"]["after"] is None
        back = api.get("/users", params={"pageSize": 2, "before": second["pagination"]["before"]})
        assert [u["id"] for u in back.json()["data"]] == ["u4", "u3"]
        everything = api.get("/users").json()
        assert [u["id"] for u in everything["data"]] == ["u5", "u4", "u3", "u2", "u1", "u0"]
        assert everything["pagination"] == {"after": None, "before": None}


@pytest.mark.parametrize(
    "params",
    [
        {"after": "x", "before": "y"},
        {"pageSize": "0"},
        {"pageSize": "100000"},
        {"pageSize": "ten"},
        {"after": "not-a-cursor"},
    ],
)
def test_bad_pagination_is_a_400_problem(
    server: Server, client: Credentials, params: dict[str, str]
) -> None:
    with server.api(client) as api:
        response = api.get("/users", params=params)
    assert response.status_code == 400
    assert_problem(response.json())


def test_delete_user_removes_everything(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        link_vehicle(server, client, api, "leaving")
        response = api.delete("/users/leaving")
        assert response.status_code == 204
        assert response.content == b""
        assert api.get("/users/leaving").status_code == 404
        assert api.delete("/users/leaving").status_code == 204


def test_deauthorize_keeps_user_but_invalidates_vendors(
    server: Server, client: Credentials
) -> None:
    with server.api(client) as api:
        link_vehicle(server, client, api, "deauth")
        assert api.delete("/users/deauth/authorization").status_code == 204
        body = api.get("/users/deauth").json()
    assert body["linkedVendors"] == [{"vendor": "TESLA", "vendorType": "vehicle", "isValid": False}]


def test_disconnect_vendor_and_vendor_type(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        link_vehicle(server, client, api, "disc")
        assert api.delete("/users/disc/vendors/TESLA/charger").status_code == 204
        assert len(api.get("/users/disc").json()["linkedVendors"]) == 1
        assert api.delete("/users/disc/vendors/TESLA/vehicle").status_code == 204
        assert api.get("/users/disc").json()["linkedVendors"] == []
        link_vehicle(server, client, api, "disc")
        assert api.delete("/users/disc/vendors/TESLA").status_code == 204
        assert api.get("/users/disc").json()["linkedVendors"] == []
        bad = api.delete("/users/disc/vendors/NOTABRAND")
        assert bad.status_code == 400
        assert_problem(bad.json())
        bad_type = api.delete("/users/disc/vendors/TESLA/toaster")
        assert bad_type.status_code == 400


def test_unknown_path_and_method_are_problems(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        missing = api.get("/no/such/path")
        wrong_method = api.put("/users")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert wrong_method.status_code == 405
    assert wrong_method.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("user_id", ["%00", "a%0Ab", "%7F"])
def test_control_characters_in_user_ids_are_refused(
    server: Server, client: Credentials, user_id: str
) -> None:
    with server.api(client) as api:
        for response in (
            api.get(f"/users/{user_id}"),
            api.post(f"/users/{user_id}/link", json=LINK_BODY),
            api.delete(f"/users/{user_id}"),
        ):
            assert response.status_code == 400, response.text
            assert_problem(response.json())


def test_unicode_user_ids_work(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        assert api.post("/users/%F0%9F%98%80-ø/link", json=LINK_BODY).status_code == 200
        assert api.get("/users/%F0%9F%98%80-ø").json()["id"] == "😀-ø"
