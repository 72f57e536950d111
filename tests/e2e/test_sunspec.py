"""Inverters, batteries and meters over SunSpec Modbus TCP: pymodbus servers on
loopback serve register images; a running gridlink links, polls and commands them."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import pytest

from tests.conftest import start_server
from tests.support import sunspec_device as sim
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
    from gridlink.connectors.sunspec.connector import link_device
    from gridlink.connectors.sunspec.device import Address
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
