"""The sandbox's discrete-event engine.

Every simulated device has a next instant at which something happens: a
vendor poll, a battery reaching its limit, a command arriving. The engine wakes
only those devices, moves each exactly to that instant, and turns what the
device would report into its assets' new state. Time is the client's sandbox
clock, so jumping a day ahead runs the day's events in order.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import distinct, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.connectors.sandbox import clock, pairing
from gridlink.connectors.sandbox.simulators.base import (
    ACTIVE_CADENCE,
    IDLE_CADENCE,
    CommandRejected,
    Neighbourhood,
    Simulator,
    Site,
    State,
)
from gridlink.connectors.sandbox.simulators.battery import BatterySimulator
from gridlink.connectors.sandbox.simulators.charger import ChargerSimulator
from gridlink.connectors.sandbox.simulators.hvac import HvacSimulator
from gridlink.connectors.sandbox.simulators.inverter import InverterSimulator
from gridlink.connectors.sandbox.simulators.meter import MeterSimulator
from gridlink.connectors.sandbox.simulators.vehicle import VehicleSimulator
from gridlink.db.engine import Database
from gridlink.db.tables import Action, Asset, Location, VirtualAsset
from gridlink.domain import actions, interventions, schedules, smart_charging
from gridlink.domain.errors import BadRequest, NotFound
from gridlink.domain.reports import apply_report, report_credentials
from gridlink.wire.timestamps import iso

SIMULATORS: dict[str, Simulator] = {
    "vehicle": VehicleSimulator(),
    "charger": ChargerSimulator(),
    "hvac": HvacSimulator(),
    "inverter": InverterSimulator(),
    "battery": BatterySimulator(),
    "meter": MeterSimulator(),
}
# Device families whose behaviour depends on what the others at their place do.
NEEDS_NEIGHBOURS = frozenset({"battery", "meter"})
RUN_ORDER = {"charger": 0, "battery": 2, "meter": 3}
# How soon after linking a device reports its first full state.
FIRST_REPORT_SECONDS = 3.0
# At most this many devices are moved in one transaction.
BATCH = 500


def simulator_for(asset_type: str) -> Simulator | None:
    return SIMULATORS.get(asset_type)


def _advanced(va: VirtualAsset, sim: Simulator, site: Site, to: datetime) -> State:
    assert va.sim_state is not None and va.simulated_at is not None
    return sim.advance(va.sim_state, va.properties, site, clock.aware(va.simulated_at), to)


class Places:
    """Where a client's simulated devices are, and what their neighbours draw.

    Loaded once per engine run, and only when a device asks about neighbours
    (meters and batteries do), since most runs never need it.
    """

    def __init__(self, session: AsyncSession, client_id: str) -> None:
        self._session = session
        self._client_id = client_id
        self._locations: dict[str, Location] = {}
        self._members: dict[str, list[VirtualAsset]] | None = None
        self._bases: dict[str, Site] = {}
        self._loaded_users: set[int] = set()
        self._loaded_locations: set[str] = set()
        self._start: dict[str, tuple[State, datetime]] = {}

    async def site(self, va: VirtualAsset, assets: list[Asset]) -> Site:
        location = await self._location(assets)
        place = self._place(va, assets, location)
        base = self._base(va, place, location)
        outdoor = (va.sim_state or {}).get("outdoorTemperature")
        return Site(base.latitude, base.longitude, base.timezone, outdoor,
                    self._neighbours_of(va, place))  # fmt: skip

    def _base(self, va: VirtualAsset, place: str, location: Location | None) -> Site:
        if place not in self._bases:
            self._bases[place] = _default_site(va) if location is None else Site(
                location.latitude, location.longitude, location.timezone_name
            )  # fmt: skip
        return self._bases[place]

    async def _location(self, assets: list[Asset]) -> Location | None:
        location_id = next((a.location_id for a in assets if a.location_id), None)
        if location_id is None:
            return None
        if location_id not in self._locations:
            found = await self._session.scalar(select(Location).where(Location.id == location_id))
            if found is None:
                return None
            self._locations[location_id] = found
        return self._locations[location_id]

    @staticmethod
    def _place(va: VirtualAsset, assets: list[Asset], location: Location | None) -> str:
        if location is not None:
            return f"location:{location.id}"
        # Without a location, a user's devices are taken to be at one home.
        return f"user:{assets[0].user_pk}" if assets else f"device:{va.id}"

    async def load(self, assets: list[Asset]) -> None:
        """Everything at the places of these assets, for neighbour questions:
        the same home (user) or the same location, and nothing further."""
        if self._members is None:
            self._members = defaultdict(list)
        users = {a.user_pk for a in assets} - self._loaded_users
        locations = {a.location_id for a in assets if a.location_id} - self._loaded_locations
        if not users and not locations:
            return
        self._loaded_users |= users
        self._loaded_locations |= locations
        rows = await self._session.execute(
            select(VirtualAsset, Asset)
            .join(Asset, (Asset.device_ref == VirtualAsset.id)
                  & (Asset.client_id == VirtualAsset.client_id))
            .where(VirtualAsset.client_id == self._client_id,
                   VirtualAsset.sim_state.is_not(None),
                   Asset.user_pk.in_(users) | Asset.location_id.in_(locations))
        )  # fmt: skip
        seen = {va.id for members in self._members.values() for va in members}
        for va, asset in rows:
            if va.id in seen:
                continue
            seen.add(va.id)
            location = await self._location([asset])
            place = self._place(va, [asset], location)
            self._base(va, place, location)
            self._members[place].append(va)

    def remember_start(self, devices: list[VirtualAsset]) -> None:
        """Where these devices stand before the run moves them: a neighbour that
        has already run past an instant is seen from here, not from its future."""
        for va in devices:
            if va.sim_state is not None and va.simulated_at is not None:
                self._start[va.id] = (va.sim_state, clock.aware(va.simulated_at))

    def _power(self, other: VirtualAsset, site: Site, at: datetime) -> float:
        """A neighbour's power at `at`, moved there from the last state before `at`."""
        sim = simulator_for(other.asset_type)
        if sim is None or other.sim_state is None or other.simulated_at is None:
            return 0.0
        state, since = other.sim_state, clock.aware(other.simulated_at)
        if since > at and other.id in self._start:
            state, since = self._start[other.id]  # states are never mutated, only replaced
        # An inverter's power depends on the sun alone: no need to integrate it there.
        if since < at and other.asset_type != "inverter":
            state = sim.advance(state, other.properties, site, since, at)
        return sim.power_kw(state, other.properties, site, at)

    def _neighbours_of(self, va: VirtualAsset, place: str) -> Callable[[datetime], Neighbourhood]:
        def neighbours(at: datetime) -> Neighbourhood:
            base = self._bases.get(place, Site())
            production = ev = 0.0
            batteries: list[VirtualAsset] = []
            for other in (self._members or {}).get(place, []):
                if other.id == va.id:
                    continue
                if other.asset_type == "inverter":
                    production += -self._power(other, base, at)
                elif other.asset_type in ("vehicle", "charger"):
                    ev += self._power(other, base, at)
                elif other.asset_type == "battery":
                    batteries.append(other)
            battery = 0.0
            if va.asset_type != "battery":  # batteries never ask each other: no loops
                seen = Neighbourhood(production, ev, 0.0)
                battery_site = Site(base.latitude, base.longitude, base.timezone,
                                    neighbours=lambda _at: seen)  # fmt: skip
                battery = sum(self._power(b, battery_site, at) for b in batteries)
            return Neighbourhood(production, ev, battery)

        return neighbours


