"""Webhook delivery to a real receiver on loopback: signatures, batches, order,
retries, deactivation, and every payload against the spec."""

from __future__ import annotations

import httpx
import pytest

from gridlink.webhooks.signing import is_valid
from tests.api.test_sandbox_devices import advance, link
from tests.support.receiver import Receiver
from tests.support.server import Credentials, Server
from tests.support.spec import assert_webhook_event

SECRET = "receiver-secret-123"


def subscribe(api: httpx.Client, receiver: Receiver, **fields: object) -> dict[str, object]:
    response = api.post("/webhooks", json={"url": receiver.url, "secret": SECRET, **fields})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


@pytest.fixture
def receiver() -> Receiver:
    with Receiver() as running:
        yield running  # type: ignore[misc]


def test_linking_and_state_changes_arrive_signed_and_valid(
    server: Server, client: Credentials, receiver: Receiver
) -> None:
    with server.api(client) as api:
        subscribe(api, receiver)
        vehicle_id = link(server, client, api, "ada", "vehicle", "TESLA",
                          ["vehicle:read:data", "vehicle:read:location",
                           "vehicle:control:charging"])  # fmt: skip
        receiver.wait_for(lambda r: bool(r.events("user:vehicle:discovered")))
        advance(api, 60)
        receiver.wait_for(lambda r: bool(r.events("user:vehicle:updated")))
    discovered = receiver.events("user:vehicle:discovered")[0]
    assert discovered["vehicle"]["id"] == vehicle_id
    assert discovered["user"] == {"id": "ada"}
    assert discovered["vehicle"]["chargeState"]["batteryLevel"] is None  # information only
    updated = receiver.events("user:vehicle:updated")[0]
    assert "chargeState.batteryLevel" in updated["updatedFields"]
    assert updated["vehicle"]["chargeState"]["batteryLevel"] is not None
    for delivery in receiver.accepted():
        assert is_valid(delivery.body, SECRET, delivery.headers["x-enode-signature"])
        assert delivery.headers["content-type"] == "application/json"
        assert delivery.headers["x-enode-delivery"]
        assert 1 <= len(delivery.events) <= 100
        for event in delivery.events:
            assert event["version"] == "2024-10-01"
            assert_webhook_event(event)
