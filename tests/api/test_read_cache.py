"""Answers kept in memory never outlive the change that makes them wrong, in
the process that made the change and, on PostgreSQL, in every other one."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.support.link_flow import LinkBrowser
from tests.support.server import Credentials, Server

BODY = {
    "vendorType": "vehicle",
    "scopes": ["vehicle:read:data"],
    "language": "en-US",
    "redirectUri": "https://localhost:3000",
}
LINKED = [{"vendor": "TESLA", "vendorType": "vehicle", "isValid": True}]


def test_every_write_shows_in_the_next_read(server: Server, client: Credentials) -> None:
    asset = server.virtual_asset(client.client_id)
    with server.api(client) as api:
        url = api.post("/users/fresh/link", json=BODY).json()["linkUrl"]
        for _ in range(3):  # read, and read again from memory
            assert api.get("/users/fresh").json()["linkedVendors"] == []
        LinkBrowser(url).link("TESLA", asset["username"], asset["password"])
        assert api.get("/users/fresh").json()["linkedVendors"] == LINKED
        api.delete("/users/fresh/authorization")
        assert api.get("/users/fresh").json()["linkedVendors"][0]["isValid"] is False
        api.delete("/users/fresh/vendors/TESLA")
        assert api.get("/users/fresh").json()["linkedVendors"] == []
        api.delete("/users/fresh")
        assert api.get("/users/fresh").status_code == 404


def test_versions_are_kept_apart(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        api.post("/users/versions/link", json=BODY)
        older = api.get("/users/versions", headers={"Enode-Version": "2024-01-01"})
        newer = api.get("/users/versions")
    assert older.headers["enode-version"] == "2024-01-01"
    assert newer.headers["enode-version"] == "2024-10-01"


@pytest.fixture
def second_process(server: Server) -> Iterator[Server]:
    """Another gridlink process on the same PostgreSQL database."""
    if server.backend != "postgresql":
        pytest.skip("several processes share one database only on PostgreSQL")
    other = Server(
        backend=server.backend,
        database_url=server.database_url,
        data_dir=server.data_dir / "second",
        secret_key=server.secret_key,
        admin_password=server.admin_password,
    )
    other.data_dir.mkdir()
    other.start()
    yield other
    other.stop()
    shutil.rmtree(other.data_dir, ignore_errors=True)


def eventually(check: Callable[[], bool], seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


def test_other_processes_hear_of_changes(
    server: Server, second_process: Server, client: Credentials
) -> None:
    asset = server.virtual_asset(client.client_id)
    token = server.token(client)
    headers = {"Authorization": f"Bearer {token}"}
    with server.api(client) as api:
        url = api.post("/users/shared/link", json=BODY).json()["linkUrl"]
    there = f"{second_process.url}/users/shared"
    assert httpx.get(there, headers=headers).json()["linkedVendors"] == []
    assert httpx.get(there, headers=headers).json()["linkedVendors"] == []  # kept in memory

    LinkBrowser(url).link("TESLA", asset["username"], asset["password"])
    assert eventually(
        lambda: httpx.get(there, headers=headers).json()["linkedVendors"] == LINKED, 1.0
    )

    # A secret rotated through the first process revokes tokens in the second.
    server.cli("client", "rotate-secret", client.client_id)
    assert eventually(lambda: httpx.get(there, headers=headers).status_code == 401, 1.0)