def _default_site(va: VirtualAsset) -> Site:
    place = va.properties.get("site") or {}
    return Site(
        float(place.get("latitude", Site.latitude)),
        float(place.get("longitude", Site.longitude)),
        str(place.get("timezone", Site.timezone)),
        (va.sim_state or {}).get("outdoorTemperature"),
    )


class SandboxConnector:
    """Carries out commands on virtual assets (the Executor of gridlink.domain.actions)."""

    def __init__(self, action_delay_seconds: float) -> None:
        self.action_delay = timedelta(seconds=action_delay_seconds)

    async def now(self, session: AsyncSession, asset: Asset) -> datetime:
        return await clock.now(session, asset.client_id)

    async def _device(self, session: AsyncSession, asset: Asset) -> VirtualAsset:
        va = await session.get(VirtualAsset, asset.device_ref)
        if va is None or va.sim_state is None:
            raise BadRequest(f"This {asset.asset_type} is not simulated yet; try again shortly.")
        return va

    async def check(
        self,
        session: AsyncSession,
        asset: Asset,
        kind: str,
        target: dict[str, Any],
        at: datetime | None = None,
    ) -> None:
        sim = simulator_for(asset.asset_type)
        if sim is None:
            raise BadRequest(f"A {asset.asset_type} cannot be controlled in the sandbox yet.")
        va = await self._device(session, asset)
        now = at or await self.now(session, asset)
        vehicle = await pairing.partner(session, va) if asset.asset_type == "charger" else None
        if vehicle is not None and kind == "charging" and vehicle.sim_state is not None:
            # Plugged into a linked vehicle: whether it can charge is the vehicle's to say.
            sim, va = SIMULATORS["vehicle"], vehicle
        site = await Places(session, asset.client_id).site(va, [asset])
        state = _advanced(va, sim, site, max(now, clock.aware(va.simulated_at or now)))
        try:
            sim.check(state, kind, target)
        except CommandRejected as error:
            raise BadRequest(str(error)) from error

    async def submitted(self, session: AsyncSession, action: Action) -> None:
        action.due_at = action.created_at + self.action_delay

    async def wake_at(self, session: AsyncSession, asset: Asset, at: datetime) -> None:
        va = await session.get(VirtualAsset, asset.device_ref)
        if va is None or va.next_event_at is None:
            return
        va.next_event_at = min(clock.aware(va.next_event_at), at)

    async def refresh(self, session: AsyncSession, asset: Asset) -> None:
        # The simulated vendor reports at the engine's next tick.
        await self.wake_at(session, asset, await self.now(session, asset))


