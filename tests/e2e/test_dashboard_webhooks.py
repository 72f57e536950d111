"""The dashboard's webhook pages against a real receiver: deliveries with their
answers, the heartbeat, redelivery, the test event, and nothing secret shown."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from playwright.sync_api import Page, expect

from gridlink.webhooks.signing import is_valid
from tests.api.test_sandbox_devices import link
from tests.e2e.test_dashboard import log_in
from tests.support.receiver import Received, Receiver
from tests.support.server import Credentials, Server

SECRET = "dashboard-receiver-secret"
AUTH_VALUE = "Bearer header-value-42"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def subscribe(api: httpx.Client, receiver: Receiver, **fields: object) -> str:
    response = api.post("/webhooks", json={"url": receiver.url, "secret": SECRET, **fields})
    assert response.status_code == 200, response.text
    webhook_id: str = response.json()["id"]
    return webhook_id


def carrying(receiver: Receiver, event: str) -> list[Received]:
    return [r for r in receiver.accepted() if any(e["event"] == event for e in r.events)]


@contextmanager
def logged_in(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url) as browser:
        browser.post("/dashboard/login", data={"password": server.admin_password})
        yield browser


def csrf_of(html: str) -> str:
    return html.split('name="csrf" value="')[1].split('"')[0]


@pytest.mark.browser
def test_deliveries_show_with_their_answers_and_redeliver(
    server: Server, client: Credentials, receiver: Receiver, page: Page
) -> None:
    with server.api(client) as api:
        webhook_id = subscribe(
            api, receiver, events=["user:vehicle:discovered"],
            authentication={"headerName": "x-my-auth", "headerValue": AUTH_VALUE},
        )  # fmt: skip
        link(server, client, api, "hooked", "vehicle", "TESLA", ["vehicle:read:data"])
    receiver.wait_for(lambda r: bool(carrying(r, "user:vehicle:discovered")))
    receiver.wait_for(lambda r: bool(carrying(r, "system:heartbeat")), what="a heartbeat")
    original = carrying(receiver, "user:vehicle:discovered")[0]
    delivery_id = original.headers["x-enode-delivery"]

    log_in(page, server)
    page.goto(f"{server.url}/dashboard/clients/{client.client_id}#webhooks")
    page.get_by_role("link", name=receiver.url).click()
    expect(page.get_by_role("heading", name="Webhook")).to_be_visible()
    assert page.url.endswith(f"/webhooks/{webhook_id}")
    expect(page.locator("#latest-heartbeat")).to_contain_text("DELIVERED")
    expect(page.locator("#latest-heartbeat")).to_contain_text("answered 200")
    expect(page.get_by_role("img", name="Kept deliveries by state")).to_be_visible()

    row = page.locator(f"#delivery-{delivery_id}")
    expect(row).to_contain_text("events")
    expect(row).to_contain_text("DELIVERED")
    expect(row.locator("td.response-code")).to_have_text("200")
    row.get_by_text("Request body").click()
    expect(row.locator("pre").first).to_contain_text('"event": "user:vehicle:discovered"')
    row.get_by_text("Response body").click()
    expect(row.locator("pre").last).to_have_text("ok")
    html = page.content()
    assert SECRET not in html
    assert AUTH_VALUE not in html
    assert "x-my-auth" in html  # the header's name is no secret

    row.get_by_role("button", name="Redeliver").click()
    expect(page.get_by_role("status")).to_contain_text("Redelivery queued")

    def redelivered(r: Receiver) -> list[Received]:
        return [d for d in r.accepted() if d.body == original.body and d is not original]

    receiver.wait_for(lambda r: bool(redelivered(r)), what="the redelivery")
    again = redelivered(receiver)[0]
    assert again.headers["x-enode-delivery"] != delivery_id
    assert is_valid(again.body, SECRET, again.headers["x-enode-signature"])
    assert again.headers["x-my-auth"] == AUTH_VALUE

    # The receiver has the body before gridlink has recorded its answer: the page
    # shows DELIVERED once that is stored, so look again until it is.
    copy = page.locator(f"#delivery-{again.headers['x-enode-delivery']}")
    deadline = time.monotonic() + 10
    while True:
        page.reload()
        expect(copy).to_contain_text("redelivery")
        if "DELIVERED" in copy.inner_text() or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    expect(copy).to_contain_text("DELIVERED")
    assert SECRET not in page.content()


def test_send_a_test_event_from_the_page(
    server: Server, client: Credentials, receiver: Receiver
) -> None:
    with server.api(client) as api:
        webhook_id = subscribe(api, receiver, events=["user:vehicle:discovered"])
    url = f"/dashboard/clients/{client.client_id}/webhooks/{webhook_id}"
    with logged_in(server) as browser:
        csrf = csrf_of(browser.get(url).text)
        sent = browser.post(f"{url}/test", data={"csrf": csrf})
        assert sent.status_code == 303
        assert sent.headers["location"].startswith(f"{url}?done=test-ok")
        tested = carrying(receiver, "enode:webhook:test")
        assert len(tested) == 1
        shown = browser.get(sent.headers["location"]).text
    assert "Test event delivered." in shown
    assert f'id="delivery-{tested[0].headers["x-enode-delivery"]}"' in shown
    assert SECRET not in shown


def test_webhook_pages_are_scoped_to_their_client_and_need_csrf(
    server: Server, client: Credentials, receiver: Receiver
) -> None:
    other = server.new_client()
    with server.api(other) as api:
        foreign = subscribe(api, receiver)
    with server.api(client) as api:
        own = subscribe(api, receiver)
    base = f"/dashboard/clients/{client.client_id}/webhooks"
    anonymous = httpx.get(f"{server.url}{base}/{own}", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/dashboard/login"
    with logged_in(server) as browser:
        csrf = csrf_of(browser.get(f"{base}/{own}").text)
        for missing in (
            browser.get(f"{base}/{foreign}"),
            browser.get(f"{base}/not-a-webhook"),
            browser.get(f"/dashboard/clients/not-a-client/webhooks/{own}"),
            browser.post(f"{base}/{foreign}/test", data={"csrf": csrf}),
            browser.post(f"{base}/{own}/deliveries/not-a-delivery/redeliver", data={"csrf": csrf}),
        ):
            assert missing.status_code == 404
            assert "text/html" in missing.headers["content-type"]
            assert "Not found" in missing.text
        forged = browser.post(f"{base}/{own}/test", data={})
        assert forged.status_code == 400
        assert "The form expired" in forged.text
        client_page = browser.get(f"/dashboard/clients/{client.client_id}").text
    assert f'href="{base}/{own}"' in client_page
    assert foreign not in client_page
    assert not carrying(receiver, "enode:webhook:test")
