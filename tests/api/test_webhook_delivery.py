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


def levels(receiver: Receiver) -> list[float]:
    """Battery levels in the order their events arrived."""
    return [
        e["vehicle"]["chargeState"]["batteryLevel"]
        for e in receiver.events("user:vehicle:updated")
        if "chargeState.batteryLevel" in e["updatedFields"]
    ]


def linked_vehicle(server: Server, client: Credentials, api: httpx.Client, user: str) -> str:
    vehicle_id = link(server, client, api, user, "vehicle", "TESLA",
                      ["vehicle:read:data", "vehicle:control:charging"])  # fmt: skip
    advance(api, 10)  # its first full state
    return vehicle_id


def test_a_burst_arrives_complete_in_order_in_batches_of_at_most_100(
    server: Server, client: Credentials, receiver: Receiver
) -> None:
    with server.api(client) as api:
        vehicle_id = linked_vehicle(server, client, api, "burst")
        subscribe(api, receiver, events=["user:vehicle:updated"])
        receiver.hold()  # the first delivery waits while the rest pile up
        sent = [float(1 + i % 99) for i in range(130)]
        for level in sent:
            response = api.patch(f"/sandbox/assets/{vehicle_id}", json={"batteryLevel": level})
            assert response.status_code == 200, response.text
        receiver.release()
        receiver.wait_for(lambda r: len(levels(r)) >= len(sent), what="the whole burst")
    assert levels(receiver) == sent
    sizes = [len(d.events) for d in receiver.accepted()]
    assert max(sizes) <= 100
    assert max(sizes) > 1, sizes


def test_a_failing_receiver_gets_the_same_delivery_again_until_it_recovers(
    server: Server, client: Credentials, receiver: Receiver
) -> None:
    with server.api(client) as api:
        vehicle_id = linked_vehicle(server, client, api, "retry")
        subscribe(api, receiver, events=["user:vehicle:updated"])
        receiver.failures_left = 2
        for level in (11.0, 12.0, 13.0):
            api.patch(f"/sandbox/assets/{vehicle_id}", json={"batteryLevel": level})
        receiver.wait_for(lambda r: levels(r)[-1:] == [13.0], what="recovery")
    failed = [r for r in receiver.received if r.status == 500]
    assert len(failed) == 2
    first_accepted = receiver.accepted()[0]
    # Retries carry the same delivery id and body as the failed attempts.
    assert {r.headers["x-enode-delivery"] for r in failed} == {
        first_accepted.headers["x-enode-delivery"]
    }
    assert failed[0].body == first_accepted.body
    assert levels(receiver) == [11.0, 12.0, 13.0]


@pytest.mark.parametrize("revival", ["test", "update"])
def test_a_receiver_that_keeps_failing_turns_the_webhook_inactive_until_revived(
    server: Server, client: Credentials, receiver: Receiver, revival: str
) -> None:
    with server.api(client) as api:
        vehicle_id = linked_vehicle(server, client, api, "dead")
        webhook = subscribe(api, receiver, events=["user:vehicle:updated"])
        receiver.failures_left = 10**6
        api.patch(f"/sandbox/assets/{vehicle_id}", json={"batteryLevel": 21.0})

        def inactive() -> bool:
            return api.get(f"/webhooks/{webhook['id']}").json()["isActive"] is False

        receiver.wait_for(lambda _r: inactive(), timeout=30, what="deactivation")
        attempts = len(receiver.received)
        assert attempts >= 3  # retried with growing intervals before giving up
        api.patch(f"/sandbox/assets/{vehicle_id}", json={"batteryLevel": 22.0})
        receiver.failures_left = 0
        if revival == "test":
            result = api.post(f"/webhooks/{webhook['id']}/test").json()
            assert result["status"] == "SUCCESS"
        else:
            assert api.patch(f"/webhooks/{webhook['id']}", json={}).status_code == 200
        assert api.get(f"/webhooks/{webhook['id']}").json()["isActive"] is True
        api.patch(f"/sandbox/assets/{vehicle_id}", json={"batteryLevel": 23.0})
        receiver.wait_for(lambda r: 23.0 in levels(r), what="delivery after reactivation")
    # What was queued while it failed was dropped, as Enode does.
    assert levels(receiver) == [23.0]


