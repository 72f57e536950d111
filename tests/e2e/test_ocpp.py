"""Real chargers over OCPP 1.6J: charge points written with the `ocpp` library
connect to a running gridlink on loopback, and the API shows and commands them."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import websockets
from playwright.sync_api import Page, Route, expect

from tests.conftest import BACKENDS, start_server
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


def async_check(check: Callable[[], bool]) -> Callable[[], Awaitable[bool]]:
    """A check of the charger's own side, which it records after the server answered."""

    async def checked() -> bool:
        return check()

    return checked


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
                await eventually(async_check(lambda: wallbox.transaction_id is None))

                # Remote start: confirmed when StartTransaction arrives.
                wallbox.transaction_started.clear()
                sent = await api.post(f"/chargers/{charger_id}/charging", json={"action": "START"})
                assert sent.status_code == 200, sent.text
                assert sent.json()["state"] == "PENDING"
                done = await eventually(lambda: action_done(sent.json()["id"]))
                assert done["state"] == "CONFIRMED"
                await asyncio.wait_for(wallbox.transaction_started.wait(), 10)
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
        assert await attempt(basic(point.charge_point_id, point.password), "ocpp9") == 403
        assert await attempt(basic(point.charge_point_id, point.password), "ocpp2.0.1") == 101
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


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_command_pending_across_a_restart_is_given_up(
    request: pytest.FixtureRequest, backend: str
) -> None:
    # The charger accepts a remote start but never starts; gridlink is killed while
    # the command waits. The restarted gridlink must not leave it pending for ever.
    server = start_server(request, backend, {"GRIDLINK_OCPP_CONFIRM_SECONDS": "2"})
    try:
        production = server.new_client("production")
        point = provision(server, production.client_id, "restart-user")

        async def scenario() -> None:
            async with _api(server, production) as api:
                wallbox, socket, task = await connect(
                    server.url, point.charge_point_id, point.password
                )
                wallbox.start_when_told = False
                await wallbox.boot()
                await wallbox.status("Preparing")
                [charger] = (await api.get("/chargers")).json()["data"]
                sent = await api.post(f"/chargers/{charger['id']}/charging",
                                      json={"action": "START"})  # fmt: skip
                assert sent.status_code == 200, sent.text
                assert sent.json()["state"] == "PENDING"
                assert server.process is not None
                server.process.kill()  # SIGKILL: the wait for StartTransaction dies with it
                server.process.wait()
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
                await asyncio.to_thread(server.start)
            async with _api(server, production) as api:

                async def given_up() -> Any:
                    body = (await api.get(f"/chargers/actions/{sent.json()['id']}")).json()
                    return body if body["state"] != "PENDING" else None

                done = await eventually(given_up, timeout=20)
                assert done["state"] == "FAILED"
                assert done["failureReason"]["type"] == "NO_RESPONSE"

        run_async(scenario())
    finally:
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)


def test_a_command_taken_by_another_process_reaches_the_charger(
    server: Server, production: Credentials
) -> None:
    # Two gridlink processes on one PostgreSQL database: the charger is connected to
    # one, the API request lands on the other.
    if server.backend != "postgresql":
        pytest.skip("several processes share one database only on PostgreSQL")
    other = Server(
        backend=server.backend, database_url=server.database_url,
        data_dir=server.data_dir / "second-ocpp", secret_key=server.secret_key,
        admin_password=server.admin_password,
    )  # fmt: skip
    other.data_dir.mkdir()
    other.start()
    point = provision(server, production.client_id, "two-process-user")

    async def scenario() -> None:
        wallbox, socket, task = await connect(server.url, point.charge_point_id, point.password)
        try:
            await wallbox.boot()
            await wallbox.status("Preparing")
            async with _api(other, production) as api:
                [charger] = [
                    c for c in (await api.get("/chargers")).json()["data"]
                    if c["userId"] == "two-process-user"
                ]  # fmt: skip
                assert charger["isReachable"] is True
                sent = await api.post(f"/chargers/{charger['id']}/charging",
                                      json={"action": "START"})  # fmt: skip
                assert sent.status_code == 200, sent.text

                async def done() -> Any:
                    body = (await api.get(f"/chargers/actions/{sent.json()['id']}")).json()
                    return body if body["state"] != "PENDING" else None

                finished = await eventually(done)
                assert finished["state"] == "CONFIRMED"
                await asyncio.wait_for(wallbox.transaction_started.wait(), 10)
                sent = await api.post(f"/chargers/{charger['id']}/max-current",
                                      json={"maxCurrent": 13})  # fmt: skip
                assert (await eventually(done))["state"] == "CONFIRMED"
                assert wallbox.limits == [13.0]
        finally:
            await socket.close()
            task.cancel()
            with contextlib.suppress(BaseException):
                await task

    try:
        run_async(scenario())
    finally:
        other.stop()
        shutil.rmtree(other.data_dir, ignore_errors=True)


