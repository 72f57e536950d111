"""The `gridlink` command against the same database as a running server."""

from __future__ import annotations

import json
import time

import httpx

from tests.support.link_flow import LinkBrowser
from tests.support.server import Credentials, Server


def test_client_create_rotate_and_asset_create(server: Server) -> None:
    created = json.loads(
        server.cli("client", "create", "--environment", "sandbox", "--name", "cli", "--json").stdout
    )
    assert created["environment"] == "sandbox"
    assert {"clientId", "clientSecret", "environment"} <= set(created)
    client = Credentials(created["clientId"], created["clientSecret"])
    assert server.token(client)

    listed = json.loads(server.cli("client", "list", "--json").stdout)
    assert created["clientId"] in [c["clientId"] for c in listed]
    assert all("clientSecret" not in c for c in listed)

    asset = json.loads(
        server.cli(
            "sandbox", "asset", "create", "--client", client.client_id, "--type", "vehicle",
            "--vendor", "TESLA", "--model", "Model Y Long Range", "--name", "Y", "--json",
        ).stdout
    )  # fmt: skip
    assert asset["model"] == "Model Y Long Range"
    assert asset["properties"]["batteryCapacity"] == 75.0
    with server.api(client) as api:
        url = api.post(
            "/users/cli-user/link",
            json={"scopes": ["vehicle:read:data"], "language": "en-US",
                  "redirectUri": "https://localhost:3000"},
        ).json()["linkUrl"]  # fmt: skip
        LinkBrowser(url).link("TESLA", asset["username"], asset["password"])
        assert api.get("/users/cli-user").json()["linkedVendors"][0]["isValid"] is True

    rotated = json.loads(server.cli("client", "rotate-secret", client.client_id, "--json").stdout)
    assert rotated["clientSecret"] != client.client_secret
    refused = httpx.post(
        f"{server.url}/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, client.client_secret),
    )
    assert refused.status_code == 401


def test_cli_errors_are_readable(server: Server) -> None:
    bad_env = server.cli("client", "create", "--environment", "staging", "--name", "x",
                         check=False)  # fmt: skip
    assert bad_env.returncode == 1
    assert "environment must be one of" in bad_env.stderr
    production = json.loads(
        server.cli(
            "client", "create", "--environment", "production", "--name", "p", "--json"
        ).stdout  # fmt: skip
    )
    for args, message in [
        (["--client", production["clientId"], "--type", "vehicle", "--vendor", "TESLA"],
         "sandbox clients only"),
        (["--client", "nope", "--type", "vehicle", "--vendor", "TESLA"], "No client"),
        (["--client", production["clientId"], "--type", "toaster", "--vendor", "X"], ""),
    ]:  # fmt: skip
        result = server.cli("sandbox", "asset", "create", *args, check=False)
        assert result.returncode == 1, result
        assert "Traceback" not in result.stderr
        assert message in result.stderr
    sandbox = server.new_client()
    wrong_vendor = server.cli(
        "sandbox", "asset", "create", "--client", sandbox.client_id, "--type", "vehicle",
        "--vendor", "ZAPTEC", check=False,
    )  # fmt: skip
    assert wrong_vendor.returncode == 1 and "not a vehicle brand" in wrong_vendor.stderr
    wrong_model = server.cli(
        "sandbox", "asset", "create", "--client", sandbox.client_id, "--type", "vehicle",
        "--vendor", "TESLA", "--model", "Cybertruck", check=False,
    )  # fmt: skip
    assert wrong_model.returncode == 1 and "Model 3" in wrong_model.stderr


def test_names_with_control_characters_are_refused(server: Server) -> None:
    result = server.cli("client", "create", "--name", "bad\x01name", check=False)
    assert result.returncode == 1
    assert "control characters" in result.stderr


def test_sandbox_clock_and_overrides_from_the_cli(server: Server) -> None:
    client = server.new_client()
    asset = server.virtual_asset(client.client_id, "vehicle", "TESLA")
    with server.api(client) as api:
        url = api.post(
            "/users/cli-driver/link",
            json={"scopes": ["vehicle:read:data"], "language": "en-US",
                  "redirectUri": "https://localhost:3000"},
        ).json()["linkUrl"]  # fmt: skip
        LinkBrowser(url).link("TESLA", asset["username"], asset["password"])
        vehicle_id = api.get("/vehicles").json()["data"][0]["id"]
        before = json.loads(
            server.cli("sandbox", "clock", "show", "--client", client.client_id, "--json").stdout
        )["now"]
        moved = json.loads(
            server.cli(
                "sandbox",
                "clock",
                "advance",
                "--client",
                client.client_id,
                "--hours",
                "1",
                "--json",
            ).stdout  # fmt: skip
        )["now"]
        assert moved > before
        server.cli("sandbox", "asset", "set", "--client", client.client_id, vehicle_id,
                   "--plugged-in", "--battery-level", "20")  # fmt: skip
        state = api.get(f"/vehicles/{vehicle_id}").json()["chargeState"]
        assert state["isPluggedIn"] is True and state["batteryLevel"] == 20.0
        server.cli("sandbox", "clock", "advance", "--client", client.client_id,
                   "--hours", "2")  # fmt: skip
        assert api.get(f"/vehicles/{vehicle_id}").json()["chargeState"]["batteryLevel"] > 45
    wrong = server.cli("sandbox", "asset", "set", "--client", client.client_id, "nope",
                       "--unplugged", check=False)  # fmt: skip
    assert wrong.returncode == 1 and "No asset" in wrong.stderr


def test_client_set_version(server: Server) -> None:
    client = server.new_client(default_api_version="2024-10-01")
    headers = {"Authorization": f"Bearer {server.token(client)}"}
    assert httpx.get(f"{server.url}/users", headers=headers).headers["enode-version"] == (
        "2024-10-01"
    )
    changed = json.loads(
        server.cli("client", "set-version", client.client_id, "2024-01-01", "--json").stdout
    )
    assert changed["clientId"] == client.client_id
    assert changed["defaultApiVersion"] == "2024-01-01"
    assert "clientSecret" not in changed
    listed = json.loads(server.cli("client", "list", "--json").stdout)
    assert [c["defaultApiVersion"] for c in listed if c["clientId"] == client.client_id] == [
        "2024-01-01"
    ]
    # The running server hears of it within a second or two, tokens unchanged.
    deadline = time.monotonic() + 5
    while True:
        version = httpx.get(f"{server.url}/users", headers=headers).headers["enode-version"]
        if version == "2024-01-01" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert version == "2024-01-01"

    plain = server.cli("client", "set-version", client.client_id, "2024-10-01")
    assert "2024-10-01" in plain.stdout
    for args, message in [
        ([client.client_id, "2023-02-01"], "default API version must be one of"),
        (["nope", "2024-10-01"], "No client"),
    ]:
        refused = server.cli("client", "set-version", *args, check=False)
        assert refused.returncode == 1 and message in refused.stderr
        assert "Traceback" not in refused.stderr
