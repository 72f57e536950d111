"""Real chargers over OCPP 2.0.1: charging stations written with the `ocpp` library
connect to a running gridlink on the same endpoint, id and password as 1.6
chargers, and the API shows and commands them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gridlink.connectors.ocpp import messages_v201
from tests.e2e.test_ocpp import _api, eventually, provision
from tests.support.charging_station import Station, connect
from tests.support.server import Credentials, Server
from tests.support.spec import assert_problem, assert_response
from tests.support.threads import run_async


@pytest.fixture
def production(server: Server) -> Credentials:
    return server.new_client("production")


class Fleet:
    """The API's view of one user's charger, and its commands' outcomes."""

    def __init__(self, api: httpx.AsyncClient, user_id: str) -> None:
        self.api = api
        self.user_id = user_id

    async def charger(self) -> Any:
        listed = (await self.api.get("/chargers")).json()
        assert_response("GET", "/chargers", 200, listed)
        mine = [c for c in listed["data"] if c["userId"] == self.user_id]
        return mine[0] if mine else None

    async def state_is(self, **wanted: Any) -> Any:
        state = (await self.charger())["chargeState"]
        return all(state[k] == v for k, v in wanted.items()) and state

    async def command(self, charger_id: str, path: str, body: dict[str, Any]) -> str:
        sent = await self.api.post(f"/chargers/{charger_id}/{path}", json=body)
        assert sent.status_code == 200, sent.text
        assert_response("POST", "/chargers/{chargerId}/" + path, 200, sent.json())
        assert sent.json()["state"] == "PENDING"
        action_id: str = sent.json()["id"]
        return action_id

    async def action(self, action_id: str) -> Any:
        body = (await self.api.get(f"/chargers/actions/{action_id}")).json()
        assert_response("GET", "/chargers/actions/{actionId}", 200, body)
        return body

    async def done(self, action_id: str) -> Any:
        async def finished() -> Any:
            body = await self.action(action_id)
            return body if body["state"] != "PENDING" else None

        return await eventually(finished)


@contextlib.asynccontextmanager
async def connected(
    server: Server, point: Any, subprotocols: tuple[str, ...] = ("ocpp2.0.1",)
) -> AsyncIterator[tuple[Station, Any]]:
    station, socket, task = await connect(
        server.url, point.charge_point_id, point.password, subprotocols
    )
    try:
        yield station, socket
    finally:
        await socket.close()
        task.cancel()
        with contextlib.suppress(BaseException):
            await task


