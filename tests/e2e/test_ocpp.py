"""Real chargers over OCPP 1.6J: charge points written with the `ocpp` library
connect to a running gridlink on loopback, and the API shows and commands them."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import websockets
from playwright.sync_api import Page, Route, expect

from tests.support.charge_point import basic, connect
from tests.support.server import Credentials, Server
from tests.support.threads import run_async

SCOPES = ["charger:read:data", "charger:control:charging"]


def provision(server: Server, client_id: str, user_id: str, vendor: str = "ZAPTEC") -> Any:
    from gridlink.connectors.ocpp.provisioning import provision as provision_charge_point
    from gridlink.domain.users import ensure_user

    async def work(session: Any, _vault: Any) -> Any:
        user = await ensure_user(session, client_id, user_id)
        return await provision_charge_point(session, user, vendor, SCOPES, datetime.now(UTC))

    return server._domain(work)


async def eventually(check: Callable[[], Awaitable[Any]], timeout: float = 10.0) -> Any:
    """The check's first truthy answer, polled until the timeout."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the condition did not come true in time")
        await asyncio.sleep(0.1)


@pytest.fixture
def production(server: Server) -> Credentials:
    return server.new_client("production")


def _api(server: Server, credentials: Credentials) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=server.url,
        headers={"Authorization": f"Bearer {server.token(credentials)}"},
        timeout=30,
    )


def test_a_charger_boots_reports_and_obeys(server: Server, production: Credentials) -> None:
    point = provision(server, production.client_id, "ocpp-user")

    async def scenario() -> None:
        async with _api(server, production) as api:

            async def charger() -> Any:
                listed = (await api.get("/chargers")).json()["data"]
                return listed[0] if listed else None

            async def action_done(action_id: str) -> Any:
                body = (await api.get(f"/chargers/actions/{action_id}")).json()
                return body if body["state"] != "PENDING" else None

            wallbox, socket, task = await connect(server.url, point.charge_point_id, point.password)
            try:
                boot = await wallbox.boot()
                assert boot.status == "Accepted" and boot.interval == 60
                assert (await wallbox.heartbeat()).current_time
                found = await eventually(charger)
                assert found["information"]["brand"] == "Zaptec"
                assert found["information"]["model"] == "Go 2"
                assert found["information"]["serialNumber"] == "ZAP-000123"
                assert found["vendor"] == "ZAPTEC"
                assert found["isReachable"] is True
                charger_id = found["id"]

                await wallbox.status("Available")
                state = (await charger())["chargeState"]
                assert state["isPluggedIn"] is False and state["powerDeliveryState"] == "UNPLUGGED"
                # Nothing to stop: refused at once.
                refused = await api.post(
                    f"/chargers/{charger_id}/charging", json={"action": "STOP"}
                )
                assert refused.status_code == 400

                # Plugged in by hand, charging started at the charger with a card.
                await wallbox.start_transaction()
                state = (await charger())["chargeState"]
                assert state["isPluggedIn"] is True and state["isCharging"] is True
                assert state["powerDeliveryState"] == "PLUGGED_IN:CHARGING"
                await wallbox.meter(7200)
                assert (await charger())["chargeState"]["chargeRate"] == 7.2

                # Remote stop: PENDING until the charger really stops its transaction.
                sent = await api.post(f"/chargers/{charger_id}/charging", json={"action": "STOP"})
                assert sent.status_code == 200, sent.text
                assert sent.json()["state"] == "PENDING"
                done = await eventually(lambda: action_done(sent.json()["id"]))
                assert done["state"] == "CONFIRMED"
                state = (await charger())["chargeState"]
                assert state["isCharging"] is False and state["chargeRate"] is None
                assert wallbox.transaction_id is None

                # Remote start: confirmed when StartTransaction arrives.
                wallbox.transaction_started.clear()
                sent = await api.post(f"/chargers/{charger_id}/charging", json={"action": "START"})
                assert sent.status_code == 200, sent.text
                assert sent.json()["state"] == "PENDING"
                done = await eventually(lambda: action_done(sent.json()["id"]))
                assert done["state"] == "CONFIRMED"
                assert wallbox.transaction_started.is_set()
                assert (await charger())["chargeState"]["isCharging"] is True

                # Max current: a charging profile the charger accepts.
                sent = await api.post(
                    f"/chargers/{charger_id}/max-current", json={"maxCurrent": 10}
                )
                assert sent.status_code == 200, sent.text
                done = await eventually(lambda: action_done(sent.json()["id"]))
                assert done["state"] == "CONFIRMED"
                assert wallbox.limits == [10.0]
                assert (await charger())["chargeState"]["maxCurrent"] == 10

                # A refresh hint asks the charger for its status and meter values.
                hinted = await api.post(f"/chargers/{charger_id}/refresh-hint")
                assert hinted.status_code == 204

                async def triggered() -> bool:
                    return {"StatusNotification", "MeterValues"} <= set(wallbox.triggered)

                await eventually(triggered)

                # Stop, then a start the charger rejects: FAILED with a reason.
                sent = await api.post(f"/chargers/{charger_id}/charging", json={"action": "STOP"})
                await eventually(lambda: action_done(sent.json()["id"]))
                wallbox.accept_remote = False
                sent = await api.post(f"/chargers/{charger_id}/charging", json={"action": "START"})
                done = await eventually(lambda: action_done(sent.json()["id"]))
                assert done["state"] == "FAILED"
                assert done["failureReason"]["type"] == "FAILED_PRECONDITION"
                assert "Rejected" in done["failureReason"]["detail"]
            finally:
                await socket.close()
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task

            # Dropped: unreachable, and commands are refused.
            async def unreachable() -> bool:
                return (await charger())["isReachable"] is False

            await eventually(unreachable)
            refused = await api.post(f"/chargers/{charger_id}/charging", json={"action": "START"})
            assert refused.status_code == 400

    run_async(scenario())