async def start_simulating(session: AsyncSession, va: VirtualAsset, now: datetime) -> None:
    """A newly linked virtual asset comes alive: its first report follows shortly."""
    sim = simulator_for(va.asset_type)
    if sim is None:
        return
    if va.sim_state is None:
        va.sim_state = sim.initial_state(va.properties)
        va.simulated_at = now
    first = now + timedelta(seconds=FIRST_REPORT_SECONDS)
    current = clock.aware(va.next_event_at) if va.next_event_at else None
    va.next_event_at = min(first, current) if current else first


async def _report(
    session: AsyncSession,
    va: VirtualAsset,
    sim: Simulator,
    site: Site,
    assets: list[Asset],
    at: datetime,
) -> None:
    assert va.sim_state is not None
    if not va.sim_state.get("isReachable", True):
        return  # the vendor hears nothing from it
    report = sim.report(va.sim_state, va.properties, site, at)
    other = await pairing.partner(session, va)
    if other is not None and va.asset_type == "charger":
        report = pairing.mirror(
            report, other, SIMULATORS["vehicle"], await pairing.asset_id_of(session, other), at
        )
    elif other is not None:
        report["chargeState.pluggedInChargerId"] = await pairing.asset_id_of(session, other)
    for capability in va.sim_state.get("disabledCapabilities", []):
        # Switched off in the sandbox: the user must act at the vendor first.
        found = interventions.find(va.vendor, va.asset_type, "enable-remote-access")
        report[f"capabilities.{capability}"] = {
            "isCapable": False,
            "interventionIds": [found.id] if found else [],
        }
    for asset in assets:
        if asset.connection.is_valid:  # with broken credentials, nothing gets through
            await apply_report(session, asset, report, at)


