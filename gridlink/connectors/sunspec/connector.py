"""The SunSpec connector: polls linked devices at a cadence and reports what they
say, and sets battery operation modes through model 124's storage controls."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.connectors.base import Linking, Texts
from gridlink.connectors.sunspec import brands, models
from gridlink.connectors.sunspec.device import Address, Device, Unreachable
from gridlink.connectors.sunspec.linking import CONNECTOR, AtAddress
from gridlink.connectors.sunspec.reports import MODES, Values, report
from gridlink.connectors.sunspec.texts import TEXTS
from gridlink.db import leases
from gridlink.db.engine import Database
from gridlink.db.tables import Action, Asset, VendorConnection
from gridlink.domain import actions
from gridlink.domain.errors import BadRequest
from gridlink.domain.reports import apply_report

log = logging.getLogger(__name__)
POLLER_LEASE = "sunspec-poller"
# A command still pending this long was being carried out by a process that stopped:
# setting a mode takes a few Modbus requests of seconds each.
ABANDON_AFTER = timedelta(seconds=60)


def _now() -> datetime:
    return datetime.now(UTC)


class SunSpecConnector:
    """Polls every linked SunSpec device; the Executor for their batteries."""

    name = CONNECTOR
    texts: Texts = TEXTS

    def __init__(self, db: Database, poll_seconds: float = 60.0) -> None:
        self.db = db
        self.poll_seconds = poll_seconds
        # One process polls (several may share a PostgreSQL database): the lease's holder.
        self.owner = leases.process_name()
        self.lease = timedelta(seconds=max(3 * poll_seconds, 30.0))
        self.devices: dict[Address, Device] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def device(self, address: Address) -> Device:
        device = self.devices.get(address)
        if device is None:
            device = self.devices[address] = Device(address, timeout=min(3.0, self.poll_seconds))
        return device

    # ---- the Connector ----

    def linking(
        self, session: AsyncSession, environment: str, vendor: str | None, asset_types: list[str]
    ) -> Linking | None:
        """A production client's inverter, battery or meter that gridlink reads itself on
        the user's network, over SunSpec Modbus TCP."""
        if environment == "production" and brands.links_by_address(vendor, asset_types):
            return AtAddress()
        return None

    def routes(self) -> None:
        return None

    def changed(self, keys: set[str]) -> None:
        return None

    # ---- polling ----

    async def run(self) -> None:
        while True:
            started = time.monotonic()
            try:
                now = _now()
                if await leases.hold(self.db, POLLER_LEASE, self.owner, self.lease, now):
                    await self.poll()
                    async with self.db.session() as session:
                        await actions.give_up_stale(
                            session, self.name, now - ABANDON_AFTER, now,
                            "The device did not answer in time.",
                        )  # fmt: skip
            except Exception:  # a database hiccup must not end polling
                log.exception("SunSpec poll failed")
            await asyncio.sleep(max(0.0, self.poll_seconds - (time.monotonic() - started)))

    async def _read(self, address: Address) -> Values | None:
        device = self.device(address)
        try:
            return await device.read_models()
        except Unreachable as error:
            log.info("SunSpec device unreachable: %s", error)
            device.blocks = []  # scan again when it answers: it may have changed
            await device.close()
            return None

    async def poll(self, only: set[Address] | None = None) -> None:
        """Reads each linked device (or `only` these) once and reports it."""
        async with self.db.session() as session:
            rows = (
                await session.execute(
                    select(Asset.pk, Asset.device_ref)
                    .join(VendorConnection, VendorConnection.pk == Asset.connection_pk)
                    .where(VendorConnection.connector == CONNECTOR)
                )
            ).all()
        rows = [row for row in rows if only is None or Address.parse(row[1]) in only]
        addresses = {Address.parse(ref) for _, ref in rows}
        results = await asyncio.gather(*(self._read(a) for a in addresses))
        read = dict(zip(addresses, results, strict=True))
        now = _now()
        async with self.db.session() as session:
            for pk, ref in rows:
                asset = await session.get(Asset, pk)
                if asset is None:
                    continue
                values = read[Address.parse(ref)]
                if values is None:
                    state: dict[str, Any] = {"isReachable": False}
                else:
                    state = {"isReachable": True, **report(asset.asset_type, values, now)}
                await apply_report(session, asset, state, now)

    # ---- the Executor ----

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
        if kind != "operation_mode" or target.get("operationMode") not in MODES:
            raise BadRequest(f"This {asset.asset_type} cannot do that over SunSpec.")
        if asset.document.get("isReachable") is False:
            raise BadRequest("The battery does not answer gridlink now; it cannot be commanded.")

    async def submitted(self, session: AsyncSession, action: Action) -> None:
        task = asyncio.create_task(
            self._carry_out(action.id, Address.parse(action.asset.device_ref), dict(action.target))
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wake_at(self, session: AsyncSession, asset: Asset, at: datetime) -> None:
        return None  # polled at its cadence

    async def refresh(self, session: AsyncSession, asset: Asset) -> None:
        """Reads the device now, instead of at its next poll."""
        task = asyncio.create_task(self.poll({Address.parse(asset.device_ref)}))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _action(self, session: AsyncSession, action_id: str) -> Action | None:
        action = await session.scalar(select(Action).where(Action.id == action_id))
        return action if action is not None and action.state == actions.PENDING else None

    async def _carry_out(self, action_id: str, address: Address, target: dict[str, Any]) -> None:
        # Wait for the request that created the action to commit.
        deadline = time.monotonic() + 10.0
        while True:
            async with self.db.session() as session:
                if await self._action(session, action_id) is not None:
                    break
            if time.monotonic() > deadline:
                return
            await asyncio.sleep(0.02)
        mode = str(target["operationMode"])
        try:
            values = await self.set_mode(address, mode)
        except Unreachable as error:
            async with self.db.session() as session:
                action = await self._action(session, action_id)
                if action is not None:
                    await actions.fail(session, action, _now(), "NO_RESPONSE", str(error))
            return
        async with self.db.session() as session:
            action = await self._action(session, action_id)
            if action is None:
                return
            now = _now()
            await apply_report(
                session, action.asset, {"isReachable": True, **report("battery", values, now)}, now
            )
            if action.asset.document.get("config", {}).get("operationMode") == mode:
                await actions.confirm(session, action, now)
            else:
                detail = "The battery did not take the storage control settings."
                await actions.fail(session, action, now, "FAILED_PRECONDITION", detail)

    async def set_mode(self, address: Address, mode: str) -> Values:
        """Writes the mode's storage controls to model 124 and reads the device back."""
        device = self.device(address)
        if not device.blocks:
            await device.scan()
        block = device.block(124)
        if block is None:
            raise Unreachable(f"{address.ref} offers no storage controls (model 124)")
        control, rate_in, rate_out = MODES[mode]
        storage = await device.read(block.start, block.length)
        factor = storage[23] - 0x10000 if storage[23] & 0x8000 else storage[23]
        factor = 0 if factor == -0x8000 else factor
        await device.write(block.start + models.STORCTL_MOD, [control])
        await device.write(
            block.start + models.OUT_W_RTE,
            [models.encode_int16(rate_out, factor), models.encode_int16(rate_in, factor)],
        )
        return await device.read_models()

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for device in self.devices.values():
            with contextlib.suppress(Exception):
                await device.close()