def test_a_charger_with_two_connectors_is_one_asset(
    server: Server, production: Credentials
) -> None:
    point = provision(server, production.client_id, "two-plugs")

    async def scenario() -> None:
        async with _api(server, production) as api:

            async def charger() -> Any:
                listed = [
                    c for c in (await api.get("/chargers")).json()["data"]
                    if c["userId"] == "two-plugs"
                ]  # fmt: skip
                return listed[0] if listed else None

            async def state_is(**wanted: Any) -> Any:
                state = (await charger())["chargeState"]
                return all(state[k] == v for k, v in wanted.items()) and state

            async def done(action_id: str) -> Any:
                body = (await api.get(f"/chargers/actions/{action_id}")).json()
                return body if body["state"] != "PENDING" else None

            wallbox, socket, task = await connect(server.url, point.charge_point_id, point.password)
            try:
                await wallbox.boot()
                charger_id = (await eventually(charger))["id"]
                # Connector 0 is the charger itself: its status is not a plug's.
                await wallbox.status("Unavailable", connector_id=0)
                await wallbox.status("Available", connector_id=1)
                await wallbox.status("Preparing", connector_id=2)
                waiting = "PLUGGED_IN:INITIALIZING"
                await eventually(lambda: state_is(isPluggedIn=True, powerDeliveryState=waiting))

                # A remote start goes to the connector with the vehicle waiting.
                sent = await api.post(f"/chargers/{charger_id}/charging",
                                      json={"action": "START"})  # fmt: skip
                assert sent.status_code == 200, sent.text
                assert (await eventually(lambda: done(sent.json()["id"])))["state"] == "CONFIRMED"
                assert wallbox.remote_starts == [2]
                await eventually(async_check(lambda: set(wallbox.transactions) == {2}))

                # Power is the connectors' together.
                await wallbox.meter(0, connector_id=1)
                await wallbox.meter(7200, connector_id=2)
                await eventually(lambda: state_is(chargeRate=7.2, isCharging=True))

                # A second vehicle, charged from a card at the charger.
                await wallbox.start_transaction("card-2", connector_id=1)
                await wallbox.meter(3600, connector_id=1)
                await eventually(lambda: state_is(chargeRate=10.8))

                # One stops by itself: the charger still charges.
                await wallbox.stop_transaction(wallbox.transactions[1])
                await wallbox.status("Available", connector_id=1)
                await wallbox.meter(0, connector_id=1)
                await eventually(lambda: state_is(isCharging=True, chargeRate=7.2))

                # STOP stops the charger: every transaction on it.
                await wallbox.start_transaction("card-3", connector_id=1)
                sent = await api.post(f"/chargers/{charger_id}/charging",
                                      json={"action": "STOP"})  # fmt: skip
                assert (await eventually(lambda: done(sent.json()["id"])))["state"] == "CONFIRMED"
                await eventually(async_check(lambda: wallbox.transactions == {}))
                await eventually(lambda: state_is(isCharging=False, chargeRate=None))
            finally:
                await socket.close()
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task

    run_async(scenario())