def _schedule(
    va: VirtualAsset, sim: Simulator, site: Site, at: datetime, wanted: datetime | None = None
) -> None:
    """When the device is next looked at: its vendor's cadence, its next change
    of its own, or when smart charging `wanted` a look, whichever comes first."""
    assert va.sim_state is not None
    cadence = ACTIVE_CADENCE if sim.is_active(va.sim_state) else IDLE_CADENCE
    change = sim.seconds_until_change(va.sim_state, va.properties, site, at)
    wait = min(cadence, change) if change is not None and change > 1e-3 else cadence
    va.next_event_at = at + timedelta(seconds=wait)
    if wanted is not None and at < wanted < va.next_event_at:
        va.next_event_at = wanted


async def _controllers(
    session: AsyncSession, executor: SandboxConnector, assets: list[Asset], at: datetime
) -> smart_charging.Step:
    """Smart charging's and schedules' look at a device that just reported, at
    the device's own time: what they send is carried out in this same run."""
    step = smart_charging.Step()
    for asset in assets:
        taken: list[smart_charging.Step] = []
        if asset.asset_type == "vehicle" and smart_charging.policy_of(asset).get("isEnabled"):
            taken.append(await smart_charging.control(session, executor, asset, at))
        if asset.pk in await schedules.scheduled_assets(session, asset.client_id):
            taken.append(await schedules.control(session, executor, asset, at))
        for one in taken:
            step.actions += one.actions
            if one.next_check_at is not None:
                step.next_check_at = min(step.next_check_at or one.next_check_at, one.next_check_at)
    return step


async def _execute(
    session: AsyncSession,
    places: Places,
    va: VirtualAsset,
    sim: Simulator,
    action: Action,
    at: datetime,
    executor: SandboxConnector,
) -> None:
    assert va.sim_state is not None
    state = va.sim_state
    if not state.get("isReachable", True):
        await actions.fail(session, action, at, "NO_RESPONSE", "The device did not respond.")
        return
    if state.get("failNextCommand"):
        va.sim_state = {**state, "failNextCommand": False}
        await actions.fail(session, action, at, "NO_RESPONSE", "The vendor did not confirm.")
        return
    vehicle = await pairing.partner(session, va) if va.asset_type == "charger" else None
    try:
        if vehicle is not None and vehicle.sim_state is not None:
            vehicle_sim = SIMULATORS["vehicle"]
            pairing.catch_up(vehicle, vehicle_sim, at)
            if action.kind == "charging":
                vehicle_sim.check(vehicle.sim_state, action.kind, action.target)
            else:
                sim.check(state, action.kind, action.target)
            vehicle.sim_state = pairing.carry_out(
                state, vehicle.sim_state, vehicle_sim, action.kind, action.target
            )
            await _report_now(session, places, vehicle, at, executor)
        else:
            sim.check(state, action.kind, action.target)
    except CommandRejected as error:
        await actions.fail(session, action, at, "FAILED_PRECONDITION", str(error))
        return
    if action.kind != "charging" or vehicle is None:
        va.sim_state = sim.execute(state, action.kind, action.target)
    await actions.confirm(session, action, at)


async def _run_device(
    session: AsyncSession,
    places: Places,
    va: VirtualAsset,
    assets: list[Asset],
    pending: list[Action],
    until: datetime,
    executor: SandboxConnector,
) -> None:
    """Every event of one device up to `until`, in time order."""
    sim = simulator_for(va.asset_type)
    if sim is None or va.sim_state is None or va.next_event_at is None:
        return
    if va.asset_type in NEEDS_NEIGHBOURS:
        await places.load(assets)
    site = await places.site(va, assets)
    pending = sorted(pending, key=lambda a: clock.aware(a.due_at or a.created_at))
    while True:
        device_at = clock.aware(va.next_event_at)
        action_at = clock.aware(pending[0].due_at) if pending and pending[0].due_at else None
        at = min(device_at, action_at) if action_at else device_at
        if at > until:
            return
        va.sim_state = _advanced(va, sim, site, at)
        va.simulated_at = at
        if action_at is not None and at == action_at:
            action = pending.pop(0)
            if action.state == actions.PENDING:  # not cancelled meanwhile
                await _execute(session, places, va, sim, action, at, executor)
        await _report(session, va, sim, site, assets, at)
        step = await _controllers(session, executor, assets, at)
        if step.actions:  # sent at this instant: carried out in this same run
            pending = sorted([*pending, *step.actions], key=lambda a: clock.aware(a.due_at or at))
        _schedule(va, sim, site, at, step.next_check_at)


