"""A charger speaking OCPP 1.6J: one handler per message it sends, and the calls
that carry out gridlink's commands."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action as OcppAction
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.connectors.ocpp import messages
from gridlink.connectors.ocpp.reporting import Reporter, now, resolve_pending
from gridlink.connectors.ocpp.station import HEARTBEAT_SECONDS, ID_TAG, Answer, Socket, handles
from gridlink.db.tables import Asset, OcppChargePoint
from gridlink.wire.timestamps import iso

if TYPE_CHECKING:
    from gridlink.connectors.ocpp.central import OcppConnector

log = logging.getLogger(__name__)


class Session(ChargePoint):  # type: ignore[misc]
    """One connected charge point, as the central system sees it."""

    def __init__(self, central: OcppConnector, point: OcppChargePoint, socket: Socket) -> None:
        super().__init__(point.id, socket, response_timeout=central.call_timeout)
        self.central = central
        self.reports = Reporter(central.writes, point.id)
        # A charger may have several connectors (plugs), each with its own status,
        # transaction and power; the asset is the charger as a whole.
        self.statuses: dict[int, str] = {}
        self.transactions: dict[int, int] = {}
        self.power: dict[int, float] = {}
        if point.transaction_id is not None:  # running before a reconnect or restart
            self.transactions[1] = point.transaction_id

    @property
    def transaction_id(self) -> int | None:
        """A transaction running on the charger, if any."""
        return next(iter(self.transactions.values()), None)

    # ---- commands ----

    async def start_charging(self) -> Answer:
        connector = messages.plug_to_start(self.statuses)
        request = call.RemoteStartTransaction(id_tag=ID_TAG, connector_id=connector)
        return Answer.to(request, await self.call(request))

    async def stop_charging(self) -> Answer | None:
        if self.transaction_id is None:
            return None
        # Stopping the charger stops every connector's transaction.
        for transaction_id in list(self.transactions.values())[1:]:
            await self.call(call.RemoteStopTransaction(transaction_id=transaction_id))
        request = call.RemoteStopTransaction(transaction_id=self.transaction_id)
        return Answer.to(request, await self.call(request))

    async def set_max_current(self, amps: float) -> Answer:
        request = call.SetChargingProfile(
            connector_id=0,
            cs_charging_profiles={
                "chargingProfileId": 1,
                "stackLevel": 0,
                "chargingProfilePurpose": "TxDefaultProfile",
                "chargingProfileKind": "Relative",
                "chargingSchedule": {
                    "chargingRateUnit": "A",
                    "chargingSchedulePeriod": [{"startPeriod": 0, "limit": amps}],
                },
            },
        )
        return Answer.to(request, await self.call(request))

    async def trigger(self) -> None:
        for message in ("StatusNotification", "MeterValues"):
            try:
                # No connector id: every connector reports.
                await self.call(call.TriggerMessage(requested_message=message))
            except Exception as error:  # a refresh is a hint: nothing depends on it
                log.info("charge point %s did not answer TriggerMessage: %r", self.id, error)

    # ---- messages from the charger ----

    @handles(OcppAction.boot_notification)
    async def on_boot_notification(
        self, charge_point_vendor: str, charge_point_model: str, **extra: Any
    ) -> Any:
        await self.reports.booted({
            "vendor": charge_point_vendor,
            "model": charge_point_model,
            "chargePointSerialNumber": extra.get("charge_point_serial_number"),
            "chargeBoxSerialNumber": extra.get("charge_box_serial_number"),
            "firmwareVersion": extra.get("firmware_version"),
        })  # fmt: skip
        return call_result.BootNotification(
            current_time=iso(now()), interval=HEARTBEAT_SECONDS, status="Accepted"
        )

    @handles(OcppAction.heartbeat)
    async def on_heartbeat(self) -> Any:
        return call_result.Heartbeat(current_time=iso(now()))

    @handles(OcppAction.authorize)
    async def on_authorize(self, id_tag: str) -> Any:
        return call_result.Authorize(id_tag_info={"status": "Accepted"})

    @handles(OcppAction.status_notification)
    async def on_status_notification(
        self, connector_id: int, error_code: str, status: str, **_extra: Any
    ) -> Any:
        if connector_id > 0:  # connector 0 is the charger's controller, not a plug
            self.statuses[connector_id] = status
            charger = messages.charger_status(self.statuses)
            await self.reports.tell(messages.status_report(charger, iso(now())))
        return call_result.StatusNotification()

    @handles(OcppAction.meter_values)
    async def on_meter_values(
        self, connector_id: int, meter_value: list[dict[str, Any]], **_extra: Any
    ) -> Any:
        measured = messages.power_kw(meter_value)
        if measured is not None:
            self.power[connector_id] = measured
            power = messages.total_kw(self.power)

            async def build(
                _s: AsyncSession, _p: OcppChargePoint | None, asset: Asset | None
            ) -> Any:
                charging = (
                    (asset.document.get("chargeState") or {}).get("isCharging") if asset else None
                )
                return {
                    "chargeState.chargeRate": power if charging or power > 0 else None,
                    "chargeState.lastUpdated": iso(now()),
                }

            await self.reports.report(build)
        return call_result.MeterValues()

    @handles(OcppAction.start_transaction)
    async def on_start_transaction(
        self, connector_id: int, id_tag: str, meter_start: int, timestamp: str, **_extra: Any
    ) -> Any:
        transaction_id = self.central.next_transaction_id()

        async def build(
            session: AsyncSession, point: OcppChargePoint | None, asset: Asset | None
        ) -> Any:
            assert point is not None
            point.transaction_id = transaction_id
            if asset is None:
                return {}
            await resolve_pending(session, asset, "START", now())
            return {
                "chargeState.isPluggedIn": True,
                "chargeState.isCharging": True,
                "chargeState.powerDeliveryState": "PLUGGED_IN:CHARGING",
                "chargeState.lastUpdated": iso(now()),
            }

        await self.reports.report(build, point_too=True)
        self.transactions[connector_id] = transaction_id
        return call_result.StartTransaction(
            transaction_id=transaction_id, id_tag_info={"status": "Accepted"}
        )

    @handles(OcppAction.stop_transaction)
    async def on_stop_transaction(
        self, meter_stop: int, timestamp: str, transaction_id: int, **_extra: Any
    ) -> Any:
        running = {c: t for c, t in self.transactions.items() if t != transaction_id}
        still = next(iter(running.values()), None)

        async def build(
            session: AsyncSession, point: OcppChargePoint | None, asset: Asset | None
        ) -> Any:
            assert point is not None
            point.transaction_id = still
            if asset is None or still is not None:
                return {}  # another connector charges on: the charger still charges
            await resolve_pending(session, asset, "STOP", now())
            return {
                "chargeState.isCharging": False,
                "chargeState.chargeRate": None,
                "chargeState.powerDeliveryState": "PLUGGED_IN:STOPPED",
                "chargeState.lastUpdated": iso(now()),
            }

        await self.reports.report(build, point_too=True)
        self.transactions = running
        return call_result.StopTransaction(id_tag_info={"status": "Accepted"})
