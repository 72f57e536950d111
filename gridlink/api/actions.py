"""Control calls and their actions, for every asset type that takes commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from gridlink.api.responses import json_response
from gridlink.auth.caller import Caller
from gridlink.auth.dependencies import CallerDep, api_version
from gridlink.context import Context, context_of
from gridlink.db.tables import SmartChargingStatus
from gridlink.domain import actions, assets, schedules, smart_charging
from gridlink.domain.asset_kinds import KINDS, AssetKind
from gridlink.openapi import models
from gridlink.openapi.kinds import CONTROLS
from gridlink.openapi.kinds import KINDS as DOCS
from gridlink.openapi.responses import answers
from gridlink.wire.actions import (
    ChargingPayload,
    MaxCurrentPayload,
    OperationModePayload,
    PermanentHoldPayload,
    action_json,
)

router = APIRouter()


async def _control(
    request: Request, caller: Caller, kind: AssetKind, command: str, target: dict[str, Any]
) -> Response:
    version = api_version(request, caller)
    context = context_of(request)
    async with context.db.session() as session:
        asset = await assets.get_asset(
            session, caller.client_id, kind, request.path_params[kind.id_param]
        )
        if await schedules.controls(session, asset):
            raise schedules.ControlledBySchedule(
                f"A schedule controls this {kind.name}; disable it or use a smart override."
            )
        if command == "charging":
            status = await session.get(SmartChargingStatus, asset.pk)
            if smart_charging.is_controlling(status):
                raise smart_charging.ControlledBySmartCharging(
                    f"A smart charging plan controls this {kind.name}; use a smart override "
                    "or disable smart charging first."
                )
        action = await actions.create(session, context.executor, asset, command, target)
        body = action_json(action)
    return json_response(body, version)


def _action_routes(kind: AssetKind) -> None:
    async def get_action(request: Request, caller: CallerDep, actionId: str) -> Response:  # noqa: N803
        version = api_version(request, caller)
        async with context_of(request).db.session() as session:
            action = await actions.get(session, caller.client_id, kind.name, actionId)
            body = action_json(action)
        return json_response(body, version)

    async def cancel_action(request: Request, caller: CallerDep, actionId: str) -> Response:  # noqa: N803
        version = api_version(request, caller)
        context: Context = context_of(request)
        async with context.db.session() as session:
            try:
                action = await actions.cancel(
                    session, context.executor, caller.client_id, kind.name, actionId
                )
                status = 200
            except actions.Conflict as conflict:
                # Already resolved: answer with the action as it stands.
                action, status = conflict.action, 409
            body = action_json(action)
        return json_response(body, version, status=status)

    tags: list[str | Any] = [kind.tag]
    docs = DOCS[kind.name]
    router.add_api_route(
        f"/{kind.plural}/actions/{{actionId}}",
        get_action,
        methods=["GET"],
        tags=tags,
        summary=f"Get {kind.name} action",
        operation_id=docs.get_action,
        responses=answers(docs.action, 404),
    )
    already = {"model": docs.action, "description": "The action had already ended; as it is."}
    router.add_api_route(
        f"/{kind.plural}/actions/{{actionId}}/cancel",
        cancel_action,
        methods=["POST"],
        tags=tags,
        summary=f"Cancel {kind.name} action",
        operation_id=docs.cancel_action,
        responses=answers(docs.action, 404, extra={409: already}),
    )


def _charging_routes(kind: AssetKind) -> None:
    async def charging(request: Request, caller: CallerDep, payload: ChargingPayload) -> Response:
        return await _control(request, caller, kind, "charging", {"action": payload.action})

    async def max_current(
        request: Request, caller: CallerDep, payload: MaxCurrentPayload
    ) -> Response:
        return await _control(
            request, caller, kind, "max_current", {"maxCurrent": payload.maxCurrent}
        )

    one = f"/{kind.plural}/{{{kind.id_param}}}"
    tags: list[str | Any] = [kind.tag]
    router.add_api_route(
        f"{one}/charging",
        charging,
        methods=["POST"],
        tags=tags,
        summary=f"Control {kind.name} charging",
        operation_id=CONTROLS[(kind.name, "charging")],
        responses=answers(models.ChargeAction, 404, 422),
    )
    router.add_api_route(f"{one}/max-current", max_current, methods=["POST"], tags=tags,
                         summary=f"Set {kind.name} max current",
                         operation_id=CONTROLS[(kind.name, "max_current")],
                         responses=answers(models.MaxCurrentAction, 404, 422))  # fmt: skip


def _hvac_routes(kind: AssetKind) -> None:
    async def permanent_hold(
        request: Request, caller: CallerDep, payload: PermanentHoldPayload
    ) -> Response:
        target = payload.model_dump()
        return await _control(request, caller, kind, "permanent_hold", target)

    async def follow_schedule(request: Request, caller: CallerDep) -> Response:
        return await _control(request, caller, kind, "follow_schedule", {})

    one = f"/{kind.plural}/{{{kind.id_param}}}"
    tags: list[str | Any] = [kind.tag]
    router.add_api_route(
        f"{one}/permanent-hold",
        permanent_hold,
        methods=["POST"],
        tags=tags,
        summary="Set HVAC permanent hold",
        operation_id=CONTROLS[(kind.name, "permanent_hold")],
        responses=answers(models.HvacAction, 404, 422),
    )
    router.add_api_route(f"{one}/follow-schedule", follow_schedule, methods=["POST"],
                         tags=tags, summary="Return HVAC to its schedule",
                         operation_id=CONTROLS[(kind.name, "follow_schedule")],
                         responses=answers(models.HvacAction, 404, 422))  # fmt: skip


def _battery_routes(kind: AssetKind) -> None:
    async def operation_mode(
        request: Request, caller: CallerDep, payload: OperationModePayload
    ) -> Response:
        target = {"operationMode": payload.operationMode}
        return await _control(request, caller, kind, "operation_mode", target)

    router.add_api_route(
        f"/{kind.plural}/{{{kind.id_param}}}/operation-mode",
        operation_mode,
        methods=["POST"],
        tags=[kind.tag],
        summary="Set battery operation mode",
        operation_id=CONTROLS[(kind.name, "operation_mode")],
        responses=answers(models.BatteryAction, 404, 422),
    )


ROUTES: dict[str, list[Callable[[AssetKind], None]]] = {
    "vehicle": [_action_routes, _charging_routes],
    "charger": [_action_routes, _charging_routes],
    "hvac": [_action_routes, _hvac_routes],
    "battery": [_action_routes, _battery_routes],
}
for _name, _adders in ROUTES.items():
    for _add in _adders:
        _add(KINDS[_name])