async def run_client(
    session: AsyncSession, client_id: str, until: datetime, executor: SandboxConnector
) -> int:
    """Runs the client's due devices up to `until`; returns how many it moved."""
    if not await lock_client(session, client_id, wait=False):
        return 0
    due_actions = list(
        await session.scalars(
            select(Action).where(
                Action.client_id == client_id,
                Action.state == actions.PENDING,
                Action.due_at <= until,
            )
        )
    )
    devices = list(
        await session.scalars(
            select(VirtualAsset)
            .where(
                VirtualAsset.client_id == client_id,
                (VirtualAsset.next_event_at <= until)
                | VirtualAsset.id.in_([a.asset.device_ref for a in due_actions]),
            )
            .order_by(VirtualAsset.next_event_at)
            .limit(BATCH)
        )
    )
    if not devices:
        return 0
    linked: dict[str, list[Asset]] = defaultdict(list)
    for asset in await session.scalars(
        select(Asset).where(
            Asset.client_id == client_id, Asset.device_ref.in_([va.id for va in devices])
        )
    ):
        linked[asset.device_ref].append(asset)
    by_device: dict[str, list[Action]] = defaultdict(list)
    for action in due_actions:
        by_device[action.asset.device_ref].append(action)
    places = Places(session, client_id)
    places.remember_start(devices)
    # Chargers first: their commands may move a plugged-in vehicle, which must not
    # be past that instant yet. Devices that look at their neighbours go last.
    devices.sort(key=lambda va: RUN_ORDER.get(va.asset_type, 1))
    for va in devices:
        await _run_device(session, places, va, linked[va.id], by_device[va.id], until, executor)
        # A long fast-forward must not starve the requests this process serves.
        await asyncio.sleep(0)
    return len(devices)


