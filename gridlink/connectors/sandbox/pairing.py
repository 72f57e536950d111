"""A linked vehicle plugged into a linked charger.

The vehicle stays the one source of truth for the charging: its battery fills
at the lower of its own and the charger's power. The charger mirrors it in its
reports, and its commands act on the vehicle. Chargers run before vehicles in
an engine pass, so a charger's command at some instant finds its vehicle not
yet past that instant.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.connectors.sandbox import clock
from gridlink.connectors.sandbox.simulators.base import Report, Simulator, Site, State
from gridlink.db.tables import Asset, VirtualAsset
from gridlink.domain.errors import BadRequest


def offered_kw(charger: State) -> float:
    """What the charger can give at its current setting, before any car's limit."""
    return float(charger["maxCurrent"]) * int(charger["phases"]) * 230.0 / 1000.0


async def partner(session: AsyncSession, va: VirtualAsset) -> VirtualAsset | None:
    state = va.sim_state or {}
    ref = state.get("vehicleRef") if va.asset_type == "charger" else state.get("chargerRef")
    return await session.get(VirtualAsset, ref) if ref else None


async def asset_id_of(session: AsyncSession, va: VirtualAsset) -> str | None:
    found: str | None = await session.scalar(
        select(Asset.id).where(Asset.client_id == va.client_id, Asset.device_ref == va.id)
    )
    return found


def catch_up(va: VirtualAsset, sim: Simulator, at: datetime) -> None:
    """Moves a partner forward to `at` (never back) before it changes there."""
    assert va.sim_state is not None
    simulated = clock.aware(va.simulated_at) if va.simulated_at else at
    if simulated < at:
        va.sim_state = sim.advance(va.sim_state, va.properties, Site(), simulated, at)
        va.simulated_at = at
    # Report it at once, and let its own run continue from here.
    current = clock.aware(va.next_event_at) if va.next_event_at else at
    va.next_event_at = min(current, max(at, simulated))


async def plug(
    session: AsyncSession,
    charger: VirtualAsset,
    vehicle_asset_id: str | None,
    user_pk: int,
    vehicle_sim: Simulator,
    at: datetime,
) -> None:
    """Plugs the user's linked vehicle into the charger, or unplugs whatever is in it."""
    assert charger.sim_state is not None
    current = await partner(session, charger)
    if current is not None and current.sim_state is not None:
        catch_up(current, vehicle_sim, at)
        current.sim_state = {**current.sim_state, "isPluggedIn": False,
                             "chargerRef": None, "chargerKw": None}  # fmt: skip
    if vehicle_asset_id is None:
        charger.sim_state = {**charger.sim_state, "isPluggedIn": False, "vehicleRef": None}
        return
    vehicle_asset = await session.scalar(
        select(Asset).where(
            Asset.client_id == charger.client_id,
            Asset.id == vehicle_asset_id,
            Asset.asset_type == "vehicle",
        )
    )
    if vehicle_asset is None or vehicle_asset.user_pk != user_pk:
        raise BadRequest("pluggedInVehicleId must name a vehicle of the charger's user.")
    vehicle = await session.get(VirtualAsset, vehicle_asset.device_ref)
    if vehicle is None or vehicle.sim_state is None:
        raise BadRequest("That vehicle is not simulated yet; try again shortly.")
    catch_up(vehicle, vehicle_sim, at)
    vehicle.sim_state = {
        **vehicle.sim_state,
        "isPluggedIn": True,
        "isDriving": False,
        "chargingRequested": True,
        "chargerRef": charger.id,
        "chargerKw": offered_kw(charger.sim_state),
    }
    charger.sim_state = {**charger.sim_state, "isPluggedIn": True, "vehicleRef": vehicle.id}


def mirror(charger_report: Report, vehicle: VirtualAsset, vehicle_sim: Simulator,
           vehicle_asset_id: str | None, at: datetime) -> Report:  # fmt: skip
    """The charger's report, showing the charging of the vehicle plugged into it."""
    assert vehicle.sim_state is not None
    state = vehicle.sim_state
    simulated = clock.aware(vehicle.simulated_at) if vehicle.simulated_at else at
    if simulated < at:
        state = vehicle_sim.advance(state, vehicle.properties, Site(), simulated, at)
    seen = vehicle_sim.report(state, vehicle.properties, Site(), at)
    delivery = seen["chargeState.powerDeliveryState"]
    return {
        **charger_report,
        "chargeState.isPluggedIn": True,
        "chargeState.isCharging": seen["chargeState.isCharging"],
        "chargeState.chargeRate": seen["chargeState.chargeRate"],
        # A charger has no COMPLETE: a full car simply stops taking power.
        "chargeState.powerDeliveryState": (
            "PLUGGED_IN:STOPPED" if delivery == "PLUGGED_IN:COMPLETE" else delivery
        ),
        "chargeState.pluggedInVehicleId": vehicle_asset_id,
    }


def carry_out(
    charger: State, vehicle: State, vehicle_sim: Simulator, kind: str, target: dict[str, Any]
) -> State:
    """The vehicle after a command given to the charger it is plugged into."""
    if kind == "charging":
        return vehicle_sim.execute(vehicle, kind, target)
    if kind == "max_current":
        return {**vehicle, "chargerKw": offered_kw({**charger, "maxCurrent": target["maxCurrent"]})}
    return vehicle
