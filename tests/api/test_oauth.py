"""POST /oauth2/token and bearer checks, against a real server."""

from __future__ import annotations

import base64

import httpx
import pytest

from tests.support.server import Credentials, Server


def test_basic_auth_grants_a_bearer_token(server: Server, client: Credentials) -> None:
    response = httpx.post(
        f"{server.url}/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, client.client_secret),
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "expires_in", "scope", "token_type"}
    assert body["expires_in"] == 3599
    assert body["scope"] == ""
    assert body["token_type"] == "bearer"
    assert response.headers["cache-control"] == "no-store"


def test_credentials_in_the_form_body_work_too(server: Server, client: Credentials) -> None:
    response = httpx.post(
        f"{server.url}/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client.client_id,
            "client_secret": client.client_secret,
        },
    )
    assert response.status_code == 200
    token = response.json()["access_token"]
    assert httpx.get(f"{server.url}/users", headers={"Authorization": f"Bearer {token}"}).is_success


@pytest.mark.parametrize(
    ("auth", "form", "status", "error"),
    [
        (None, {"grant_type": "client_credentials"}, 401, "invalid_client"),
        (("wrong", "pair"), {"grant_type": "client_credentials"}, 401, "invalid_client"),
        ("bad-secret", {"grant_type": "client_credentials"}, 401, "invalid_client"),
        ("good", {}, 400, "invalid_request"),
        ("good", {"grant_type": "password"}, 400, "unsupported_grant_type"),
    ],
)
def test_token_errors_follow_rfc_6749(
    server: Server,
    client: Credentials,
    auth: object,
    form: dict[str, str],
    status: int,
    error: str,
) -> None:
    if auth == "good":
        auth = (client.client_id, client.client_secret)
    elif auth == "bad-secret":
        auth = (client.client_id, client.client_secret + "x")
    response = httpx.post(f"{server.url}/oauth2/token", data=form, auth=auth)  # type: ignore[arg-type]
    assert response.status_code == status
    assert response.json()["error"] == error
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Basic")


def test_credentials_twice_is_invalid_request(server: Server, client: Credentials) -> None:
    response = httpx.post(
        f"{server.url}/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": client.client_id},
        auth=(client.client_id, client.client_secret),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_garbage_basic_header_is_invalid_client(server: Server) -> None:
    response = httpx.post(
        f"{server.url}/oauth2/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic !!!not-base64"},
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer nonsense", "Basic abc", "Bearer " + "A" * 86],
)
def test_api_rejects_missing_or_forged_tokens(server: Server, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = httpx.get(f"{server.url}/users", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/unauthorized")


def test_tampered_token_is_rejected(server: Server, client: Credentials) -> None:
    token = server.token(client)
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[20] ^= 1  # the expiry: a forger's first target
    forged = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    response = httpx.get(f"{server.url}/users", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_health_ready_needs_no_token(server: Server) -> None:
    assert httpx.get(f"{server.url}/health/ready").status_code == 204


def test_rotating_the_secret_revokes_tokens_at_once(server: Server, client: Credentials) -> None:
    token = server.token(client)
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{server.url}/users", headers=headers).status_code == 200
    rotated = server.cli("client", "rotate-secret", client.client_id, "--json")
    import json

    new_secret = json.loads(rotated.stdout)["clientSecret"]
    # Another process rotated it: the server notices within its one-second cache.
    import time

    deadline = time.monotonic() + 3
    status = 200
    while time.monotonic() < deadline:
        status = httpx.get(f"{server.url}/users", headers=headers).status_code
        if status == 401:
            break
        time.sleep(0.1)
    assert status == 401
    old = httpx.post(
        f"{server.url}/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, client.client_secret),
    )
    assert old.status_code == 401
    fresh = Credentials(client.client_id, new_secret)
    assert httpx.get(
        f"{server.url}/users", headers={"Authorization": f"Bearer {server.token(fresh)}"}
    ).is_success
