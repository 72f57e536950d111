"""A charging station speaking OCPP 2.0.1: one handler per message it sends, and
the calls that carry out gridlink's commands.

The asset's chargeState means what it means for a 1.6 charger. Transactions are
the station's (string ids it chooses) and may run without charging (a station
may start one when the cable is plugged in), so charging is read from their
charging state, and the charge point's `transaction_id` column, which the
Executor's checks read, marks that the station charges.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from ocpp.v201 import ChargePoint, call, call_result
from ocpp.v201.enums import Action as OcppAction
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.connectors.ocpp import messages, messages_v201
from gridlink.connectors.ocpp.reporting import Reporter, now, resolve_pending
from gridlink.connectors.ocpp.station import HEARTBEAT_SECONDS, ID_TAG, Answer, Socket, handles
from gridlink.db.tables import Asset, OcppChargePoint
from gridlink.wire.timestamps import iso

if TYPE_CHECKING:
    from gridlink.connectors.ocpp.central import OcppConnector

log = logging.getLogger(__name__)

# How long a station has, once asked, to tell of the transactions it runs.
HEAR_SECONDS = 10.0


class Session(ChargePoint):  # type: ignore[misc]
    """One connected charging station, as the central system sees it."""

    def __init__(self, central: OcppConnector, point: OcppChargePoint, socket: Socket) -> None:
        super().__init__(point.id, socket, response_timeout=central.call_timeout)
        self.central = central
        self.reports = Reporter(central.writes, point.id)
        # A station may have several EVSEs (each charges one vehicle, through one of
        # its connectors at a time); the asset is the station as a whole.
        self.connectors: dict[int, dict[int, str]] = {}
        self.transactions: dict[int, str] = {}
        self.charging_states: dict[int, str] = {}
        # EVSEs whose transaction ended with the vehicle still plugged in.
        self.finished: set[int] = set()
        self.power: dict[int, float] = {}
        # It was charging before a reconnect or restart, in transactions whose ids
        # were lost with the old connection: it is asked for them when they're needed.
        self.unheard = point.transaction_id is not None
        self._heard = asyncio.Event()

    # ---- what the station is doing ----

    def _evse_conditions(self) -> dict[int, str]:
        evses = set(self.connectors) | set(self.transactions) | self.finished
        return {
            evse: messages_v201.evse_condition(
                self.connectors.get(evse, {}), self.charging_states.get(evse), evse in self.finished
            )
            for evse in evses
        }

    def _condition(self) -> str:
        conditions = list(self._evse_conditions().values())
        return messages_v201.charger_condition(conditions + (["Charging"] if self.unheard else []))

    @property
    def is_charging(self) -> bool:
        return self._condition() == "Charging"

    async def _publish(self, *, informs: bool, metered: bool, resolve: bool = True) -> None:
        """Reports the station's state (`informs`: something told whether it charges)
        and its power (`metered`). What informs also marks or clears the charge
        point's transaction, and confirms a pending START when the station charges or
        a pending STOP when it no longer does."""
        at = iso(now())
        charging = self.is_charging
        report: dict[str, Any] = {}
        if informs:
            report.update(messages_v201.state_report(self._condition(), at))
        if metered:
            power = messages.total_kw(self.power)
            report["chargeState.chargeRate"] = power if charging or power > 0 else None
            report["chargeState.lastUpdated"] = at
        if not informs:
            if report:
                await self.reports.tell(report)
            return

        async def build(
            session: AsyncSession, point: OcppChargePoint | None, asset: Asset | None
        ) -> Any:
            assert point is not None
            if not charging:
                point.transaction_id = None
            elif point.transaction_id is None:
                point.transaction_id = self.central.next_transaction_id()
            if asset is None:
                return {}
            if resolve:
                await resolve_pending(session, asset, "START" if charging else "STOP", now())
            return report

        await self.reports.report(build, point_too=True)

    async def _hear_transactions(self) -> None:
        """Asks the station to tell of its transactions (TransactionEvent Updated)."""
        self._heard.clear()
        request = call.TriggerMessage(requested_message="TransactionEvent")
        if Answer.to(request, await self.call(request)).accepted:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._heard.wait(), HEAR_SECONDS)
        if self.unheard:  # it told of none: it no longer charges
            self.unheard = False
            await self._publish(informs=True, metered=False, resolve=False)

    # ---- commands ----

    async def start_charging(self) -> Answer:
        request = call.RequestStartTransaction(
            id_token={"idToken": ID_TAG, "type": "Central"},
            # Unique across restarts, as the transaction ids gridlink gives 1.6 chargers.
            remote_start_id=self.central.next_transaction_id(),
            evse_id=messages_v201.evse_to_start(self._evse_conditions()),
        )
        return Answer.to(request, await self.call(request))

    async def stop_charging(self) -> Answer | None:
        if not self.transactions and self.unheard:
            await self._hear_transactions()
        answers = []
        for transaction_id in list(self.transactions.values()):
            request = call.RequestStopTransaction(transaction_id=transaction_id)
            answers.append(Answer.to(request, await self.call(request)))
        # The first refusal, if any: a transaction refused goes on charging.
        refused = [answer for answer in answers if not answer.accepted]
        return next(iter(refused or answers), None)

    async def set_max_current(self, amps: float) -> Answer:
        request = call.SetChargingProfile(
            evse_id=0,  # the station as a whole
            charging_profile={
                "id": 1,
                "stackLevel": 0,
                "chargingProfilePurpose": "TxDefaultProfile",
                "chargingProfileKind": "Relative",
                "chargingSchedule": [{
                    "id": 1,
                    "chargingRateUnit": "A",
                    "chargingSchedulePeriod": [{"startPeriod": 0, "limit": amps}],
                }],
            },
        )  # fmt: skip
        return Answer.to(request, await self.call(request))

    async def trigger(self) -> None:
        # StatusNotification is per connector: it must name one (F06.FR.13).
        plugs = [(e, c) for e, connectors in self.connectors.items() for c in connectors]
        requests = [
            call.TriggerMessage(
                requested_message="StatusNotification", evse={"id": evse, "connectorId": plug}
            )
            for evse, plug in plugs or [(1, 1)]
        ]
        # No EVSE: every EVSE reports.
        requests.append(call.TriggerMessage(requested_message="MeterValues"))
        for request in requests:
            try:
                await self.call(request)
            except Exception as error:  # a refresh is a hint: nothing depends on it
                log.info("charging station %s did not answer TriggerMessage: %r", self.id, error)

    # ---- messages from the station ----

    @handles(OcppAction.boot_notification)
    async def on_boot_notification(
        self, charging_station: dict[str, Any], reason: str, **_extra: Any
    ) -> Any:
        await self.reports.booted({
            "vendor": charging_station.get("vendor_name"),
            "model": charging_station.get("model"),
            "chargePointSerialNumber": charging_station.get("serial_number"),
            "chargeBoxSerialNumber": None,
            "firmwareVersion": charging_station.get("firmware_version"),
        })  # fmt: skip
        return call_result.BootNotification(
            current_time=iso(now()), interval=HEARTBEAT_SECONDS, status="Accepted"
        )

    @handles(OcppAction.heartbeat)
    async def on_heartbeat(self, **_extra: Any) -> Any:
        return call_result.Heartbeat(current_time=iso(now()))

    @handles(OcppAction.authorize)
    async def on_authorize(self, id_token: dict[str, Any], **_extra: Any) -> Any:
        return call_result.Authorize(id_token_info={"status": "Accepted"})

    @handles(OcppAction.status_notification)
    async def on_status_notification(
        self, timestamp: str, connector_status: str, evse_id: int, connector_id: int,
        **_extra: Any,
    ) -> Any:  # fmt: skip
        if evse_id > 0:  # EVSE 0 is the station itself, not a plug
            self.connectors.setdefault(evse_id, {})[connector_id] = connector_status
            if connector_status == "Available":
                self.finished.discard(evse_id)
            await self.reports.tell(messages_v201.state_report(self._condition(), iso(now())))
        return call_result.StatusNotification()

    @handles(OcppAction.meter_values)
    async def on_meter_values(
        self, evse_id: int, meter_value: list[dict[str, Any]], **_extra: Any
    ) -> Any:
        measured = messages_v201.power_kw(meter_value)
        if measured is not None:
            self.power[evse_id] = measured
            await self._publish(informs=False, metered=True)
        return call_result.MeterValues()

    @handles(OcppAction.transaction_event)
    async def on_transaction_event(
        self, event_type: str, timestamp: str, trigger_reason: str, seq_no: int,
        transaction_info: dict[str, Any], meter_value: list[dict[str, Any]] | None = None,
        evse: dict[str, Any] | None = None, id_token: dict[str, Any] | None = None,
        **_extra: Any,
    ) -> Any:  # fmt: skip
        transaction_id = transaction_info["transaction_id"]
        charging_state = transaction_info.get("charging_state")
        evse_id = self._evse_of(transaction_id, evse)
        metered = False
        if event_type == "Ended":
            self.transactions.pop(evse_id, None)
            self.charging_states.pop(evse_id, None)
            # Its power leaves the station's.
            metered = self.power.pop(evse_id, None) is not None
            if charging_state != "Idle":  # Idle: the vehicle has gone
                self.finished.add(evse_id)
        else:
            self.transactions[evse_id] = transaction_id
            self.finished.discard(evse_id)
            if charging_state is not None:
                self.charging_states[evse_id] = charging_state
            measured = messages_v201.power_kw(meter_value or [])
            if measured is not None:
                self.power[evse_id] = measured
                metered = True
        self.unheard = False
        self._heard.set()
        # The charging state is sent when it changes: without it, it is as it was.
        informs = charging_state is not None or event_type != "Updated"
        await self._publish(informs=informs, metered=metered)
        return call_result.TransactionEvent(
            id_token_info={"status": "Accepted"} if id_token is not None else None
        )

    def _evse_of(self, transaction_id: str, evse: dict[str, Any] | None) -> int:
        """The EVSE of a transaction: named in its first event, known after that."""
        if evse is not None:
            return int(evse["id"])
        known = [e for e, running in self.transactions.items() if running == transaction_id]
        return known[0] if known else 1
