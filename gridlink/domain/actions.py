"""Actions: commands to devices, PENDING until the vendor confirms or fails them.

One active action per target: a new one cancels the old, except that a vehicle
reuses an identical pending action. Preconditions known at request time are
refused at once (400); the rest is up to the device.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.changes import mark_changed
from gridlink.db.tables import Action, Asset, VendorConnection
from gridlink.domain.errors import BadRequest, DomainError, NotFound
from gridlink.events import asset_events

PENDING, CONFIRMED, FAILED, CANCELLED = "PENDING", "CONFIRMED", "FAILED", "CANCELLED"

# The scope that allows each kind of command.
CONTROL_SCOPES = {
    "charging": "{type}:control:charging",
    "max_current": "{type}:control:charging",
    "permanent_hold": "hvac:control:mode",
    "follow_schedule": "hvac:control:mode",
    "operation_mode": "battery:control:operation_mode",
}


class Conflict(DomainError):
    """Raised with the action itself, which the API answers with (409)."""

    status = 409
    kind = "conflict"
    title = "Conflict"

    def __init__(self, action: Action) -> None:
        super().__init__(f"Action {action.id} is already {action.state}.")
        self.action = action


class Executor(Protocol):
    """The connector side: can the device do this now, and when will it answer?"""

    async def check(
        self,
        session: AsyncSession,
        asset: Asset,
        kind: str,
        target: dict[str, Any],
        at: datetime | None = None,
    ) -> None: ...

    async def now(self, session: AsyncSession, asset: Asset) -> datetime: ...

    async def submitted(self, session: AsyncSession, action: Action) -> None: ...

    async def wake_at(self, session: AsyncSession, asset: Asset, at: datetime) -> None:
        """Have the device looked at no later than `at` (a plan's next step)."""
        ...

    async def refresh(self, session: AsyncSession, asset: Asset) -> None:
        """Ask the device for its state soon (a refresh hint); never waits for it."""
        ...


def _capability(kind: str, target: dict[str, Any]) -> str:
    """The capability a command needs, as named in the asset's `capabilities`."""
    if kind == "charging":
        return "startCharging" if target["action"] == "START" else "stopCharging"
    if kind == "operation_mode":
        words = str(target["operationMode"]).lower().split("_")
        return words[0] + "".join(w.capitalize() for w in words[1:])
    return {
        "max_current": "setMaxCurrent",
        "permanent_hold": "setPermanentHold",
        "follow_schedule": "setFollowSchedule",
    }[kind]


def action_key(client_id: str, action_id: str) -> str:
    return f"action:{client_id}:{action_id}"


async def _active(session: AsyncSession, asset: Asset) -> Action | None:
    return await session.scalar(
        select(Action).where(Action.asset_pk == asset.pk, Action.state == PENDING)
    )


async def create(
    session: AsyncSession,
    executor: Executor,
    asset: Asset,
    kind: str,
    target: dict[str, Any],
    at: datetime | None = None,
) -> Action:
    """A new PENDING action, sent now (or at `at`: a device's own time, when
    smart charging acts from inside the simulation)."""
    scope = CONTROL_SCOPES[kind].format(type=asset.asset_type)
    if scope not in asset.connection.scopes:
        raise BadRequest(f"The user did not grant the {scope} scope for this {asset.asset_type}.")
    capability = _capability(kind, target)
    capable = asset.document.get("capabilities", {}).get(capability, {}).get("isCapable")
    if capable is False:
        raise BadRequest(
            f"This {asset.asset_type} cannot {capability} now; see its capabilities' "
            "interventions for what the user must do."
        )
    previous = await _active(session, asset)
    if (
        previous is not None
        and asset.asset_type == "vehicle"
        and previous.kind == kind
        and previous.target == target
    ):
        return previous
    await executor.check(session, asset, kind, target, at)
    now = at or await executor.now(session, asset)
    if previous is not None:
        await _resolve(session, previous, CANCELLED, now, {"type": "CONFLICT",
                       "detail": "A newer action for the same target replaced it."})  # fmt: skip
    action = Action(
        id=str(uuid.uuid4()),
        client_id=asset.client_id,
        asset_pk=asset.pk,
        kind=kind,
        target=target,
        state=PENDING,
        failure_reason=None,
        created_at=now,
        updated_at=now,
        completed_at=None,
    )
    action.asset = asset
    session.add(action)
    await session.flush()
    await executor.submitted(session, action)
    return action


async def get(session: AsyncSession, client_id: str, asset_type: str, action_id: str) -> Action:
    action = await session.scalar(
        select(Action)
        .join(Asset, Asset.pk == Action.asset_pk)
        .where(
            Action.client_id == client_id,
            Action.id == action_id,
            Asset.asset_type == asset_type,
        )
    )
    if action is None:
        raise NotFound(f"No {asset_type} action with id {action_id}.")
    return action


async def cancel(
    session: AsyncSession, executor: Executor, client_id: str, asset_type: str, action_id: str
) -> Action:
    action = await get(session, client_id, asset_type, action_id)
    if action.state != PENDING:
        raise Conflict(action)
    reason = {"type": "REQUESTED_CANCELLATION", "detail": "Cancelled through the API."}
    await _resolve(session, action, CANCELLED, await executor.now(session, action.asset), reason)
    return action


async def _resolve(
    session: AsyncSession,
    action: Action,
    state: str,
    at: datetime,
    reason: dict[str, Any] | None,
) -> None:
    action.state = state
    action.failure_reason = reason
    action.updated_at = at
    action.completed_at = at
    await mark_changed(session, action_key(action.client_id, action.id))
    changed = ["state", "updatedAt", "completedAt"] + (["failureReason"] if reason else [])
    await asset_events.action_changed(session, action, at, changed)


async def give_up_stale(
    session: AsyncSession, connector: str, created_before: datetime, now: datetime, detail: str
) -> None:
    """Fails the pending commands to a connector's devices made before `created_before`:
    nobody is carrying them out any more (the process that was stopped)."""
    stale = await session.scalars(
        select(Action)
        .join(Asset, Asset.pk == Action.asset_pk)
        .join(VendorConnection, VendorConnection.pk == Asset.connection_pk)
        .where(
            Action.state == PENDING,
            VendorConnection.connector == connector,
            Action.created_at < created_before,
        )
        # Of several processes sweeping at once, each fails a command once.
        .with_for_update(of=Action, skip_locked=True)
    )
    for action in stale.all():
        await fail(session, action, now, "NO_RESPONSE", detail)


async def confirm(session: AsyncSession, action: Action, at: datetime) -> None:
    await _resolve(session, action, CONFIRMED, at, None)


async def fail(session: AsyncSession, action: Action, at: datetime, kind: str, detail: str) -> None:
    await _resolve(session, action, FAILED, at, {"type": kind, "detail": detail})
