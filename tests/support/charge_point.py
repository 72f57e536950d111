"""A charger written with the `ocpp` library, as a real peer of gridlink's
central system: it boots, reports, and obeys remote calls like a wallbox would."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime
from typing import Any

import websockets
from ocpp.routing import after, on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action


def _now() -> str:
    return datetime.now(UTC).isoformat()


def basic(charge_point_id: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{charge_point_id}:{password}".encode()).decode()


class Wallbox(ChargePoint):  # type: ignore[misc]
    def __init__(self, charge_point_id: str, connection: Any) -> None:
        super().__init__(charge_point_id, connection)
        # Connector → the transaction running on it.
        self.transactions: dict[int, int] = {}
        # The connector each remote start asked for.
        self.remote_starts: list[int | None] = []
        self.accept_remote = True
        # Whether an accepted remote start really starts a transaction.
        self.start_when_told = True
        self.limits: list[float] = []
        self.triggered: list[str] = []
        self.transaction_started = asyncio.Event()

    # ---- what the charger sends ----

    async def boot(self) -> Any:
        return await self.call(call.BootNotification(
            charge_point_model="Go 2", charge_point_vendor="Zaptec",
            charge_point_serial_number="ZAP-000123", firmware_version="2.1.0",
        ))  # fmt: skip

    async def status(self, status: str, connector_id: int = 1) -> None:
        await self.call(call.StatusNotification(
            connector_id=connector_id, error_code="NoError", status=status, timestamp=_now()
        ))  # fmt: skip

    async def heartbeat(self) -> Any:
        return await self.call(call.Heartbeat())

    @property
    def transaction_id(self) -> int | None:
        return self.transactions.get(1) or next(iter(self.transactions.values()), None)

    async def meter(self, watts: float, connector_id: int = 1) -> None:
        await self.call(call.MeterValues(
            connector_id=connector_id, transaction_id=self.transactions.get(connector_id),
            meter_value=[{"timestamp": _now(), "sampledValue": [
                {"value": str(watts), "measurand": "Power.Active.Import", "unit": "W"},
                {"value": "1234", "measurand": "Energy.Active.Import.Register", "unit": "Wh"},
            ]}],
        ))  # fmt: skip

    async def start_transaction(self, id_tag: str = "card-1", connector_id: int = 1) -> None:
        await self.status("Preparing", connector_id)
        response = await self.call(call.StartTransaction(
            connector_id=connector_id, id_tag=id_tag, meter_start=0, timestamp=_now()
        ))  # fmt: skip
        self.transactions[connector_id] = response.transaction_id
        # Before anything else is sent: the central system confirms on StartTransaction.
        self.transaction_started.set()
        await self.status("Charging", connector_id)

    async def stop_transaction(self, transaction_id: int | None = None) -> None:
        transaction_id = transaction_id or self.transaction_id
        [connector_id] = [c for c, t in self.transactions.items() if t == transaction_id]
        # Over before it is told: the central system may confirm a stop on hearing it.
        del self.transactions[connector_id]
        await self.call(call.StopTransaction(
            meter_stop=5000, timestamp=_now(), transaction_id=transaction_id, reason="Remote"
        ))  # fmt: skip
        await self.status("Finishing", connector_id)

    # ---- what the central system asks ----

    @on(Action.remote_start_transaction)
    async def on_remote_start(self, id_tag: str, connector_id: int | None = None, **_: Any) -> Any:
        self.remote_starts.append(connector_id)
        return call_result.RemoteStartTransaction(
            status="Accepted" if self.accept_remote else "Rejected"
        )

    @after(Action.remote_start_transaction)
    async def after_remote_start(
        self, id_tag: str, connector_id: int | None = None, **_: Any
    ) -> None:
        if self.accept_remote and self.start_when_told:
            await self.start_transaction(id_tag, connector_id or 1)

    @on(Action.remote_stop_transaction)
    async def on_remote_stop(self, transaction_id: int) -> Any:
        known = transaction_id in self.transactions.values()
        return call_result.RemoteStopTransaction(status="Accepted" if known else "Rejected")

    @after(Action.remote_stop_transaction)
    async def after_remote_stop(self, transaction_id: int) -> None:
        if transaction_id in self.transactions.values():
            await self.stop_transaction(transaction_id)

    @on(Action.set_charging_profile)
    async def on_set_charging_profile(self, connector_id: int, cs_charging_profiles: Any) -> Any:
        period = cs_charging_profiles["charging_schedule"]["charging_schedule_period"][0]
        self.limits.append(float(period["limit"]))
        return call_result.SetChargingProfile(status="Accepted")

    @on(Action.trigger_message)
    async def on_trigger_message(self, requested_message: str, **_: Any) -> Any:
        self.triggered.append(requested_message)
        return call_result.TriggerMessage(status="Accepted")


async def connect(
    base_url: str, charge_point_id: str, password: str
) -> tuple[Wallbox, Any, asyncio.Task[None]]:
    """A Wallbox connected to gridlink and listening; close the socket to drop it."""
    url = base_url.replace("http://", "ws://") + f"/ocpp/{charge_point_id}"
    socket = await websockets.connect(
        url, subprotocols=["ocpp1.6"],  # type: ignore[list-item]
        additional_headers={"Authorization": basic(charge_point_id, password)},
    )  # fmt: skip
    wallbox = Wallbox(charge_point_id, socket)
    task = asyncio.create_task(wallbox.start())
    return wallbox, socket, task
