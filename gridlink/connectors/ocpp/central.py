"""The central system: one handler per OCPP 1.6 message from a charger, and the
Executor that turns gridlink's commands into calls to it.

Connected chargers are held in memory by charge point id; what they report goes
through the store as state reports, many messages to a transaction (GroupCommit).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

from fastapi import APIRouter
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action as OcppAction
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.connectors.base import Linking, Texts
from gridlink.connectors.ocpp import messages, provisioning, routes
from gridlink.connectors.ocpp.linking import OverOcpp
from gridlink.connectors.ocpp.texts import TEXTS
from gridlink.db.engine import Database
from gridlink.db.group_commit import GroupCommit
from gridlink.db.tables import Action, Asset, OcppChargePoint, VendorConnection
from gridlink.domain import actions
from gridlink.domain.errors import BadRequest
from gridlink.domain.reports import apply_report
from gridlink.wire.timestamps import iso

log = logging.getLogger(__name__)

# How often each process looks for pending commands made elsewhere, and for
# commands nobody answered.
PUMP_SECONDS = 1.0
ACTION_KEY_PREFIX = actions.action_key("", "").split(":")[0] + ":"
# How long a charger has to answer a call (RemoteStartTransaction, ...).
CALL_TIMEOUT_SECONDS = 30.0
# How often a charger is asked to send a Heartbeat.
HEARTBEAT_SECONDS = 60
ID_TAG = "gridlink"


class Socket(Protocol):
    async def recv(self) -> str: ...

    async def send(self, message: str) -> None: ...


Handler = TypeVar("Handler", bound=Callable[..., Any])
# What a message means for the asset, given the charge point's row where asked for.
Build = Callable[
    [AsyncSession, "OcppChargePoint | None", "Asset | None"], Awaitable[dict[str, Any]]
]


def handles(action: OcppAction) -> Callable[[Handler], Handler]:
    """The `ocpp` library's routing decorator, typed."""
    decorator: Callable[[Handler], Handler] = on(action)
    return decorator


def _now() -> datetime:
    return datetime.now(UTC)


class Session(ChargePoint):  # type: ignore[misc]
    """One connected charger, as the central system sees it."""

    def __init__(self, central: OcppConnector, point: OcppChargePoint, socket: Socket) -> None:
        super().__init__(point.id, socket, response_timeout=central.call_timeout)
        self.central = central
        self.point_id = point.id
        self.asset_pk: int | None = None
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

    # ---- reports ----

    async def _report(self, build: Build, point_too: bool = False) -> None:
        """Applies what the charger said, in the next shared transaction. The charge
        point's row is read only when the build needs it (`point_too`) or the asset
        is not known yet: meter values, most of the traffic, need only the asset."""

        async def unit(session: AsyncSession) -> int | None:
            point = None
            if point_too or self.asset_pk is None:
                point = await session.get(OcppChargePoint, self.point_id)
                if point is None:
                    return None
            if self.asset_pk is not None:
                asset = await session.get(Asset, self.asset_pk)
            else:
                assert point is not None
                asset = await provisioning.asset_of(session, point)
            report = await build(session, point, asset)
            if asset is not None and report:
                await apply_report(session, asset, report, _now())
            return asset.pk if asset is not None else None

        self.asset_pk = await self.central.writes.run(unit)

    async def _tell(self, report: dict[str, Any] | None) -> None:
        """A report that doesn't depend on what is stored."""

        async def build(*_: Any) -> dict[str, Any]:
            return report or {}

        await self._report(build)

    async def connected(self) -> None:
        await self._tell({"isReachable": True})

    async def disconnected(self) -> None:
        await self._tell({"isReachable": False})

    async def _resolve_pending(
        self, session: AsyncSession, asset: Asset, wanted: str, at: datetime
    ) -> None:
        """A pending START (or STOP) is confirmed when the transaction really starts (stops)."""
        pending = await session.scalar(
            select(Action).where(
                Action.asset_pk == asset.pk,
                Action.state == actions.PENDING,
                Action.kind == "charging",
            )
        )
        if pending is not None and pending.target.get("action") == wanted:
            await actions.confirm(session, pending, at)

    # ---- messages from the charger ----

    @handles(OcppAction.boot_notification)
    async def on_boot_notification(
        self, charge_point_vendor: str, charge_point_model: str, **extra: Any
    ) -> Any:
        boot: dict[str, str | None] = {
            "vendor": charge_point_vendor,
            "model": charge_point_model,
            "chargePointSerialNumber": extra.get("charge_point_serial_number"),
            "chargeBoxSerialNumber": extra.get("charge_box_serial_number"),
            "firmwareVersion": extra.get("firmware_version"),
        }

        async def unit(session: AsyncSession) -> int | None:
            point = await session.get(OcppChargePoint, self.point_id)
            if point is None:
                return None
            now = _now()
            asset = await provisioning.booted(session, point, boot, now)
            await apply_report(session, asset, messages.boot_report(boot), now)
            return asset.pk

        self.asset_pk = await self.central.writes.run(unit)
        return call_result.BootNotification(
            current_time=iso(_now()), interval=HEARTBEAT_SECONDS, status="Accepted"
        )

    @handles(OcppAction.heartbeat)
    async def on_heartbeat(self) -> Any:
        return call_result.Heartbeat(current_time=iso(_now()))

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
            await self._tell(messages.status_report(charger, iso(_now())))
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
                    "chargeState.lastUpdated": iso(_now()),
                }

            await self._report(build)
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
            await self._resolve_pending(session, asset, "START", _now())
            return {
                "chargeState.isPluggedIn": True,
                "chargeState.isCharging": True,
                "chargeState.powerDeliveryState": "PLUGGED_IN:CHARGING",
                "chargeState.lastUpdated": iso(_now()),
            }

        await self._report(build, point_too=True)
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
            await self._resolve_pending(session, asset, "STOP", _now())
            return {
                "chargeState.isCharging": False,
                "chargeState.chargeRate": None,
                "chargeState.powerDeliveryState": "PLUGGED_IN:STOPPED",
                "chargeState.lastUpdated": iso(_now()),
            }

        await self._report(build, point_too=True)
        self.transactions = running
        return call_result.StopTransaction(id_tag_info={"status": "Accepted"})