def test_a_wrong_password_is_refused(server: Server, production: Credentials) -> None:
    point = provision(server, production.client_id, "ocpp-user-2")
    url = server.url.replace("http://", "ws://") + f"/ocpp/{point.charge_point_id}"

    async def attempt(authorization: str | None, subprotocol: str = "ocpp1.6") -> int:
        headers = {"Authorization": authorization} if authorization else {}
        try:
            async with websockets.connect(
                url, subprotocols=[subprotocol],  # type: ignore[list-item]
                additional_headers=headers,
            ):  # fmt: skip
                return 101
        except websockets.InvalidStatus as refused:
            return refused.response.status_code

    async def scenario() -> None:
        assert await attempt(basic(point.charge_point_id, "not-the-password")) == 403
        assert await attempt(None) == 403
        assert await attempt(basic("SOMEONE-ELSE", point.password)) == 403
        assert await attempt(basic(point.charge_point_id, point.password), "ocpp2.0.1") == 403
        assert await attempt(basic(point.charge_point_id, point.password)) == 101

    run_async(scenario())


def test_link_ui_connects_a_charger_over_ocpp(
    server: Server, production: Credentials, page: Page
) -> None:
    with server.api(production) as api:
        response = api.post("/users/ocpp-linker/link", json={
            "vendorType": "charger", "scopes": SCOPES, "language": "en-US",
            "redirectUri": "https://app.example.com/linked",
        })  # fmt: skip
        assert response.status_code == 200, response.text
        link_url = response.json()["linkUrl"]

    landed: list[str] = []

    def catch(route: Route) -> None:
        landed.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Back in the app</h1>")

    page.route("https://app.example.com/**", catch)
    page.goto(link_url)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Zaptec", exact=True).click()
    expect(page.get_by_role("heading", name="Review data access")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Connect your Zaptec charger")).to_be_visible()
    url = page.get_by_label("OCPP URL (central system)").inner_text()
    charge_point_id = page.get_by_label("Charge point ID").inner_text()
    password = page.get_by_label("Password").inner_text()
    assert url == server.url.replace("http://", "ws://") + f"/ocpp/{charge_point_id}"
    # Not connected yet: the page says so.
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("has not connected yet")

    # The user enters the values in the charger; it connects and boots.
    booted, done = threading.Event(), threading.Event()

    async def charger() -> None:
        wallbox, socket, task = await connect(server.url, charge_point_id, password)
        await wallbox.boot()
        booted.set()
        while not done.is_set():
            await asyncio.sleep(0.05)
        await socket.close()
        task.cancel()

    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(asyncio.run, charger())
        assert booted.wait(15)
        # The page moves on by itself.
        expect(page.get_by_role("heading", name="Your Zaptec account is connected")).to_be_visible()
        page.get_by_role("button", name="Complete").click()
        page.wait_for_url("https://app.example.com/**")
        assert landed[-1].startswith("https://app.example.com/linked")
        with server.api(production) as api:
            [found] = api.get("/chargers").json()["data"]
            assert found["userId"] == "ocpp-linker"
            assert found["information"]["model"] == "Go 2"
            assert found["isReachable"] is True
        done.set()
        running.result(15)
