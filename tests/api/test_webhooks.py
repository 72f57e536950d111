"""Webhook management: the spec's calls, its validation, where a webhook may
point, tenancy, and the `enode` SDK's view of them."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator

import httpx
import pytest
from enode import models

from tests.conftest import start_server
from tests.e2e.test_sdk import sdk_for
from tests.support.receiver import Receiver
from tests.support.server import Credentials, Server
from tests.support.spec import assert_problem, assert_response

SECRET = "a-secret-of-some-length"


def create(api: httpx.Client, **fields: object) -> httpx.Response:
    return api.post("/webhooks", json={"secret": SECRET, **fields})


def test_create_read_update_delete(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        created = create(
            api, url="https://example.com/hooks/1", events=["user:vehicle:updated"],
            apiVersion="2024-10-01",
            authentication={"headerName": "x-api-key", "headerValue": "hidden-value"},
        )  # fmt: skip
        assert created.status_code == 200, created.text
        assert_response("POST", "/webhooks", 200, created.json())
        webhook = created.json()
        assert webhook["isActive"] is True
        assert webhook["authentication"] == {"headerName": "x-api-key"}
        assert SECRET not in created.text and "hidden-value" not in created.text

        path = f"/webhooks/{webhook['id']}"
        fetched = api.get(path)
        assert_response("GET", "/webhooks/{webhookId}", 200, fetched.json())
        assert fetched.json() == webhook

        changed = api.patch(path, json={"events": ["*"], "authentication": None})
        assert changed.status_code == 200, changed.text
        assert_response("PATCH", "/webhooks/{webhookId}", 200, changed.json())
        assert changed.json()["events"] == ["*"]
        assert changed.json()["authentication"] is None
        assert changed.json()["url"] == "https://example.com/hooks/1"

        listed = api.get("/webhooks")
        assert_response("GET", "/webhooks", 200, listed.json())
        assert [w["id"] for w in listed.json()["data"]] == [webhook["id"]]

        assert api.delete(path).status_code == 204
        for response in (api.get(path), api.patch(path, json={"events": ["*"]}),
                         api.delete(path), api.post(f"{path}/test")):  # fmt: skip
            assert response.status_code == 404
            assert_problem(response.json())


def test_pagination_of_webhooks(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        ids = [create(api, url=f"https://example.com/hooks/{n}").json()["id"] for n in range(5)]
        first = api.get("/webhooks", params={"pageSize": 2}).json()
        assert [w["id"] for w in first["data"]] == ids[::-1][:2]  # newest first
        rest = api.get("/webhooks", params={"pageSize": 10, "after": first["pagination"]["after"]})
        assert [w["id"] for w in rest.json()["data"]] == ids[::-1][2:]


@pytest.mark.parametrize(
    "fields",
    [
        {"url": "https://example.com/x", "secret": "short"},
        {"url": "https:/", "secret": SECRET},
        {"url": "https://example.com/x", "secret": SECRET, "events": ["user:nothing"]},
        {"url": "https://example.com/x", "secret": SECRET, "apiVersion": "2024-01-01"},
        {"url": "https://example.com/x", "secret": SECRET,
         "authentication": {"headerName": "Not Valid", "headerValue": "v"}},
        {"url": "https://example.com/x", "secret": SECRET, "unknown": 1},
        {"url": "not a url at all", "secret": SECRET},
        {"secret": SECRET},
    ],
)  # fmt: skip
def test_invalid_webhooks_are_a_400_problem(
    server: Server, client: Credentials, fields: dict[str, object]
) -> None:
    with server.api(client) as api:
        response = api.post("/webhooks", json=fields)
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert_problem(response.json())


def test_the_same_url_twice_is_refused(server: Server, client: Credentials) -> None:
    with server.api(client) as api:
        assert create(api, url="https://example.com/same").status_code == 200
        again = create(api, url="https://example.com/same")
        assert again.status_code == 400
        assert_response("POST", "/webhooks", 400, again.json())
        assert "already exists" in again.json()["detail"]


def test_another_client_never_sees_or_touches_a_webhook(server: Server) -> None:
    owner, other = server.new_client(), server.new_client()
    with server.api(owner) as api, server.api(other) as intruder:
        webhook = create(api, url="https://example.com/mine").json()
        path = f"/webhooks/{webhook['id']}"
        assert intruder.get("/webhooks").json()["data"] == []
        assert intruder.get(path).status_code == 404
        assert intruder.patch(path, json={"url": "https://evil.example.com/x"}).status_code == 404
        assert intruder.post(f"{path}/test").status_code == 404
        assert intruder.delete(path).status_code == 404
        assert api.get(path).json()["url"] == "https://example.com/mine"
        # The same url is another client's own business.
        assert create(intruder, url="https://example.com/mine").status_code == 200


def test_the_test_call_reports_what_the_receiver_answered(
    server: Server, client: Credentials
) -> None:
    with Receiver() as receiver, server.api(client) as api:
        webhook = create(api, url=receiver.url).json()
        result = api.post(f"/webhooks/{webhook['id']}/test")
        assert_response("POST", "/webhooks/{webhookId}/test", 200, result.json())
        assert result.json()["status"] == "SUCCESS"
        assert result.json()["response"]["code"] == 200
        assert result.json()["response"]["body"] == "ok"
        [event] = receiver.accepted()[-1].events
        assert event["event"] == "enode:webhook:test"

        receiver.failures_left = 1
        failed = api.post(f"/webhooks/{webhook['id']}/test").json()
        assert failed["status"] == "FAILURE"
        assert failed["response"]["code"] == 500

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/hook"
    with server.api(client) as api:
        webhook = create(api, url=closed).json()
        nobody = api.post(f"/webhooks/{webhook['id']}/test")
        assert_response("POST", "/webhooks/{webhookId}/test", 200, nobody.json())
        assert nobody.json()["status"] == "FAILURE"
        assert nobody.json()["response"] is None
        assert nobody.json()["description"]


@pytest.fixture(scope="module")
def guarded(request: pytest.FixtureRequest) -> Iterator[Server]:
    """A server run as an operator would: webhooks may not reach private networks."""
    running = start_server(request, "sqlite", {"GRIDLINK_ALLOW_INSECURE_WEBHOOKS": "0"})
    yield running
    running.stop()
    shutil.rmtree(running.data_dir, ignore_errors=True)


@pytest.mark.parametrize(
    ("environment", "url", "allowed"),
    [
        ("production", "https://hooks.example.com/enode", True),
        ("production", "http://hooks.example.com/enode", False),
        ("sandbox", "http://hooks.example.com/enode", True),
        ("sandbox", "ftp://hooks.example.com/enode", False),
        ("sandbox", "https://127.0.0.1/enode", False),
        ("sandbox", "http://localhost:8080/enode", False),
        ("sandbox", "https://10.1.2.3/enode", False),
        ("sandbox", "https://192.168.1.10/enode", False),
        ("sandbox", "https://169.254.169.254/latest", False),
        ("sandbox", "https://[::1]/enode", False),
        ("production", "https://user:pw@hooks.example.com/enode", False),
    ],
)
def test_where_a_webhook_may_point(
    guarded: Server, environment: str, url: str, allowed: bool
) -> None:
    client = guarded.new_client(environment)
    with guarded.api(client) as api:
        response = create(api, url=url)
        assert response.status_code == (200 if allowed else 400), response.text
        if not allowed:
            assert_problem(response.json())


def test_the_sdk_manages_webhooks(server: Server, client: Credentials) -> None:
    with Receiver() as receiver, sdk_for(server, client) as sdk:
        created = sdk.webhooks.create(
            url=receiver.url, secret=SECRET,
            events=[models.WebhookCreatePayloadEvent.USER_VEHICLE_UPDATED],
        )  # fmt: skip
        assert created.is_active is True
        assert sdk.webhooks.get(webhook_id=created.id).url == receiver.url
        updated = sdk.webhooks.update(
            webhook_id=created.id, events=[models.WebhookUpdatePayloadEvent.WILDCARD_]
        )
        assert updated.events == ["*"]
        assert [w.id for w in sdk.webhooks.list().data] == [created.id]
        tested = sdk.webhooks.test(webhook_id=created.id)
        assert tested.status == models.TestFirehoseWebhookStatus.SUCCESS
        sdk.webhooks.delete(webhook_id=created.id)
        assert sdk.webhooks.list().data == []