async def lock_client(session: AsyncSession, client_id: str, wait: bool) -> bool:
    """One writer of a client's simulation at a time, across every process
    (PostgreSQL); within a process, Engine's locks do the same."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    function = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
    locked = await session.scalar(
        text(f"SELECT {function}(hashtext(:key))::text"), {"key": client_id}
    )
    return wait or locked == "true"


async def apply_overrides(
    session: AsyncSession,
    client_id: str,
    asset_id: str,
    changes: dict[str, Any],
    executor: SandboxConnector,
) -> dict[str, Any]:
    """Changes a virtual asset at once, as a person with the device would, and
    reports it at once."""
    asset = await session.scalar(
        select(Asset).where(Asset.client_id == client_id, Asset.id == asset_id)
    )
    if asset is None:
        raise NotFound(f"No asset with id {asset_id}.")
    va = await session.get(VirtualAsset, asset.device_ref)
    sim = simulator_for(asset.asset_type)
    if va is None or sim is None or va.sim_state is None:
        raise BadRequest(f"This {asset.asset_type} is not simulated yet; try again shortly.")
    now = await clock.now(session, client_id)
    places = Places(session, client_id)
    if va.asset_type in NEEDS_NEIGHBOURS:
        await places.load([asset])
    site = await places.site(va, [asset])
    state = _advanced(va, sim, site, now)
    partner_before = await pairing.partner(session, va)
    for field, value in changes.items():
        if field == "pluggedInVehicleId":
            if asset.asset_type != "charger":
                raise BadRequest("pluggedInVehicleId applies to chargers.")
            va.sim_state, va.simulated_at = state, now
            await pairing.plug(session, va, value, asset.user_pk, SIMULATORS["vehicle"], now)
            state = va.sim_state
        elif value is None:
            raise BadRequest(f"{field} needs a value.")
        elif field == "credentialsValid":
            await report_credentials(session, asset, bool(value), now)
        elif field == "failNextCommand":
            state = {**state, "failNextCommand": bool(value)}
        elif field in ("disableCapability", "enableCapability"):
            if value not in asset.document.get("capabilities", {}):
                raise BadRequest(f"A {asset.asset_type} has no capability {value!r}.")
            disabled = set(state.get("disabledCapabilities", []))
            disabled = disabled | {value} if field == "disableCapability" else disabled - {value}
            state = {**state, "disabledCapabilities": sorted(disabled)}
        else:
            try:
                state = sim.override(state, field, value)
            except KeyError:
                raise BadRequest(f"{field} does not apply to a {asset.asset_type}.") from None
            except ValueError as error:
                raise BadRequest(str(error)) from None
    va.sim_state, va.simulated_at = state, now
    partner_after = await pairing.partner(session, va)
    if partner_before is not None and partner_before is not partner_after:
        # Unplugged on this side: the other side lets go too.
        pairing.catch_up(partner_before, simulator_for(partner_before.asset_type) or sim, now)
        assert partner_before.sim_state is not None
        released = {"vehicleRef": None} if partner_before.asset_type == "charger" else {
            "chargerRef": None, "chargerKw": None}  # fmt: skip
        partner_before.sim_state = {**partner_before.sim_state, **released, "isPluggedIn": False}
    for device in dict.fromkeys(d for d in (va, partner_before, partner_after) if d is not None):
        await _report_now(session, places, device, now, executor)
    return {"id": asset.id, "applied": changes, "at": iso(now)}


async def _report_now(
    session: AsyncSession,
    places: Places,
    va: VirtualAsset,
    now: datetime,
    executor: SandboxConnector,
) -> None:
    sim = simulator_for(va.asset_type)
    if sim is None or va.sim_state is None:
        return
    linked = list(
        await session.scalars(
            select(Asset).where(Asset.client_id == va.client_id, Asset.device_ref == va.id)
        )
    )
    site = await places.site(va, linked)  # an outdoor override changes the site
    await _report(session, va, sim, site, linked, now)
    step = await _controllers(session, executor, linked, now)
    _schedule(va, sim, site, now, step.next_check_at)


class Engine:
    """Runs every sandbox client's devices; one run per client at a time."""

    def __init__(self, db: Database, executor: SandboxConnector) -> None:
        self._db = db
        self._executor = executor
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def run_until(self, client_id: str, until: datetime | None = None) -> datetime:
        async with self._locks[client_id]:
            return await self._run(client_id, until)

    async def _run(self, client_id: str, until: datetime | None) -> datetime:
        while True:
            async with self._db.session() as session:
                moment = until or await clock.now(session, client_id)
                moved = await run_client(session, client_id, moment, self._executor)
            if moved < BATCH:
                return moment

    async def override(
        self, client_id: str, asset_id: str, changes: dict[str, Any]
    ) -> dict[str, Any]:
        """Overrides applied once everything due has run, with no run in between."""
        async with self._locks[client_id]:
            await self._run(client_id, None)
            async with self._db.session() as session:
                await lock_client(session, client_id, wait=True)
                return await apply_overrides(session, client_id, asset_id, changes, self._executor)

    async def tick(self) -> None:
        """One pass over every client with something due (the background loop)."""
        async with self._db.session() as session:
            client_ids = list(
                await session.scalars(
                    select(distinct(VirtualAsset.client_id)).where(
                        VirtualAsset.next_event_at.is_not(None)
                    )
                )
            )
        for client_id in client_ids:
            await self.run_until(client_id)
