"""POST /users/{userId}/link: validation, versions, and what the session allows."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.server import Credentials, Server
from tests.support.spec import assert_problem, assert_response

GUIDE_BODY = {
    "vendorType": "vehicle",
    "scopes": ["vehicle:read:data", "vehicle:read:location", "vehicle:control:charging"],
    "language": "en-US",
    "redirectUri": "https://localhost:3000",
}


def test_link_answers_url_and_token(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        response = api.post("/users/new-user/link", json=GUIDE_BODY)
        assert response.status_code == 200
        body = response.json()
        assert_response("POST", "/users/{userId}/link", 200, body)
        assert body["linkUrl"].startswith(f"{server.url}/link/")
        assert body["linkToken"]
        # The unknown user now exists.
        assert api.get("/users/new-user").json() == {"id": "new-user", "linkedVendors": []}
    page = httpx.get(body["linkUrl"])
    assert page.status_code == 200
    assert "<h1>" in page.text


@pytest.mark.parametrize(
    "change",
    [
        {"scopes": []},
        {"scopes": ["vehicle:read:everything"]},
        {"language": "xx-XX"},
        {"redirectUri": "not a uri"},
        {"redirectUri": "javascript:alert(1)"},
        {"redirectUri": "https://example.com/" + "a" * 500},
        {"vendorType": "toaster"},
        {"vendor": "NOTABRAND"},
        {"colorScheme": "sepia"},
        {"unexpected": True},
        {"scopes": None},
    ],
)
def test_invalid_payloads_are_400_with_issues(
    server: Server, client: Credentials, change: dict[str, Any]
) -> None:
    body = {**GUIDE_BODY, **change}
    with server.api(client) as api:
        response = api.post("/users/u/link", json=body)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert_problem(problem)
    assert problem["issues"], problem


@pytest.mark.parametrize("missing", ["scopes", "language", "redirectUri"])
def test_required_fields(server: Server, client: Credentials, missing: str) -> None:
    body = {k: v for k, v in GUIDE_BODY.items() if k != missing}
    with server.api(client) as api:
        response = api.post("/users/u/link", json=body)
    assert response.status_code == 400
    assert missing in response.json()["detail"]


def test_not_json_is_a_400(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        response = api.post(
            "/users/u/link", content=b"{not json", headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 400
    assert_problem(response.json())


def test_vendor_type_is_inferred_from_scopes(server: Server, client: Credentials) -> None:
    body = {k: v for k, v in GUIDE_BODY.items() if k != "vendorType"}
    body["scopes"] = ["battery:read:data", "inverter:read:data", "meter:read:data"]
    with server.api(client) as api:
        response = api.post("/users/multi/link", json=body)
    assert response.status_code == 200
    page = httpx.get(response.json()["linkUrl"])
    assert "home battery" in page.text and "solar inverter" in page.text


def test_scopes_without_a_read_scope_are_rejected(server: Server, client: Credentials) -> None:
    body = {**GUIDE_BODY, "scopes": ["vehicle:control:charging"]}
    with server.api(client) as api:
        response = api.post("/users/u/link", json=body)
    assert response.status_code == 400
    assert "vehicle:read:data" in response.json()["detail"]


def test_vendor_must_make_the_requested_type(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        response = api.post("/users/u/link", json={**GUIDE_BODY, "vendor": "ZAPTEC"})
    assert response.status_code == 400


def test_older_api_version_is_told_why(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        response = api.post(
            "/users/u/link", json=GUIDE_BODY, headers={"Enode-Version": "2023-08-01"}
        )
        assert response.status_code == 400
        assert_problem(response.json())
        assert "2024-01-01" in response.json()["detail"]
        ok = api.post("/users/u/link", json=GUIDE_BODY, headers={"Enode-Version": "2024-01-01"})
        assert ok.status_code == 200
        assert ok.headers["enode-version"] == "2024-01-01"
        for nonsense in ("yesterday", "2099-01-01"):
            bad = api.get("/users", headers={"Enode-Version": nonsense})
            assert bad.status_code == 400
            assert_problem(bad.json())


def test_client_default_version_applies(server: Server) -> None:
    older = server.new_client(default_api_version="2024-01-01")
    with server.api(older) as api:
        response = api.post("/users/u/link", json=GUIDE_BODY)
    assert response.status_code == 200
    assert response.headers["enode-version"] == "2024-01-01"


def test_user_id_too_long(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        response = api.post(f"/users/{'x' * 300}/link", json=GUIDE_BODY)
    assert response.status_code == 400
