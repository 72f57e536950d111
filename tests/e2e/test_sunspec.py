"""Inverters, batteries and meters over SunSpec Modbus TCP: pymodbus servers on
loopback serve register images; a running gridlink links, polls and commands them."""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import pytest
from playwright.sync_api import Page, Route, expect
from pymodbus.client import AsyncModbusTcpClient

from tests.conftest import BACKENDS, start_server
from tests.support import sunspec_device as sim
from tests.support.link_flow import LinkBrowser
from tests.support.server import Credentials, Server
from tests.support.spec import assert_response

T = TypeVar("T")
SCOPES = [
    "inverter:read:data",
    "battery:read:data",
    "battery:control:operation_mode",
    "meter:read:data",
]
# Where the test images keep model 103's W and model 124's controls.
INVERTER_W = sim.BASE + 2 + 68 + 2 + 12
STORAGE = sim.BASE + 2 + 68 + 2
# And model 701's W, in an image of the common model and 701 alone.
DER_W = sim.BASE + 2 + 68 + 2 + 8


class Loop:
    """An event loop in a thread of its own, for the Modbus servers."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=20)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def polling_server(request: pytest.FixtureRequest) -> Iterator[Server]:
    server = start_server(request, "sqlite", {"GRIDLINK_SUNSPEC_POLL_SECONDS": "0.3"})
    yield server
    server.stop()


@pytest.fixture
def devices() -> Iterator[tuple[Loop, dict[str, sim.SunSpecServer]]]:
    loop = Loop()
    servers = {
        "inverter": sim.SunSpecServer(sim.INVERTER),
        "battery": sim.SunSpecServer(sim.BATTERY),
        "meter": sim.SunSpecServer(sim.METER, unit=3),
    }
    for server in servers.values():
        loop.run(server.start())
    yield loop, servers
    for server in servers.values():
        loop.run(server.stop())
    loop.close()


def link(
    server: Server, client_id: str, user_id: str, asset_type: str, port: int, unit: int
) -> str:
    from gridlink.connectors.sunspec.device import Address
    from gridlink.connectors.sunspec.linking import link_device
    from gridlink.domain.users import ensure_user

    async def work(session: Any, _vault: Any) -> str:
        user = await ensure_user(session, client_id, user_id)
        [asset] = await link_device(
            session, user, "SMA", [asset_type], SCOPES, Address("127.0.0.1", port, unit),
            datetime.now(UTC),
        )  # fmt: skip
        return str(asset.id)

    result: str = server._domain(work)
    return result


def eventually(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("the condition did not come true in time")
        time.sleep(0.1)


def _get(api: httpx.Client, path: str) -> dict[str, Any]:
    response = api.get(path)
    body: dict[str, Any] = response.json()
    return body


def test_inverter_battery_and_meter_are_linked_polled_and_commanded(
    polling_server: Server, devices: tuple[Loop, dict[str, sim.SunSpecServer]]
) -> None:
    loop, servers = devices
    server = polling_server
    credentials: Credentials = server.new_client("production")
    api = server.api(credentials)
    ids = {
        kind: link(server, credentials.client_id, "sunspec-user", kind, s.port, s.unit)
        for kind, s in servers.items()
    }

    inverter = api.get(f"/inverters/{ids['inverter']}")
    assert_response("get", "/inverters/{inverterId}", 200, inverter.json())
    body = inverter.json()
    assert body["isReachable"] is True
    assert body["productionState"]["productionRate"] == 3.2
    assert body["productionState"]["totalLifetimeProduction"] == pytest.approx(12345.678)
    assert body["information"]["sn"] == "INV-0001"

    battery = api.get(f"/batteries/{ids['battery']}")
    assert_response("get", "/batteries/{batteryId}", 200, battery.json())
    state = battery.json()["chargeState"]
    assert state["batteryLevel"] == pytest.approx(71.5)
    assert state["chargeRate"] == 1.5 and state["status"] == "CHARGING"
    assert state["batteryCapacity"] == 10.0
    assert battery.json()["config"]["operationMode"] == "SELF_RELIANCE"
    assert battery.json()["capabilities"]["importFocus"]["isCapable"] is True
    assert battery.json()["capabilities"]["timeOfUse"]["isCapable"] is False

    meter = api.get(f"/meters/{ids['meter']}")
    assert_response("get", "/meters/{meterId}", 200, meter.json())
    assert meter.json()["energyState"]["power"] == -2.5

    # The poller picks up what the inverter says next.
    async def produce_more() -> None:
        client = sim.AsyncModbusTcpClient("127.0.0.1", port=servers["inverter"].port)
        await client.connect()
        await client.write_registers(INVERTER_W, [4100], device_id=1)
        client.close()

    loop.run(produce_more())
    eventually(
        lambda: (
            _get(api, f"/inverters/{ids['inverter']}")["productionState"]["productionRate"] == 4.1
        )
    )

    # An operation mode is written to model 124 and confirmed when read back.
    created = api.post(
        f"/batteries/{ids['battery']}/operation-mode", json={"operationMode": "IMPORT_FOCUS"}
    )
    assert created.status_code == 200, created.text
    action_id = created.json()["id"]
    done = eventually(
        lambda: (a := _get(api, f"/batteries/actions/{action_id}"))["state"] != "PENDING" and a
    )
    assert done["state"] == "CONFIRMED", done
    control, out_rate, in_rate = (
        loop.run(servers["battery"].read(STORAGE + 3))[0],
        *loop.run(servers["battery"].read(STORAGE + 10, 2)),
    )
    assert (control, in_rate, out_rate) == (3, 100, 0)
    assert _get(api, f"/batteries/{ids['battery']}")["config"]["operationMode"] == "IMPORT_FOCUS"

    # The meter goes away and comes back.
    loop.run(servers["meter"].stop())
    eventually(lambda: _get(api, f"/meters/{ids['meter']}")["isReachable"] is False)
    loop.run(servers["meter"].start())
    eventually(lambda: _get(api, f"/meters/{ids['meter']}")["isReachable"] is True)


def _link_url(server: Server, credentials: Credentials, user_id: str, **request: Any) -> str:
    with server.api(credentials) as api:
        response = api.post(f"/users/{user_id}/link", json={
            "language": "en-US", "redirectUri": "https://app.example.com/linked", **request,
        })  # fmt: skip
        assert response.status_code == 200, response.text
        url: str = response.json()["linkUrl"]
        return url


def test_link_ui_finds_a_sunspec_inverter_by_its_address(
    server: Server, devices: tuple[Loop, dict[str, sim.SunSpecServer]], page: Page
) -> None:
    _, servers = devices
    production = server.new_client("production")
    link_url = _link_url(
        server, production, "sunspec-ui", vendorType="inverter", scopes=["inverter:read:data"]
    )
    landed: list[str] = []

    def catch(route: Route) -> None:
        landed.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Back in the app</h1>")

    page.route("https://app.example.com/**", catch)
    page.goto(link_url)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Fronius", exact=True).click()
    expect(page.get_by_role("heading", name="Review data access")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Find your Fronius device")).to_be_visible()
    expect(page.get_by_text("Step 4 of 5")).to_be_visible()
    host = page.get_by_label("IP address or host name")
    port = page.get_by_label("Modbus TCP port")
    unit = page.get_by_label("Unit ID (Modbus device ID)")
    expect(port).to_have_value("502")
    expect(unit).to_have_value("1")
    find = page.get_by_role("button", name="Find device")

    # Bad input is explained on the form, which keeps what was typed.
    host.fill("127.0.0.1")
    port.fill("five-oh-two")
    find.click()
    expect(page.get_by_role("alert")).to_have_text(
        "The port must be a number from 1 to 65535 (usually 502)."
    )
    expect(host).to_have_value("127.0.0.1")
    host.fill("not a host!")
    port.fill("502")
    find.click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the device's IP address")

    # Nothing listens on that port.
    closed = sim.free_port()
    host.fill("127.0.0.1")
    port.fill(str(closed))
    find.click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"No SunSpec device answered at 127.0.0.1, port {closed}, unit ID 1."
    )
    expect(port).to_have_value(str(closed))
    # A SunSpec device, but a meter, not an inverter.
    port.fill(str(servers["meter"].port))
    unit.fill(str(servers["meter"].unit))
    find.click()
    expect(page.get_by_role("alert")).to_contain_text("holds no solar inverter")

    port.fill(str(servers["inverter"].port))
    unit.fill("1")
    find.click()
    expect(page.get_by_role("heading", name="Your Fronius account is connected")).to_be_visible()
    page.get_by_role("button", name="Complete").click()
    page.wait_for_url("https://app.example.com/**")
    assert landed[-1].startswith("https://app.example.com/linked")

    with server.api(production) as api:
        [inverter] = api.get("/inverters").json()["data"]
        assert inverter["userId"] == "sunspec-ui"
        assert inverter["vendor"] == "FRONIUS"
        assert inverter["isReachable"] is True
        assert inverter["information"]["sn"] == "INV-0001"
        assert inverter["productionState"]["productionRate"] == 3.2
        assert api.get("/meters").json()["data"] == []
        # The link is used up.
        assert httpx.get(link_url).status_code == 410


def test_link_ui_without_javascript_links_a_battery_and_meter(
    server: Server, devices: tuple[Loop, dict[str, sim.SunSpecServer]]
) -> None:
    _, servers = devices
    production = server.new_client("production")
    link_url = _link_url(
        server, production, "sunspec-form", vendor="SMA",
        scopes=["battery:read:data", "battery:control:operation_mode", "inverter:read:data"],
    )  # fmt: skip
    form = LinkBrowser(link_url)
    form.submit(action="continue")  # introduction
    form.submit(action="continue")  # review of data access
    assert form.step == "address", form.heading
    assert 'value="502"' in form.page.text
    battery = servers["battery"]
    form.submit(action="continue", host="127.0.0.1", port=str(battery.port), unit="300")
    assert form.page.status_code == 400
    assert "The unit ID must be a number from 0 to 255" in form.page.text
    form.submit(action="continue", host="127.0.0.1", port=str(battery.port), unit="1")
    assert form.step == "success", form.heading
    done = form.submit(action="continue")
    assert done.headers["location"] == "https://app.example.com/linked"

    with server.api(production) as api:
        [found] = api.get("/batteries").json()["data"]
        assert found["userId"] == "sunspec-form" and found["vendor"] == "SMA"
        assert found["chargeState"]["batteryLevel"] == pytest.approx(71.5)
        # The device holds no inverter: only what it has is linked.
        assert api.get("/inverters").json()["data"] == []


@pytest.fixture
def der_inverter() -> Iterator[tuple[Loop, sim.SunSpecServer]]:
    """An inverter that offers only model 701 (DER AC measurement) beside the common model."""
    loop = Loop()
    device = sim.SunSpecServer(
        sim.image(
            sim.common("SMA", "Sunny Tripower X", "DER-0001"),
            sim.inverter_701(6430.0, 8_765_432_109, w_sf=1, wh_sf=0),
        )
    )
    loop.run(device.start())
    yield loop, device
    loop.run(device.stop())
    loop.close()


def test_a_der_inverter_is_read_through_model_701(
    polling_server: Server, der_inverter: tuple[Loop, sim.SunSpecServer]
) -> None:
    loop, device = der_inverter
    server = polling_server
    credentials = server.new_client("production")
    api = server.api(credentials)
    inverter_id = link(server, credentials.client_id, "sunspec-der", "inverter", device.port, 1)

    inverter = api.get(f"/inverters/{inverter_id}")
    assert_response("get", "/inverters/{inverterId}", 200, inverter.json())
    body = inverter.json()
    assert body["isReachable"] is True
    assert body["information"]["sn"] == "DER-0001"
    assert body["productionState"]["productionRate"] == pytest.approx(6.43)
    assert body["productionState"]["isProducing"] is True
    assert body["productionState"]["totalLifetimeProduction"] == pytest.approx(8_765_432.109)

    # The poller picks up the next reading of model 701's W (W_SF 1: 300 is 3000 W).
    async def produce_less() -> None:
        client = AsyncModbusTcpClient("127.0.0.1", port=device.port)
        await client.connect()
        await client.write_registers(DER_W, [300], device_id=1)
        client.close()

    loop.run(produce_less())
    eventually(
        lambda: _get(api, f"/inverters/{inverter_id}")["productionState"]["productionRate"] == 3.0
    )


def test_one_process_of_several_polls_the_devices(
    request: pytest.FixtureRequest, devices: tuple[Loop, dict[str, sim.SunSpecServer]]
) -> None:
    # Two gridlink processes on one PostgreSQL database: the device is read by one of
    # them, not by both (each poller keeps its own connection to the device).
    if "postgresql" not in BACKENDS:
        pytest.skip("several processes share one database only on PostgreSQL")
    loop, servers = devices
    first = start_server(request, "postgresql", {"GRIDLINK_SUNSPEC_POLL_SECONDS": "0.3"})
    second = Server(
        backend="postgresql", database_url=first.database_url,
        data_dir=first.data_dir / "second", secret_key=first.secret_key,
        admin_password=first.admin_password, extra_env=first.extra_env,
    )  # fmt: skip
    second.data_dir.mkdir()
    second.start()
    try:
        production = first.new_client("production")
        meter = servers["meter"]
        meter_id = link(first, production.client_id, "two-pollers", "meter", meter.port, 3)
        with second.api(production) as api:

            def power() -> Any:
                return _get(api, f"/meters/{meter_id}")["energyState"]["power"]

            assert eventually(lambda: power() == -2.5)
            time.sleep(2)  # many poll cycles of both processes
            pollers = meter._server.active_connections
            assert len(pollers) == 1, f"{len(pollers)} processes poll the device"

            # And the one that polls still does: a new reading arrives.
            async def use_more() -> None:
                client = AsyncModbusTcpClient("127.0.0.1", port=meter.port)
                await client.connect()
                # Model 203's W (offset 16, scale factor 10^1), after SunS and the common model.
                await client.write_registers(sim.BASE + 2 + 68 + 2 + 16, [0x10000 - 300],
                                             device_id=3)  # fmt: skip
                client.close()

            loop.run(use_more())
            assert eventually(lambda: power() == -3.0)
    finally:
        second.stop()
        first.stop()
        shutil.rmtree(first.data_dir, ignore_errors=True)
