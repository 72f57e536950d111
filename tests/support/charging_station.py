"""A charging station written with the `ocpp` library's 2.0.1 side, as a real peer
of gridlink's central system: it boots, reports per EVSE, runs transactions it
tells of in TransactionEvents, and obeys remote calls like a wallbox would."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from datetime import UTC, datetime
from typing import Any

import websockets
from ocpp.routing import after, on
from ocpp.v201 import ChargePoint, call, call_result
from ocpp.v201.enums import Action

from tests.support.charge_point import basic


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _power(watts: float) -> list[dict[str, Any]]:
    return [{"timestamp": _now(), "sampledValue": [
        {"value": watts, "measurand": "Power.Active.Import", "unitOfMeasure": {"unit": "W"}},
        {"value": 1234, "measurand": "Energy.Active.Import.Register"},
    ]}]  # fmt: skip


class Station(ChargePoint):  # type: ignore[misc]
    def __init__(self, charge_point_id: str, connection: Any) -> None:
        super().__init__(charge_point_id, connection)
        # EVSE → the transaction running on it, and its charging state.
        self.transactions: dict[int, str] = {}
        self.charging_states: dict[int, str] = {}
        # The EVSE each remote start asked for.
        self.remote_starts: list[int | None] = []
        self.accept_remote = True
        # Whether an accepted remote start really starts a transaction, and whether
        # that transaction charges at once.
        self.start_when_told = True
        self.charge_when_started = True
        self.limits: list[float] = []
        self.triggered: list[str] = []
        self.transaction_started = asyncio.Event()
        self._seq_no = itertools.count()

    # ---- what the station sends ----

    async def boot(self) -> Any:
        return await self.call(call.BootNotification(
            charging_station={"model": "Pro", "vendorName": "Zaptec",
                              "serialNumber": "ZAP-201-0042", "firmwareVersion": "3.0.1"},
            reason="PowerUp",
        ))  # fmt: skip

    async def status(self, status: str, evse_id: int = 1, connector_id: int = 1) -> None:
        await self.call(call.StatusNotification(
            timestamp=_now(), connector_status=status, evse_id=evse_id, connector_id=connector_id
        ))  # fmt: skip

    async def heartbeat(self) -> Any:
        return await self.call(call.Heartbeat())

    @property
    def transaction_id(self) -> str | None:
        return self.transactions.get(1) or next(iter(self.transactions.values()), None)

    async def _event(
        self, event_type: str, evse_id: int, trigger_reason: str, **extra: Any
    ) -> None:
        await self._send_event(
            event_type, evse_id, trigger_reason, self.transactions[evse_id],
            self.charging_states.get(evse_id), **extra,
        )  # fmt: skip

    async def _send_event(
        self, event_type: str, evse_id: int, trigger_reason: str, transaction_id: str,
        charging_state: str | None, **extra: Any,
    ) -> None:  # fmt: skip
        info: dict[str, Any] = {"transactionId": transaction_id}
        if charging_state is not None:
            info["chargingState"] = charging_state
        await self.call(call.TransactionEvent(
            event_type=event_type, timestamp=_now(), trigger_reason=trigger_reason,
            seq_no=next(self._seq_no), transaction_info=info, evse={"id": evse_id}, **extra,
        ))  # fmt: skip

    async def meter(self, watts: float, evse_id: int = 1) -> None:
        """Meter values: in the transaction's events while one runs, else on their own."""
        if evse_id in self.transactions:
            await self._event("Updated", evse_id, "MeterValuePeriodic", meter_value=_power(watts))
        else:
            await self.call(call.MeterValues(evse_id=evse_id, meter_value=_power(watts)))

    async def start_transaction(
        self, evse_id: int = 1, charging: bool = True, id_token: dict[str, Any] | None = None
    ) -> None:
        """The vehicle plugs in and a transaction starts, charging at once or not yet."""
        await self.status("Occupied", evse_id)
        self.transactions[evse_id] = str(uuid.uuid4())
        self.charging_states[evse_id] = "Charging" if charging else "EVConnected"
        token = {"id_token": id_token} if id_token else {}
        await self._event("Started", evse_id, "Authorized", **token)
        self.transaction_started.set()

    async def charge(self, evse_id: int = 1) -> None:
        """The transaction on the EVSE starts charging."""
        self.charging_states[evse_id] = "Charging"
        await self._event("Updated", evse_id, "ChargingStateChanged")

    async def end_transaction(self, transaction_id: str | None = None) -> None:
        """The transaction ends; the vehicle stays plugged in."""
        transaction_id = transaction_id or self.transaction_id
        [evse_id] = [e for e, t in self.transactions.items() if t == transaction_id]
        # Over before it is told: the central system may confirm a stop on hearing it.
        del self.transactions[evse_id], self.charging_states[evse_id]
        await self._send_event(
            "Ended", evse_id, "RemoteStop", transaction_id, "EVConnected", meter_value=_power(0)
        )

    # ---- what the central system asks ----

    @on(Action.request_start_transaction)
    async def on_request_start(
        self, id_token: dict[str, Any], remote_start_id: int, evse_id: int | None = None, **_: Any
    ) -> Any:
        self.remote_starts.append(evse_id)
        return call_result.RequestStartTransaction(
            status="Accepted" if self.accept_remote else "Rejected"
        )

    @after(Action.request_start_transaction)
    async def after_request_start(
        self, id_token: dict[str, Any], remote_start_id: int, evse_id: int | None = None, **_: Any
    ) -> None:
        if self.accept_remote and self.start_when_told:
            token = {"idToken": id_token["id_token"], "type": id_token["type"]}
            await self.start_transaction(evse_id or 1, self.charge_when_started, token)

    @on(Action.request_stop_transaction)
    async def on_request_stop(self, transaction_id: str, **_: Any) -> Any:
        known = transaction_id in self.transactions.values()
        return call_result.RequestStopTransaction(status="Accepted" if known else "Rejected")

    @after(Action.request_stop_transaction)
    async def after_request_stop(self, transaction_id: str, **_: Any) -> None:
        if transaction_id in self.transactions.values():
            await self.end_transaction(transaction_id)

    @on(Action.set_charging_profile)
    async def on_set_charging_profile(
        self, evse_id: int, charging_profile: dict[str, Any], **_: Any
    ) -> Any:
        period = charging_profile["charging_schedule"][0]["charging_schedule_period"][0]
        self.limits.append(float(period["limit"]))
        return call_result.SetChargingProfile(status="Accepted")

    @on(Action.trigger_message)
    async def on_trigger_message(self, requested_message: str, **_: Any) -> Any:
        self.triggered.append(requested_message)
        return call_result.TriggerMessage(status="Accepted")

    @after(Action.trigger_message)
    async def after_trigger_message(self, requested_message: str, **_: Any) -> None:
        if requested_message == "TransactionEvent":
            for evse_id in list(self.transactions):
                await self._event("Updated", evse_id, "Trigger")


async def connect(
    base_url: str,
    charge_point_id: str,
    password: str,
    subprotocols: tuple[str, ...] = ("ocpp2.0.1",),
) -> tuple[Station, Any, asyncio.Task[None]]:
    """A Station connected to gridlink and listening; close the socket to drop it."""
    url = base_url.replace("http://", "ws://") + f"/ocpp/{charge_point_id}"
    socket = await websockets.connect(
        url, subprotocols=list(subprotocols),  # type: ignore[arg-type]
        additional_headers={"Authorization": basic(charge_point_id, password)},
    )  # fmt: skip
    station = Station(charge_point_id, socket)
    task = asyncio.create_task(station.start())
    return station, socket, task
