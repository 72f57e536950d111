"""The central system: the chargers connected to this process, over OCPP 1.6J or
2.0.1 (gridlink.connectors.ocpp.v16, .v201), and the Executor that turns
gridlink's commands into calls to them.

Connected chargers are held in memory by charge point id; what they report goes
through the store as state reports, many messages to a transaction (GroupCommit).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Awaitable, Coroutine
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.connectors.base import Linking, Texts
from gridlink.connectors.ocpp import provisioning, routes
from gridlink.connectors.ocpp.linking import OverOcpp
from gridlink.connectors.ocpp.reporting import now as _now
from gridlink.connectors.ocpp.station import Answer, Socket, Speaks, Station
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
        self.sessions: dict[str, Station] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        # Ids gridlink gives out (1.6 transactions, 2.0.1 remote starts): time-based,
        # so a restart never reuses one.
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

    async def serve(self, point: OcppChargePoint, socket: Socket, speaks: Speaks) -> None:
        """Runs one charger's connection, in the OCPP version the route chose, until it drops."""
        session = speaks(self, point, socket)
        previous = self.sessions.get(point.id)
        self.sessions[point.id] = session
        if previous is not None:
            log.info("charge point %s connected again; the old connection is dropped", point.id)
        try:
            await session.reports.tell({"isReachable": True})
            await session.start()
        finally:
            if self.sessions.get(point.id) is session:
                del self.sessions[point.id]
                with contextlib.suppress(Exception):
                    await session.reports.tell({"isReachable": False})

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
            self._spawn(charger.trigger())

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

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
        command: Awaitable[Answer | None]
        if kind == "charging" and target["action"] == "START":
            command = charger.start_charging()
        elif kind == "charging":
            command = charger.stop_charging()
        elif kind == "max_current":
            command = charger.set_max_current(float(target["maxCurrent"]))
        else:
            await self._fail(action_id, "FAILED_PRECONDITION", f"OCPP cannot carry out {kind}.")
            return
        try:
            answer = await command
        except Exception as error:  # timeouts, dropped connections, CallErrors
            log.info("charge point %s did not answer %s: %r", point_id, kind, error)
            await self._fail(action_id, "NO_RESPONSE", "The charger did not answer.")
            return
        if answer is None:
            await self._fail(action_id, "FAILED_PRECONDITION", "The charger is not charging.")
            return
        if not answer.accepted:
            detail = f"The charger answered {answer.request} with {answer.status or 'nothing'}."
            await self._fail(action_id, "FAILED_PRECONDITION", detail)
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
        # START and STOP wait for the charger to really start or stop charging.
        await asyncio.sleep(self.confirm_within.total_seconds())
        verb = "start" if target["action"] == "START" else "stop"
        await self._fail(
            action_id, "NO_RESPONSE", f"The charger accepted but did not {verb} charging."
        )

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.writes.close()