def test_a_station_boots_reports_and_obeys(server: Server, production: Credentials) -> None:
    point = provision(server, production.client_id, "ocpp201-user")

    async def scenario() -> None:
        async with _api(server, production) as api:
            fleet = Fleet(api, "ocpp201-user")
            async with connected(server, point) as (station, _socket):
                boot = await station.boot()
                assert boot.status == "Accepted" and boot.interval == 60
                assert (await station.heartbeat()).current_time
                found = await eventually(fleet.charger)
                assert found["information"]["brand"] == "Zaptec"
                assert found["information"]["model"] == "Pro"
                assert found["information"]["serialNumber"] == "ZAP-201-0042"
                assert found["vendor"] == "ZAPTEC"
                assert found["isReachable"] is True
                charger_id = found["id"]
                one = await api.get(f"/chargers/{charger_id}")
                assert_response("GET", "/chargers/{chargerId}", 200, one.json())

                await station.status("Available")
                state = (await fleet.charger())["chargeState"]
                assert state["isPluggedIn"] is False and state["powerDeliveryState"] == "UNPLUGGED"
                # Nothing to stop: refused at once.
                refused = await api.post(
                    f"/chargers/{charger_id}/charging", json={"action": "STOP"}
                )
                assert refused.status_code == 400
                assert_problem(refused.json())

                # Plugged in, charging started at the station with a card.
                await station.start_transaction(id_token={"idToken": "card-1", "type": "ISO14443"})
                state = (await fleet.charger())["chargeState"]
                assert state["isPluggedIn"] is True and state["isCharging"] is True
                assert state["powerDeliveryState"] == "PLUGGED_IN:CHARGING"
                await station.meter(7200)
                assert (await fleet.charger())["chargeState"]["chargeRate"] == 7.2

                # Remote stop: PENDING until the station really ends its transaction.
                stop = await fleet.command(charger_id, "charging", {"action": "STOP"})
                assert (await fleet.done(stop))["state"] == "CONFIRMED"
                state = (await fleet.charger())["chargeState"]
                assert state["isCharging"] is False and state["chargeRate"] is None
                assert state["powerDeliveryState"] == "PLUGGED_IN:STOPPED"
                assert station.transaction_id is None

                # Remote start: the transaction starts without charging at first, and
                # the command is confirmed only once it charges.
                station.transaction_started.clear()
                station.charge_when_started = False
                start = await fleet.command(charger_id, "charging", {"action": "START"})
                await asyncio.wait_for(station.transaction_started.wait(), 10)
                assert station.remote_starts == [1]  # the EVSE with the vehicle waiting
                waiting = "PLUGGED_IN:INITIALIZING"
                await eventually(
                    lambda: fleet.state_is(isCharging=False, powerDeliveryState=waiting)
                )
                assert (await fleet.action(start))["state"] == "PENDING"
                await station.charge()
                assert (await fleet.done(start))["state"] == "CONFIRMED"
                assert (await fleet.charger())["chargeState"]["isCharging"] is True

                # Max current: a charging profile the station accepts.
                limit = await fleet.command(charger_id, "max-current", {"maxCurrent": 10})
                assert (await fleet.done(limit))["state"] == "CONFIRMED"
                assert station.limits == [10.0]
                assert (await fleet.charger())["chargeState"]["maxCurrent"] == 10

                # A refresh hint asks the station for its status and meter values.
                hinted = await api.post(f"/chargers/{charger_id}/refresh-hint")
                assert hinted.status_code == 204
                assert_response("POST", "/chargers/{chargerId}/refresh-hint", 204, hinted.content)

                async def triggered() -> bool:
                    return {"StatusNotification", "MeterValues"} <= set(station.triggered)

                await eventually(triggered)

                # Stop, then a start the station rejects: FAILED with its answer.
                stop = await fleet.command(charger_id, "charging", {"action": "STOP"})
                assert (await fleet.done(stop))["state"] == "CONFIRMED"
                station.accept_remote = False
                start = await fleet.command(charger_id, "charging", {"action": "START"})
                done = await fleet.done(start)
                assert done["state"] == "FAILED"
                assert done["failureReason"]["type"] == "FAILED_PRECONDITION"
                assert "RequestStartTransaction with Rejected" in done["failureReason"]["detail"]

            # Dropped: unreachable, and commands are refused.
            async def unreachable() -> bool:
                return (await fleet.charger())["isReachable"] is False

            await eventually(unreachable)
            refused = await api.post(f"/chargers/{charger_id}/charging", json={"action": "START"})
            assert refused.status_code == 400
            assert_problem(refused.json())

    run_async(scenario())


def test_a_charger_offering_both_versions_speaks_2_0_1(
    server: Server, production: Credentials
) -> None:
    point = provision(server, production.client_id, "both-versions")

    async def scenario() -> None:
        async with connected(server, point, ("ocpp1.6", "ocpp2.0.1")) as (station, socket):
            assert socket.subprotocol == "ocpp2.0.1"
            assert (await station.boot()).status == "Accepted"
        async with _api(server, production) as api:
            found = await Fleet(api, "both-versions").charger()
            assert found["information"]["model"] == "Pro"

    run_async(scenario())