class OcppConnector:
    """Connected chargers, and the Executor (gridlink.domain.actions) that commands them."""

    name = provisioning.CONNECTOR
    texts: Texts = TEXTS

    def __init__(self, db: Database, confirm_within_seconds: float = 120.0) -> None:
        self.db = db
        # How long a charger has to really start or stop after accepting a remote call.
        self.confirm_within = timedelta(seconds=confirm_within_seconds)
        self.call_timeout = min(CALL_TIMEOUT_SECONDS, confirm_within_seconds)
        # Past this, no process is still carrying a command out (the one that took it
        # up has stopped, or the charger never came back): it is given up.
        self.abandon_after = self.confirm_within + timedelta(seconds=self.call_timeout + 5)
        self._pending_work = asyncio.Event()
        # Commands this process is carrying out now.
        self._carrying: set[str] = set()
        # What chargers report is written in shared transactions: a fleet's
        # meter values cost a commit per batch, not one per message.
        self.writes = GroupCommit(db)
        self.sessions: dict[str, Session] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        # Transaction ids are gridlink's to give out: time-based, so a restart never reuses one.
        self._transaction_ids = itertools.count(int(time.time()) % 1_000_000_000 * 2)

    # ---- the Connector ----

    def linking(
        self, session: AsyncSession, environment: str, vendor: str | None, asset_types: list[str]
    ) -> Linking | None:
        """A production client's charger connects to gridlink itself, over OCPP."""
        if environment == "production" and asset_types == ["charger"]:
            return OverOcpp()
        return None

    def routes(self) -> APIRouter:
        return routes.router(self)

    def next_transaction_id(self) -> int:
        return next(self._transaction_ids) % 2_147_483_647

    # ---- connections ----

    async def serve(self, point: OcppChargePoint, socket: Socket) -> None:
        """Runs one charger's connection until it drops."""
        session = Session(self, point, socket)
        previous = self.sessions.get(point.id)
        self.sessions[point.id] = session
        if previous is not None:
            log.info("charge point %s connected again; the old connection is dropped", point.id)
        try:
            await session.connected()
            await session.start()
        finally:
            if self.sessions.get(point.id) is session:
                del self.sessions[point.id]
                with contextlib.suppress(Exception):
                    await session.disconnected()

    # ---- the Executor ----
    # Commands are carried out by the process that holds the charger's connection,
    # which may not be the one that took the API request (several processes on one
    # PostgreSQL database): the request leaves a pending action, and each process's
    # pump picks up those of the chargers it holds.

    async def now(self, session: AsyncSession, asset: Asset) -> datetime:
        return _now()

    async def check(
        self,
        session: AsyncSession,
        asset: Asset,
        kind: str,
        target: dict[str, Any],
        at: datetime | None = None,
    ) -> None:
        point = await session.get(OcppChargePoint, asset.device_ref)
        if point is None or asset.document.get("isReachable") is not True:
            raise BadRequest(
                "The charger is not connected to gridlink; it cannot be commanded now."
            )
        if kind == "charging" and target["action"] == "STOP" and point.transaction_id is None:
            raise BadRequest("The charger is not charging: there is no transaction to stop.")
        if kind == "charging" and target["action"] == "START" and point.transaction_id is not None:
            raise BadRequest("The charger is already charging.")

    async def submitted(self, session: AsyncSession, action: Action) -> None:
        return None  # the pump hears of it once the request has committed (changed)

    def changed(self, keys: set[str]) -> None:
        """Something committed, in this process or (PostgreSQL) another one."""
        if any(key.startswith(ACTION_KEY_PREFIX) for key in keys):
            self._pending_work.set()

    async def wake_at(self, session: AsyncSession, asset: Asset, at: datetime) -> None:
        return None  # a charger reports by itself

    async def refresh(self, session: AsyncSession, asset: Asset) -> None:
        """TriggerMessage: the charger sends its status and meter values now."""
        charger = self.sessions.get(asset.device_ref)
        if charger is not None:
            self._spawn(self._trigger(charger))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _trigger(self, charger: Session) -> None:
        for message in ("StatusNotification", "MeterValues"):
            try:
                # No connector id: every connector reports.
                await charger.call(call.TriggerMessage(requested_message=message))
            except Exception as error:  # a refresh is a hint: nothing depends on it
                log.info("charge point %s did not answer TriggerMessage: %r", charger.id, error)

    # ---- the pump: pending commands for the chargers held here ----

    async def run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._pending_work.wait(), PUMP_SECONDS)
            self._pending_work.clear()
            try:
                await self.pump()
            except Exception:  # a database hiccup must not stop commands for good
                log.exception("OCPP command pump failed")

    async def pump(self) -> None:
        """Starts carrying out each new pending command for a charger held here, and
        gives up those nobody answered in time (their process stopped, or the charger
        never came back)."""
        now = _now()
        async with self.db.session() as session:
            await actions.give_up_stale(
                session, self.name, now - self.abandon_after, now,
                "The charger did not answer in time.",
            )  # fmt: skip
            pending = (
                await session.execute(
                    select(Action.id, Asset.device_ref, Action.kind, Action.target)
                    .join(Asset, Asset.pk == Action.asset_pk)
                    .join(VendorConnection, VendorConnection.pk == Asset.connection_pk)
                    .where(Action.state == actions.PENDING,
                           VendorConnection.connector == self.name)
                )
            ).all()  # fmt: skip
        for action_id, point_id, kind, target in pending:
            if action_id not in self._carrying and point_id in self.sessions:
                self._carrying.add(action_id)
                self._spawn(self._carry_out(action_id, point_id, kind, dict(target)))

    # ---- carrying out a command ----

    async def _fail(self, action_id: str, kind: str, detail: str) -> None:
        async with self.db.session() as session:
            action = await session.scalar(select(Action).where(Action.id == action_id))
            if action is not None and action.state == actions.PENDING:
                await actions.fail(session, action, _now(), kind, detail)

    async def _carry_out(
        self, action_id: str, point_id: str, kind: str, target: dict[str, Any]
    ) -> None:
        try:
            await self._send(action_id, point_id, kind, target)
        finally:
            self._carrying.discard(action_id)

    async def _send(self, action_id: str, point_id: str, kind: str, target: dict[str, Any]) -> None:
        charger = self.sessions.get(point_id)
        if charger is None:
            await self._fail(action_id, "NO_RESPONSE", "The charger is not connected.")
            return
        try:
            if kind == "charging" and target["action"] == "START":
                connector = messages.plug_to_start(charger.statuses)
                request: Any = call.RemoteStartTransaction(id_tag=ID_TAG, connector_id=connector)
            elif kind == "charging":
                if charger.transaction_id is None:
                    await self._fail(
                        action_id, "FAILED_PRECONDITION", "The charger is not charging."
                    )
                    return
                # Stopping the charger stops every connector's transaction.
                for transaction_id in list(charger.transactions.values())[1:]:
                    await charger.call(call.RemoteStopTransaction(transaction_id=transaction_id))
                request = call.RemoteStopTransaction(transaction_id=charger.transaction_id)
            elif kind == "max_current":
                request = call.SetChargingProfile(
                    connector_id=0,
                    cs_charging_profiles={
                        "chargingProfileId": 1,
                        "stackLevel": 0,
                        "chargingProfilePurpose": "TxDefaultProfile",
                        "chargingProfileKind": "Relative",
                        "chargingSchedule": {
                            "chargingRateUnit": "A",
                            "chargingSchedulePeriod": [
                                {"startPeriod": 0, "limit": float(target["maxCurrent"])}
                            ],
                        },
                    },
                )
            else:
                await self._fail(action_id, "FAILED_PRECONDITION", f"OCPP cannot carry out {kind}.")
                return
            response = await charger.call(request)
        except Exception as error:  # timeouts, dropped connections, CallErrors
            log.info("charge point %s did not answer %s: %r", point_id, kind, error)
            await self._fail(action_id, "NO_RESPONSE", "The charger did not answer.")
            return
        status = str(getattr(response, "status", ""))
        if status != "Accepted":
            answer = f"The charger answered {type(request).__name__} with {status or 'nothing'}."
            await self._fail(action_id, "FAILED_PRECONDITION", answer)
            return
        if kind == "max_current":
            async with self.db.session() as session:
                action = await session.scalar(select(Action).where(Action.id == action_id))
                if action is not None and action.state == actions.PENDING:
                    now = _now()
                    await apply_report(session, action.asset, {
                        "chargeState.maxCurrent": target["maxCurrent"],
                        "chargeState.lastUpdated": iso(now),
                    }, now)  # fmt: skip
                    await actions.confirm(session, action, now)
            return
        # START and STOP wait for the transaction itself to start or stop.
        await asyncio.sleep(self.confirm_within.total_seconds())
        verb = "start" if target["action"] == "START" else "stop"
        await self._fail(
            action_id, "NO_RESPONSE", f"The charger accepted but did not {verb} charging."
        )

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.writes.close()