def test_events_filter_custom_header_and_action_events(
    server: Server, client: Credentials, receiver: Receiver
) -> None:
    with server.api(client) as api:
        vehicle_id = linked_vehicle(server, client, api, "act")
        # Plugged in, it starts charging by itself: the command is to stop.
        api.patch(
            f"/sandbox/assets/{vehicle_id}", json={"isPluggedIn": True, "batteryLevel": 40}
        )  # starts charging
        subscribe(
            api, receiver, events=["user:vendor-action:updated", "user:credentials:invalidated"],
            authentication={"headerName": "x-my-auth", "headerValue": "Bearer s3cret"},
        )  # fmt: skip
        started = api.post(f"/vehicles/{vehicle_id}/charging", json={"action": "STOP"})
        assert started.status_code == 200, started.text
        action = started.json()
        advance(api, 10)
        receiver.wait_for(lambda r: bool(r.events("user:vendor-action:updated")))
        api.patch(f"/sandbox/assets/{vehicle_id}", json={"credentialsValid": False})
        receiver.wait_for(lambda r: bool(r.events("user:credentials:invalidated")))
    names = {e["event"] for e in receiver.events()}
    assert names == {"user:vendor-action:updated", "user:credentials:invalidated"}
    confirmed = receiver.events("user:vendor-action:updated")[0]
    assert confirmed["vendorAction"]["id"] == action["id"]
    assert confirmed["vendorAction"]["state"] == "CONFIRMED"
    assert "state" in confirmed["updatedFields"]
    assert receiver.events("user:credentials:invalidated")[0]["vendor"] == "TESLA"
    for delivery in receiver.accepted():
        assert delivery.headers["x-my-auth"] == "Bearer s3cret"
        for event in delivery.events:
            assert_webhook_event(event)


def test_heartbeats_and_deleted_assets(
    server: Server, client: Credentials, receiver: Receiver
) -> None:
    with server.api(client) as api:
        linked_vehicle(server, client, api, "gone")
        subscribe(api, receiver)
        receiver.wait_for(
            lambda r: any(e["event"] == "system:heartbeat" for d in r.accepted() for e in d.events),
            timeout=15, what="a heartbeat",
        )  # fmt: skip
        assert api.delete("/users/gone/vendors/TESLA").status_code == 204
        receiver.wait_for(lambda r: bool(r.events("user:vehicle:deleted")))
    beats = [e for d in receiver.accepted() for e in d.events if e["event"] == "system:heartbeat"]
    assert beats[0]["pendingEvents"] >= 0
    for event in [*beats, *receiver.events("user:vehicle:deleted")]:
        assert_webhook_event(event)


def test_the_docs_signature_test_vector() -> None:
    body = b'{"payload":"example"}'
    assert is_valid(body, "example-secret", "sha1=e417e6fc2e7f8a78c93a35a7b344d36ce179fc8d")
    assert not is_valid(body, "other-secret", "sha1=e417e6fc2e7f8a78c93a35a7b344d36ce179fc8d")


def test_every_asset_type_discovered_and_updated_validates(
    server: Server, client: Credentials, receiver: Receiver
) -> None:
    kinds = [("vehicle", "TESLA"), ("charger", "ZAPTEC"), ("hvac", "DAIKIN"),
             ("inverter", "FRONIUS"), ("battery", "TESLA"), ("meter", "TESLA")]  # fmt: skip
    with server.api(client) as api:
        subscribe(api, receiver)
        for asset_type, vendor in kinds:
            link(server, client, api, "home", asset_type, vendor, [f"{asset_type}:read:data"])
        advance(api, 3600)
        wanted = {f"user:{t}:{verb}" for t, _ in kinds for verb in ("discovered", "updated")}
        receiver.wait_for(lambda r: wanted <= {e["event"] for e in r.events()}, what=str(wanted))
    for event in receiver.events():
        assert_webhook_event(event)


def test_a_stalled_receiver_does_not_delay_another(
    server: Server, client: Credentials, receiver: Receiver
) -> None:
    with Receiver() as quick, server.api(client) as api:
        vehicle_id = linked_vehicle(server, client, api, "two")
        subscribe(api, receiver, events=["user:vehicle:updated"])
        subscribe(api, quick, events=["user:vehicle:updated"])
        receiver.hold()  # answers only when released (or after 4 s)
        api.patch(f"/sandbox/assets/{vehicle_id}", json={"batteryLevel": 31.0})
        quick.wait_for(lambda r: levels(r) == [31.0], timeout=3, what="the quick receiver")
        assert levels(receiver) == []  # still stalled
        receiver.release()
        receiver.wait_for(lambda r: levels(r) == [31.0], what="the stalled receiver")