def test_a_station_with_two_evses_is_one_asset(server: Server, production: Credentials) -> None:
    point = provision(server, production.client_id, "two-evses")

    async def scenario() -> None:
        async with _api(server, production) as api, connected(server, point) as (station, _):
            fleet = Fleet(api, "two-evses")
            await station.boot()
            charger_id = (await eventually(fleet.charger))["id"]
            await station.status("Available", evse_id=1)
            await station.status("Occupied", evse_id=2)
            waiting = "PLUGGED_IN:INITIALIZING"
            await eventually(lambda: fleet.state_is(isPluggedIn=True, powerDeliveryState=waiting))

            # A remote start goes to the EVSE with the vehicle waiting.
            start = await fleet.command(charger_id, "charging", {"action": "START"})
            assert (await fleet.done(start))["state"] == "CONFIRMED"
            assert station.remote_starts == [2]
            assert set(station.transactions) == {2}

            # Power is the EVSEs' together.
            await station.meter(0, evse_id=1)
            await station.meter(7200, evse_id=2)
            await eventually(lambda: fleet.state_is(chargeRate=7.2, isCharging=True))

            # A second vehicle, charged from a card at the station.
            await station.start_transaction(evse_id=1)
            await station.meter(3600, evse_id=1)
            await eventually(lambda: fleet.state_is(chargeRate=10.8))

            # One ends by itself: the station still charges.
            await station.end_transaction(station.transactions[1])
            await station.status("Available", evse_id=1)
            await eventually(lambda: fleet.state_is(isCharging=True, chargeRate=7.2))

            # STOP stops the station: every transaction on it.
            await station.start_transaction(evse_id=1)
            stop = await fleet.command(charger_id, "charging", {"action": "STOP"})
            assert (await fleet.done(stop))["state"] == "CONFIRMED"
            assert station.transactions == {}
            await eventually(lambda: fleet.state_is(isCharging=False, chargeRate=None))

    run_async(scenario())


def test_a_transaction_from_before_a_reconnect_can_be_stopped(
    server: Server, production: Credentials
) -> None:
    # The station's transaction ids are its own: a new connection starts without
    # them, and gridlink asks the station for them when it needs one.
    point = provision(server, production.client_id, "reconnecting")

    async def scenario() -> None:
        async with _api(server, production) as api:
            fleet = Fleet(api, "reconnecting")
            async with connected(server, point) as (before, _):
                await before.boot()
                await before.start_transaction()
                charger_id = (await fleet.charger())["id"]

            async def reachable() -> Any:
                return (await fleet.charger())["isReachable"]

            async with connected(server, point) as (after, _):
                after.transactions = dict(before.transactions)
                after.charging_states = dict(before.charging_states)
                # An answer on the new connection means gridlink has stored that it is
                # connected; until then the old connection's state may still show.
                await after.heartbeat()
                await eventually(reachable)
                stop = await fleet.command(charger_id, "charging", {"action": "STOP"})
                assert (await fleet.done(stop))["state"] == "CONFIRMED"
                assert after.triggered == ["TransactionEvent"]
                assert after.transactions == {}
                assert (await fleet.charger())["chargeState"]["isCharging"] is False

    run_async(scenario())


def test_what_2_0_1_messages_mean() -> None:
    conditions = {1: "Available", 2: "EVConnected"}
    assert messages_v201.charger_condition(conditions.values()) == "EVConnected"
    assert messages_v201.evse_to_start(conditions) == 2
    assert messages_v201.evse_to_start({}) is None
    # A transaction's charging state says more than its connector's status, but a
    # fault says more than both.
    assert messages_v201.evse_condition({1: "Occupied"}, "Charging", False) == "Charging"
    assert messages_v201.evse_condition({1: "Faulted"}, "Charging", False) == "Faulted"
    assert messages_v201.evse_condition({1: "Occupied"}, None, True) == "Finishing"
    assert messages_v201.evse_condition({1: "Available"}, None, True) == "Available"
    report = messages_v201.state_report("SuspendedEVSE", "2026-01-01T00:00:00Z")
    assert report["chargeState.powerDeliveryState"] == "PLUGGED_IN:NO_POWER"
    assert report["chargeState.isPluggedIn"] is True and report["chargeState.chargeRate"] is None
    # Sampled values are numbers with a unit and a power-of-ten multiplier.
    kilowatts = {"measurand": "Power.Active.Import", "value": 7.2,
                 "unit_of_measure": {"unit": "kW"}}  # fmt: skip
    phases = [
        {"measurand": "Power.Active.Import", "value": 23, "phase": phase,
         "unit_of_measure": {"unit": "W", "multiplier": 2}}
        for phase in ("L1", "L2", "L3")
    ]  # fmt: skip
    assert messages_v201.power_kw([{"sampled_value": [kilowatts]}]) == 7.2
    assert messages_v201.power_kw([{"sampled_value": phases}]) == 6.9
    assert messages_v201.power_kw([{"sampled_value": []}]) is None
