"""Smart charging: when a vehicle with an enabled policy plugs in at one of its
user's locations, charge at once up to the policy's minimum, then stop and start
again when prices are lowest, so that it is full by the deadline.

The plan is carried out through ordinary actions (STOP, then START), so a
vendor's delay or refusal shows in the plan's state as it would with Enode.
`control` looks at a vehicle and takes the next step; it runs after every
report of the vehicle, when the policy changes, and at the plan's own times.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.changes import asset_key, mark_changed
from gridlink.db.tables import (
    Action,
    Asset,
    Location,
    Schedule,
    SmartChargingPlan,
    SmartChargingStatus,
)
from gridlink.domain import actions
from gridlink.domain.clock import aware
from gridlink.domain.errors import BadRequest, DomainError, NotFound
from gridlink.domain.prices import Prices, prices_at
from gridlink.events import asset_events, smart_charging_events
from gridlink.wire.smart_charging import status_json
from gridlink.wire.timestamps import iso

DISABLED, CONSIDERING, FULLY_CHARGED = "DISABLED", "CONSIDERING", "FULLY_CHARGED"
STOPPING, STOPPED = "PLAN:EXECUTING:STOPPING", "PLAN:EXECUTING:STOPPED"
STARTING, STARTED = "PLAN:EXECUTING:STARTING", "PLAN:EXECUTING:STARTED"
OVERRIDDEN = "PLAN:EXECUTING:OVERRIDDEN"
FINISHED, UNPLUGGED = "PLAN:ENDED:FINISHED", "PLAN:ENDED:UNPLUGGED"
FAILED, ENDED_DISABLED = "PLAN:ENDED:FAILED", "PLAN:ENDED:DISABLED"
DEADLINE_CHANGED = "PLAN:ENDED:DEADLINE_CHANGED"

# A vehicle this close to one of its user's locations is at it.
AT_LOCATION_METRES = 250.0
# Plans start and stop on the quarter hour, as day-ahead prices change.
STEP = timedelta(minutes=15)
# Within this of its limit, a battery counts as full (levels are rounded).
FULL_MARGIN = 0.5
# Finishing later than this share of the plan's span past the deadline is late.
LATE_SHARE = 0.15
VOLTS = 230.0


class ControlledBySmartCharging(DomainError):
    """A control call on a vehicle a plan is driving (the spec's 422)."""

    status = 422
    kind = "smart-charging-controlled"
    title = "Controlled by Smart Charging"


@dataclass
class Step:
    """What `control` did: actions it sent, and when it next wants a look."""

    actions: list[Action] = field(default_factory=list)
    next_check_at: datetime | None = None


# --- reading a vehicle ------------------------------------------------------


def _charge_state(asset: Asset) -> dict[str, Any]:
    state: dict[str, Any] = asset.document.get("chargeState") or {}
    return state


def policy_of(asset: Asset) -> dict[str, Any]:
    policy: dict[str, Any] = asset.document.get("smartChargingPolicy") or {}
    return policy


def _power_kw(asset: Asset) -> float | None:
    """How fast it charges: its own rate while charging, else what its current allows."""
    state = _charge_state(asset)
    rate = state.get("chargeRate")
    if state.get("isCharging") and rate:
        return float(rate)
    current = state.get("maxCurrent")
    return float(current) * VOLTS * 3 / 1000 if current else None


def _is_full(asset: Asset) -> bool:
    state = _charge_state(asset)
    level, limit = state.get("batteryLevel"), state.get("chargeLimit")
    return level is not None and limit is not None and level >= limit - FULL_MARGIN


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


async def charging_location(session: AsyncSession, asset: Asset) -> Location | None:
    """The user's location the vehicle stands at, if any (the nearest within reach)."""
    place = asset.document.get("location") or {}
    lat, lon = place.get("latitude"), place.get("longitude")
    if lat is None or lon is None:
        return None
    nearest: tuple[float, Location] | None = None
    for location in await session.scalars(
        select(Location).where(Location.user_pk == asset.user_pk)
    ):
        metres = _distance_m(lat, lon, location.latitude, location.longitude)
        if metres <= AT_LOCATION_METRES and (nearest is None or metres < nearest[0]):
            nearest = (metres, location)
    return nearest[1] if nearest else None


# --- the policy ---------------------------------------------------------------


async def update_policy(
    session: AsyncSession,
    executor: actions.Executor,
    asset: Asset,
    changes: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    policy = {**{"isEnabled": False, "deadline": None, "minimumChargeLimit": 0}, **policy_of(asset)}
    policy.update(changes)
    for name in ("isEnabled", "minimumChargeLimit"):
        if policy[name] is None:  # only `deadline` may be null
            raise BadRequest(f"{name} cannot be null.")
    if policy["isEnabled"] and not policy["deadline"]:
        raise BadRequest("Smart charging needs a deadline: set `deadline` (HH:MM).")
    if policy["isEnabled"] and await session.scalar(
        select(Schedule.id).where(Schedule.asset_pk == asset.pk, Schedule.is_enabled).limit(1)
    ):
        raise BadRequest("A schedule controls this vehicle: disable it before smart charging.")
    minimum = float(policy["minimumChargeLimit"])
    limit = _charge_state(asset).get("chargeLimit")
    if not 0 <= minimum <= 100:
        raise BadRequest("minimumChargeLimit is a percentage, between 0 and 100.")
    if limit is not None and minimum > limit:
        raise BadRequest(
            f"minimumChargeLimit ({minimum:g}) cannot exceed the vehicle's "
            f"charge limit ({limit:g})."
        )
    before = policy_of(asset)
    if policy != before:
        asset.document = {**asset.document, "smartChargingPolicy": policy}
        changed = [f"smartChargingPolicy.{k}" for k in policy if policy[k] != before.get(k)]
        await mark_changed(session, asset_key(asset.client_id, asset.asset_type, asset.id))
        await asset_events.asset_changed(session, asset, "updated", now, changed)
        status = await status_of(session, asset, now)
        plan = _active_plan(status)
        if plan is not None and changes.get("deadline") not in (None, before.get("deadline")):
            await _end(session, asset, status, plan, DEADLINE_CHANGED, now)
    await control(session, executor, asset, now)
    return policy


# --- status -------------------------------------------------------------------


async def status_of(session: AsyncSession, asset: Asset, now: datetime) -> SmartChargingStatus:
    status = await session.get(SmartChargingStatus, asset.pk)
    if status is None:
        state = CONSIDERING if policy_of(asset).get("isEnabled") else DISABLED
        status = SmartChargingStatus(
            asset_pk=asset.pk, client_id=asset.client_id, state=state, state_changed_at=now,
            updated_at=now, planned_this_plug_in=False,
        )  # fmt: skip
        session.add(status)
        await session.flush()
    return status


def _active_plan(status: SmartChargingStatus) -> SmartChargingPlan | None:
    plan = status.plan
    return plan if plan is not None and plan.ended_at is None else None


async def get_plan(session: AsyncSession, asset: Asset, plan_id: str) -> SmartChargingPlan:
    query = select(SmartChargingPlan).where(SmartChargingPlan.asset_pk == asset.pk)
    if plan_id == "latest":
        query = query.order_by(SmartChargingPlan.pk.desc()).limit(1)
    else:
        query = query.where(SmartChargingPlan.id == plan_id)
    plan = await session.scalar(query)
    if plan is None:
        raise NotFound(f"No smart charging plan {plan_id} for vehicle {asset.id}.")
    return plan


def consideration(asset: Asset, at_location: bool) -> dict[str, bool]:
    state = _charge_state(asset)
    capacity = state.get("batteryCapacity")
    return {
        "isPluggedIn": bool(state.get("isPluggedIn")),
        "isCharging": bool(state.get("isCharging")),
        "atChargingLocation": at_location,
        "hasTimeEstimate": bool(capacity) and _power_kw(asset) is not None,
    }


def is_controlling(status: SmartChargingStatus | None) -> bool:
    """Whether a plan drives the vehicle now (control calls would fight it)."""
    if status is None or _active_plan(status) is None:
        return False
    return not (status.override and status.override.get("endedAt") is None)


# --- control ------------------------------------------------------------------


async def control(
    session: AsyncSession, executor: actions.Executor, asset: Asset, at: datetime
) -> Step:
    """Looks at the vehicle at `at` and takes smart charging's next step."""
    step = Step()
    status = await status_of(session, asset, at)
    # The vehicle does not move while it is looked at: its place is asked once.
    location = await charging_location(session, asset)
    before = _snapshot(asset, status, location)
    state = _charge_state(asset)
    plugged = bool(state.get("isPluggedIn"))
    if not plugged:
        status.planned_this_plug_in = False
    await _follow_override(session, status, asset, at)
    plan = _active_plan(status)
    new_state = status.state
    if not policy_of(asset).get("isEnabled"):
        if plan is not None:
            await _end(session, asset, status, plan, ENDED_DISABLED, at)
            plan = None
        new_state = DISABLED
    elif plan is None and plugged and not status.planned_this_plug_in:
        if _is_full(asset):
            new_state = FULLY_CHARGED
        elif location is not None and consideration(asset, True)["hasTimeEstimate"]:
            plan = await _make_plan(session, asset, status, location, at)
        else:
            new_state = CONSIDERING
    elif plan is None:
        # An ended plan's state stays while the vehicle is still plugged in
        # (or, once unplugged, until it is plugged in again).
        ended = new_state.startswith("PLAN:ENDED")
        if not (ended and (plugged or new_state == UNPLUGGED)):
            new_state = FULLY_CHARGED if plugged and _is_full(asset) else CONSIDERING
    if plan is not None:
        new_state = await _execute(session, executor, asset, status, plan, at, step)
    _set_state(status, new_state, at)
    status.next_check_at = step.next_check_at
    if step.next_check_at is not None:
        await executor.wake_at(session, asset, step.next_check_at)
    after = _snapshot(asset, status, location)
    changed = [key for key in after if key != "updatedAt" and after[key] != before.get(key)]
    if changed:
        await smart_charging_events.status_updated(session, asset, after, changed, at)
    return step


def _set_state(status: SmartChargingStatus, state: str, at: datetime) -> None:
    if state != status.state:
        status.state = state
        status.state_changed_at = at
    status.updated_at = at


def _snapshot(
    asset: Asset, status: SmartChargingStatus, location: Location | None
) -> dict[str, Any]:
    return status_json(asset, status, consideration(asset, location is not None))


async def _follow_override(
    session: AsyncSession, status: SmartChargingStatus, asset: Asset, at: datetime
) -> None:
    """An override lasts until the vehicle stops charging (or its start fails)."""
    override = status.override
    if not override or override.get("endedAt") is not None:
        return
    action = await _action(session, override.get("vendorActionId"))
    charging = bool(_charge_state(asset).get("isCharging"))
    started = action is not None and action.state == actions.CONFIRMED
    if (action is not None and action.state in (actions.FAILED, actions.CANCELLED)) or (
        started and not charging
    ):
        status.override = {**override, "endedAt": iso(at)}


async def _action(session: AsyncSession, action_id: str | None) -> Action | None:
    if action_id is None:
        return None
    return await session.scalar(select(Action).where(Action.id == action_id))


async def _execute(
    session: AsyncSession,
    executor: actions.Executor,
    asset: Asset,
    status: SmartChargingStatus,
    plan: SmartChargingPlan,
    at: datetime,
    step: Step,
) -> str:
    """The plan's next step; returns the state it leaves the vehicle in."""
    state = _charge_state(asset)
    if not state.get("isPluggedIn"):
        return await _end(session, asset, status, plan, UNPLUGGED, at)
    if _is_full(asset):
        span = (aware(plan.deadline_at) - aware(plan.created_at)).total_seconds()
        late = (at - aware(plan.deadline_at)).total_seconds() > LATE_SHARE * span
        return await _end(
            session, asset, status, plan, FINISHED, at, "FINISHED_LATE" if late else None
        )
    if status.override and status.override.get("endedAt") is None:
        return OVERRIDDEN
    last = await _action(session, status.action_id)
    if last is not None and last.state == actions.FAILED:
        condition = "START_FAILED" if last.target.get("action") == "START" else "STOP_FAILED"
        return await _end(session, asset, status, plan, FAILED, at, condition)
    stop_at = aware(plan.stop_at)
    start_at = aware(plan.start_at) if plan.start_at else None
    want_charging = at < stop_at or (start_at is not None and at >= start_at)
    step.next_check_at = (
        stop_at if at < stop_at else (start_at if start_at and at < start_at else None)
    )
    charging = bool(state.get("isCharging"))
    if want_charging == charging:
        if charging and start_at is not None and at >= start_at:
            plan.start_confirmed_at = plan.start_confirmed_at or at
        if not charging:
            plan.stop_confirmed_at = plan.stop_confirmed_at or at
        return STARTED if charging else STOPPED
    wanted = "START" if want_charging else "STOP"
    pending = (
        last is not None and last.state == actions.PENDING and last.target.get("action") == wanted
    )
    if not pending:
        try:
            action = await actions.create(
                session, executor, asset, "charging", {"action": wanted}, at
            )
        except BadRequest:
            condition = "START_FAILED" if wanted == "START" else "STOP_FAILED"
            return await _end(session, asset, status, plan, FAILED, at, condition)
        status.action_id = action.id
        step.actions.append(action)
    return STARTING if want_charging else STOPPING


async def _end(
    session: AsyncSession,
    asset: Asset,
    status: SmartChargingStatus,
    plan: SmartChargingPlan,
    final_state: str,
    at: datetime,
    condition: str | None = None,
) -> str:
    plan.ended_at = at
    plan.final_state = final_state
    plan.failure_condition = condition
    status.next_check_at = None
    await mark_changed(session, asset_key(asset.client_id, asset.asset_type, asset.id))
    return final_state


# --- planning -----------------------------------------------------------------


def _deadline_after(deadline: str, timezone: str, at: datetime) -> datetime:
    hours, minutes = (int(x) for x in deadline.split(":"))
    zone = ZoneInfo(timezone)
    local = at.astimezone(zone)
    day = local.date()
    for offset in (0, 1, 2):
        candidate_day = day + timedelta(days=offset)
        extra = timedelta(days=1) if hours == 24 else timedelta(0)
        candidate = datetime(
            candidate_day.year, candidate_day.month, candidate_day.day,
            0 if hours == 24 else hours, minutes, tzinfo=zone,
        ) + extra  # fmt: skip
        if candidate > at:
            return candidate.astimezone(at.tzinfo)
    raise AssertionError("a deadline always comes within two days")


def _cost(prices: Prices, start: datetime, end: datetime, power_kw: float) -> float:
    """What charging at `power_kw` from start to end costs, price by quarter hour."""
    total, moment = 0.0, start
    while moment < end:
        boundary = _next_quarter(moment)
        piece_end = min(boundary, end)
        hours = (piece_end - moment).total_seconds() / 3600
        total += prices.per_kwh(moment) * power_kw * hours
        moment = piece_end
    return total


def _next_quarter(moment: datetime) -> datetime:
    floored = moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
    return floored + STEP


async def _make_plan(
    session: AsyncSession,
    asset: Asset,
    status: SmartChargingStatus,
    location: Location,
    at: datetime,
) -> SmartChargingPlan:
    policy, state = policy_of(asset), _charge_state(asset)
    power = _power_kw(asset) or 11.0
    capacity = float(state["batteryCapacity"])
    level, limit = float(state["batteryLevel"]), float(state["chargeLimit"])
    minimum = min(float(policy.get("minimumChargeLimit") or 0), limit)
    prices = await prices_at(session, location)
    deadline = _deadline_after(str(policy["deadline"]), location.timezone_name, at)

    def hours_for(percent: float) -> float:
        return max(percent, 0.0) / 100 * capacity / power

    stop_at = at + timedelta(hours=hours_for(minimum - level))
    rest = timedelta(hours=hours_for(limit - max(level, minimum)))
    latest = deadline - rest
    best = stop_at
    if latest > stop_at:
        candidates = [stop_at]
        moment = _next_quarter(stop_at)
        while moment <= latest:
            candidates.append(moment)
            moment += STEP
        # The cheapest start; of equal ones the earliest, to be done sooner.
        best = min(candidates, key=lambda c: (round(_cost(prices, c, c + rest, power), 6), c))
    plan = SmartChargingPlan(
        id=str(uuid.uuid4()),
        client_id=asset.client_id,
        asset_pk=asset.pk,
        location_id=location.id,
        currency=prices.currency,
        non_smart_cost=round(_cost(prices, at, at + (stop_at - at) + rest, power), 2),
        smart_cost=round(
            _cost(prices, at, stop_at, power) + _cost(prices, best, best + rest, power), 2
        ),
        created_at=at,
        stop_at=stop_at,
        start_at=best,
        estimated_finish_at=best + rest,
        deadline_at=deadline,
    )
    session.add(plan)
    await session.flush()
    status.plan_pk = plan.pk
    status.plan = plan
    status.action_id = None
    status.planned_this_plug_in = True
    return plan


# --- smart override -----------------------------------------------------------


async def create_override(
    session: AsyncSession, executor: actions.Executor, asset: Asset, now: datetime
) -> SmartChargingStatus:
    """Charge now, whatever the plan says, until the vehicle stops charging."""
    status = await status_of(session, asset, now)
    action = await actions.create(session, executor, asset, "charging", {"action": "START"})
    status.override = {"createdAt": iso(action.created_at), "endedAt": None,
                       "vendorActionId": action.id}  # fmt: skip
    await control(session, executor, asset, action.created_at)
    return status


async def end_override(
    session: AsyncSession, executor: actions.Executor, asset: Asset, now: datetime
) -> SmartChargingStatus:
    status = await status_of(session, asset, now)
    if not status.override or status.override.get("endedAt") is not None:
        raise NotFound(f"Vehicle {asset.id} has no active smart override.")
    status.override = {**status.override, "endedAt": iso(now)}
    await control(session, executor, asset, now)
    return status
