"""Schedules: a device's wanted state by weekday, time of day and date, in its
location's time zone. A charge schedule says whether a vehicle or charger
should charge; a temperature schedule what an HVAC unit should hold.

The first matching rule wins, else the default. The schedule is carried out
through ordinary actions at its transitions (and whenever the device drifts
from what the schedule wants); its status says whether the device is aligned.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.tables import Action, Asset, Location, Schedule, SmartChargingStatus, User
from gridlink.domain import actions
from gridlink.domain.clock import aware
from gridlink.domain.errors import BadRequest, DomainError, NotFound
from gridlink.domain.pagination import Page, PageRequest, paginate
from gridlink.domain.smart_charging import Step, policy_of
from gridlink.domain.tariffs import minutes
from gridlink.events import schedule_events
from gridlink.wire.timestamps import iso

CHARGE, TEMPERATURE = "CHARGE", "TEMPERATURE"
ALIGNED, MISALIGNED, PENDING = "ALIGNED", "MISALIGNED", "PENDING"
DISABLED, AWAY = "INACTIVE:DISABLED", "INACTIVE:AWAY"
TARGET_TYPES: Final = {"vehicle": CHARGE, "charger": CHARGE, "hvac": TEMPERATURE}
# How far ahead upcoming transitions are looked for, and how many are shown.
LOOKAHEAD_DAYS = 7
SHOWN_TRANSITIONS = 10
FULL_MARGIN = 0.5
# Session info: the client's assets with an enabled schedule, once per transaction.
_SCHEDULED = "gridlink.scheduled_assets"


class ControlledBySchedule(DomainError):
    """A control call on a device a schedule drives (the spec's 422)."""

    status = 422
    kind = "schedule-controlled"
    title = "Controlled by a Schedule"


# --- rules --------------------------------------------------------------------


def _instant(value: str) -> datetime:
    return aware(datetime.fromisoformat(value.replace("Z", "+00:00")))


def _matches(rule: dict[str, Any], local: datetime) -> bool:
    weekdays = rule.get("weekdays")
    if weekdays is not None and local.weekday() not in weekdays:
        return False
    span = rule.get("hourMinute")
    if span is not None:
        start, end, now = minutes(span["from"]), minutes(span["to"]), local.hour * 60 + local.minute
        inside = start <= now < end if start <= end else (now >= start or now < end)
        if not inside:
            return False
    if rule.get("fromTimestamp") and local < _instant(rule["fromTimestamp"]):
        return False
    return not (rule.get("toTimestamp") and local >= _instant(rule["toTimestamp"]))


def wanted(body: dict[str, Any], kind: str, local: datetime) -> Any:
    """What the schedule wants at a local time: shouldCharge, or a target state."""
    for rule in body["rules"]:
        if _matches(rule, local):
            return rule["shouldCharge"] if kind == CHARGE else rule["targetState"]
    return body["defaultShouldCharge"] if kind == CHARGE else body["defaultTargetState"]


def transitions(
    body: dict[str, Any], kind: str, zone: ZoneInfo, after: datetime
) -> list[tuple[datetime, Any]]:
    """The upcoming moments at which what the schedule wants changes."""
    local = after.astimezone(zone)
    moments: set[datetime] = set()
    for rule in body["rules"]:
        span = rule.get("hourMinute")
        if span is not None:
            for offset in range(LOOKAHEAD_DAYS + 1):
                day = local.date() + timedelta(days=offset)
                for mark in (span["from"], span["to"]):
                    midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
                    moments.add(midnight + timedelta(minutes=minutes(mark)))
        for key in ("fromTimestamp", "toTimestamp"):
            if rule.get(key):
                moments.add(_instant(rule[key]).astimezone(zone))
        if rule.get("weekdays") is not None and span is None:
            for offset in range(1, LOOKAHEAD_DAYS + 1):
                day = local.date() + timedelta(days=offset)
                moments.add(datetime(day.year, day.month, day.day, tzinfo=zone))
    found: list[tuple[datetime, Any]] = []
    current = wanted(body, kind, local)
    horizon = local + timedelta(days=LOOKAHEAD_DAYS)
    for moment in sorted(m for m in moments if local < m <= horizon):
        value = wanted(body, kind, moment)
        if value != current:
            found.append((moment.astimezone(after.tzinfo), value))
            current = value
        if len(found) == SHOWN_TRANSITIONS:
            break
    return found


# --- storage ------------------------------------------------------------------


async def _target(session: AsyncSession, user: User, body: dict[str, Any]) -> Asset:
    target = await session.scalar(
        select(Asset).where(
            Asset.client_id == user.client_id,
            Asset.user_pk == user.pk,
            Asset.id == body["targetId"],
            Asset.asset_type == body["targetType"],
        )
    )
    if target is None:
        raise BadRequest(f"No {body['targetType']} {body['targetId']} belongs to this user.")
    return target


async def _check(
    session: AsyncSession, user: User, body: dict[str, Any], own: Schedule | None
) -> Asset:
    target = await _target(session, user, body)
    location_id = body.get("locationId")
    if location_id is not None:
        location = await session.scalar(
            select(Location).where(Location.id == location_id, Location.user_pk == user.pk)
        )
        if location is None:
            raise BadRequest(f"No location {location_id} belongs to this user.")
    if body["isEnabled"]:
        if target.asset_type == "vehicle" and policy_of(target).get("isEnabled"):
            raise BadRequest("Smart charging controls this vehicle: disable it first.")
        other = await session.scalar(
            select(Schedule.id).where(
                Schedule.asset_pk == target.pk,
                Schedule.is_enabled,
                Schedule.pk != (own.pk if own else -1),
            )
        )
        if other is not None:
            raise BadRequest(f"Schedule {other} already controls this device: disable it first.")
    return target


async def create_schedule(
    session: AsyncSession,
    executor: actions.Executor,
    user: User,
    body: dict[str, Any],
    now: datetime,
) -> Schedule:
    target = await _check(session, user, body, None)
    schedule = Schedule(
        id=str(uuid.uuid4()), client_id=user.client_id, user_pk=user.pk, asset_pk=target.pk,
        kind=TARGET_TYPES[body["targetType"]], is_enabled=body["isEnabled"], body=body,
        created_at=now, state=PENDING if body["isEnabled"] else DISABLED, changed_at=now,
    )  # fmt: skip
    schedule.asset = target
    session.add(schedule)
    await session.flush()
    session.info.pop(_SCHEDULED, None)
    await control(session, executor, target, now)
    return schedule


async def get_schedule(session: AsyncSession, client_id: str, schedule_id: str) -> Schedule:
    schedule = await session.scalar(
        select(Schedule).where(Schedule.client_id == client_id, Schedule.id == schedule_id)
    )
    if schedule is None:
        raise NotFound(f"No schedule with id {schedule_id}.")
    return schedule


async def list_schedules(session: AsyncSession, user: User, page: PageRequest) -> Page[Schedule]:
    query = select(Schedule).where(
        Schedule.client_id == user.client_id, Schedule.user_pk == user.pk
    )
    return await paginate(session, query, Schedule.pk, page)


async def update_schedule(
    session: AsyncSession,
    executor: actions.Executor,
    schedule: Schedule,
    changes: dict[str, Any],
    now: datetime,
) -> Schedule:
    body = {**schedule.body, **changes}
    if TARGET_TYPES.get(body["targetType"]) != schedule.kind:
        raise BadRequest(
            f"A {schedule.kind.lower()} schedule cannot target a {body['targetType']}."
        )
    user = await session.get(User, schedule.user_pk)
    assert user is not None
    target = await _check(session, user, body, schedule)
    schedule.body, schedule.is_enabled, schedule.asset_pk = body, body["isEnabled"], target.pk
    schedule.asset = target
    schedule.action_id = None
    session.info.pop(_SCHEDULED, None)
    await control(session, executor, target, now, [schedule])
    return schedule


async def delete_schedule(session: AsyncSession, schedule: Schedule) -> None:
    await session.delete(schedule)
    await session.flush()
    session.info.pop(_SCHEDULED, None)


async def controls(session: AsyncSession, asset: Asset) -> bool:
    """Whether an enabled schedule drives the device (control calls would fight it)."""
    found = await session.scalar(
        select(Schedule.pk).where(Schedule.asset_pk == asset.pk, Schedule.is_enabled).limit(1)
    )
    return found is not None


async def scheduled_assets(session: AsyncSession, client_id: str) -> set[int]:
    """The client's devices with an enabled schedule (asked once per transaction)."""
    known: dict[str, set[int]] = session.info.setdefault(_SCHEDULED, {})
    if client_id not in known:
        known[client_id] = set(
            await session.scalars(
                select(Schedule.asset_pk).where(
                    Schedule.client_id == client_id, Schedule.is_enabled
                )
            )
        )
    return known[client_id]


# --- status and execution -------------------------------------------------------


async def _zone(session: AsyncSession, schedule: Schedule) -> ZoneInfo:
    location_id = schedule.body.get("locationId") or schedule.asset.location_id
    if location_id is not None:
        location = await session.scalar(select(Location).where(Location.id == location_id))
        if location is not None:
            return ZoneInfo(location.timezone_name)
    return ZoneInfo("UTC")


def _charge_parts(asset: Asset, should: bool) -> dict[str, bool]:
    state = asset.document.get("chargeState") or {}
    level, limit = state.get("batteryLevel"), state.get("chargeLimit")
    needs = asset.asset_type != "vehicle" or (
        level is not None and limit is not None and level < limit - FULL_MARGIN
    )
    return {"needsCharge": bool(needs), "isPluggedIn": bool(state.get("isPluggedIn")),
            "shouldCharge": bool(should)}  # fmt: skip


def _current_target(asset: Asset) -> dict[str, Any] | None:
    thermostat = asset.document.get("thermostatState") or {}
    mode, hold = thermostat.get("mode"), thermostat.get("holdType")
    if hold == "SCHEDULED":
        return {"holdType": "SCHEDULED"}
    if mode in (None, "UNKNOWN"):
        return None
    current: dict[str, Any] = {"mode": mode, "holdType": "PERMANENT"}
    if mode in ("HEAT", "AUTO"):
        current["heatSetpoint"] = thermostat.get("heatSetpoint")
    if mode in ("COOL", "AUTO"):
        current["coolSetpoint"] = thermostat.get("coolSetpoint")
    return current


def _aligned_temperature(current: dict[str, Any] | None, expected: dict[str, Any]) -> bool:
    if current is None:
        return False
    if expected.get("holdType") == "SCHEDULED":
        return current.get("holdType") == "SCHEDULED"
    return all(current.get(key) == value for key, value in expected.items())


async def status_json(session: AsyncSession, schedule: Schedule, at: datetime) -> dict[str, Any]:
    zone = await _zone(session, schedule)
    local = at.astimezone(zone)
    upcoming = transitions(schedule.body, schedule.kind, zone, at)
    if schedule.kind == CHARGE:
        parts = _charge_parts(schedule.asset, wanted(schedule.body, CHARGE, local))
        state = schedule.asset.document.get("chargeState") or {}
        return {
            "scheduleId": schedule.id,
            "scheduleType": CHARGE,
            "changedAt": iso(schedule.changed_at),
            "state": schedule.state,
            "isCharging": bool(state.get("isCharging")),
            "isChargingExpected": all(parts.values()),
            "isChargingExpectedParts": parts,
            "upcomingTransitions": [{"at": iso(t), "shouldCharge": v} for t, v in upcoming],
            "smartOverride": None,
        }
    return {
        "scheduleId": schedule.id,
        "scheduleType": TEMPERATURE,
        "changedAt": iso(schedule.changed_at),
        "state": schedule.state,
        "current": _current_target(schedule.asset),
        "expected": wanted(schedule.body, TEMPERATURE, local),
        "upcomingTransitions": [{"at": iso(t), "target": v} for t, v in upcoming],
    }


async def control(
    session: AsyncSession,
    executor: actions.Executor,
    asset: Asset,
    at: datetime,
    only: list[Schedule] | None = None,
) -> Step:
    """Looks at the device at `at` and takes its schedule's next step."""
    step = Step()
    schedules = only if only is not None else list(
        await session.scalars(select(Schedule).where(Schedule.asset_pk == asset.pk))
    )  # fmt: skip
    for schedule in schedules:
        schedule.asset = asset
        before = await status_json(session, schedule, at)
        state = await _execute(session, executor, schedule, at, step)
        if state != schedule.state:
            schedule.state, schedule.changed_at = state, at
        after = await status_json(session, schedule, at)
        changed = [k for k in after if k != "changedAt" and after[k] != before.get(k)]
        if changed:
            await schedule_events.execution_updated(session, schedule, after, changed, at)
    return step


async def _execute(
    session: AsyncSession,
    executor: actions.Executor,
    schedule: Schedule,
    at: datetime,
    step: Step,
) -> str:
    if not schedule.is_enabled:
        return DISABLED
    asset = schedule.asset
    zone = await _zone(session, schedule)
    upcoming = transitions(schedule.body, schedule.kind, zone, at)
    if upcoming:
        step.next_check_at = upcoming[0][0]
    local = at.astimezone(zone)
    if schedule.kind == CHARGE:
        parts = _charge_parts(asset, wanted(schedule.body, CHARGE, local))
        if await _overridden(session, asset):
            return "INACTIVE:OVERRIDDEN"
        expected = all(parts.values())
        charging = bool((asset.document.get("chargeState") or {}).get("isCharging"))
        if charging == expected:
            return ALIGNED
        if not parts["isPluggedIn"]:
            return ALIGNED  # nothing to do until it is plugged in
        kind, target = "charging", {"action": "START" if expected else "STOP"}
    else:
        goal = wanted(schedule.body, TEMPERATURE, local)
        if _aligned_temperature(_current_target(asset), goal):
            return ALIGNED
        if goal.get("holdType") == "SCHEDULED":
            kind, target = "follow_schedule", {}
        else:
            kind, target = "permanent_hold", {k: v for k, v in goal.items() if k != "holdType"}
    last = await _last_action(session, schedule.action_id)
    if last is not None and last.kind == kind and last.target == target:
        if last.state == actions.PENDING:
            return PENDING
        if last.state == actions.FAILED:
            return MISALIGNED  # the device refused: not asked again until the next change
    try:
        action = await actions.create(session, executor, asset, kind, target, at)
    except BadRequest:
        return MISALIGNED
    schedule.action_id = action.id
    step.actions.append(action)
    return PENDING


async def _last_action(session: AsyncSession, action_id: str | None) -> Action | None:
    if action_id is None:
        return None
    return await session.scalar(select(Action).where(Action.id == action_id))


async def _overridden(session: AsyncSession, asset: Asset) -> bool:
    if asset.asset_type != "vehicle":
        return False
    status = await session.get(SmartChargingStatus, asset.pk)
    override = status.override if status is not None else None
    return bool(override and override.get("endedAt") is None)
