"""Webhook management and the test call, to a receiver on loopback."""

from __future__ import annotations

import httpx

from tests.conformance.test_devices import ok, refused
from tests.support.receiver import Receiver
from tests.support.spec import assert_webhook_event

SECRET = "a-conformance-secret"


def test_webhooks(api: httpx.Client) -> None:
    with Receiver() as receiver:
        created = ok(api.post("/webhooks", json={"url": receiver.url, "secret": SECRET,
                                                 "events": ["user:vehicle:updated"]}))  # fmt: skip
        refused(api.post("/webhooks", json={"url": receiver.url, "secret": SECRET}))  # twice
        refused(api.post("/webhooks", json={"url": "https://example.com/x", "secret": "short"}))
        path = f"/webhooks/{created['id']}"
        assert ok(api.get(path)) == created
        assert [w["id"] for w in ok(api.get("/webhooks"))["data"]] == [created["id"]]
        assert ok(api.patch(path, json={"events": ["*"]}))["events"] == ["*"]
        assert ok(api.post(f"{path}/test"))["status"] == "SUCCESS"
        receiver.wait_for(lambda r: bool(r.events("enode:webhook:test")), what="the test event")
        assert_webhook_event(receiver.events("enode:webhook:test")[0])
        ok(api.delete(path), 204)
        refused(api.get(path), 404)
