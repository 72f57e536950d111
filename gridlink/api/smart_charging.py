"""A vehicle's smart charging: policy, status, plans and smart override."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from gridlink.api.responses import json_response
from gridlink.auth.caller import Caller
from gridlink.auth.dependencies import CallerDep, api_version
from gridlink.context import context_of
from gridlink.db.tables import Asset, SmartChargingStatus
from gridlink.domain import assets, smart_charging
from gridlink.domain.actions import Executor
from gridlink.domain.asset_kinds import KINDS
from gridlink.openapi import models
from gridlink.openapi.responses import answers
from gridlink.wire.smart_charging import PolicyPayload, override_json, plan_json, status_json

router = APIRouter(tags=["Vehicles"])
VEHICLE = KINDS["vehicle"]


async def _vehicle(session: AsyncSession, caller: Caller, vehicle_id: str) -> Asset:
    return await assets.get_asset(session, caller.client_id, VEHICLE, vehicle_id)


def _override_body(asset: Asset, status: SmartChargingStatus) -> dict[str, object]:
    body = override_json(asset, status) or {}
    return {**body, "userId": asset.user.user_id, "vendor": asset.vendor}


@router.get(
    "/vehicles/{vehicleId}/smart-charging-policy",
    summary="Get Vehicle Smart Charging Policy",
    operation_id="getVehiclesVehicleidSmartchargingpolicy",
    responses=answers(models.SmartChargingPolicy, 404),
)
async def get_policy(request: Request, caller: CallerDep, vehicleId: str) -> Response:  # noqa: N803
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        vehicle = await _vehicle(session, caller, vehicleId)
        body = smart_charging.policy_of(vehicle)
    return json_response(body, version)


@router.put(
    "/vehicles/{vehicleId}/smart-charging-policy",
    summary="Update Vehicle Smart Charging Policy",
    operation_id="updateVehicleSmartChargingPolicy",
    responses=answers(models.SmartChargingPolicy, 404),
)
async def put_policy(
    request: Request,
    caller: CallerDep,
    vehicleId: str,  # noqa: N803
    payload: PolicyPayload,
) -> Response:
    version = api_version(request, caller)
    context = context_of(request)
    async with context.db.session() as session:
        vehicle = await _vehicle(session, caller, vehicleId)
        now = await context.executor.now(session, vehicle)
        body = await smart_charging.update_policy(
            session, context.executor, vehicle, payload.changes(), now
        )
    return json_response(body, version)


@router.get(
    "/vehicles/{vehicleId}/smart-charging-status",
    summary="Get Vehicle Smart Charging Status",
    operation_id="getVehiclesVehicleidSmartchargingstatus",
    responses=answers(models.SmartChargingStatus, 404),
)
async def get_status(request: Request, caller: CallerDep, vehicleId: str) -> Response:  # noqa: N803
    version = api_version(request, caller)
    context = context_of(request)
    async with context.db.session() as session:
        vehicle = await _vehicle(session, caller, vehicleId)
        status = await smart_charging.status_of(
            session, vehicle, await context.executor.now(session, vehicle)
        )
        location = await smart_charging.charging_location(session, vehicle)
        body = status_json(
            vehicle, status, smart_charging.consideration(vehicle, location is not None)
        )
    return json_response(body, version)


@router.get(
    "/vehicles/{vehicleId}/smart-charging-plans/{smartChargingPlanId}",
    summary="Get Smart Charging Plan",
    operation_id="getVehiclesVehicleidSmartchargingplans",
    responses=answers(models.SmartChargingPlan, 404),
)
async def get_plan(
    request: Request,
    caller: CallerDep,
    vehicleId: str,  # noqa: N803
    smartChargingPlanId: str,  # noqa: N803
) -> Response:
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        vehicle = await _vehicle(session, caller, vehicleId)
        plan = await smart_charging.get_plan(session, vehicle, smartChargingPlanId)
        body = plan_json(vehicle, plan)
    return json_response(body, version)


@router.post(
    "/vehicles/{vehicleId}/smart-override",
    summary="Create Smart Override",
    operation_id="vehicleCreateSmartOverride",
    responses=answers(models.VehicleSmartOverride, 404),
)
async def create_override(request: Request, caller: CallerDep, vehicleId: str) -> Response:  # noqa: N803
    return await _change_override(request, caller, vehicleId, smart_charging.create_override)


@router.delete(
    "/vehicles/{vehicleId}/smart-override",
    summary="End Smart Override",
    operation_id="vehicleEndSmartOverride",
    responses=answers(models.VehicleSmartOverride, 404),
)
async def end_override(request: Request, caller: CallerDep, vehicleId: str) -> Response:  # noqa: N803
    return await _change_override(request, caller, vehicleId, smart_charging.end_override)


OverrideChange = Callable[[AsyncSession, Executor, Asset, datetime], Awaitable[SmartChargingStatus]]


async def _change_override(
    request: Request, caller: Caller, vehicle_id: str, change: OverrideChange
) -> Response:
    version = api_version(request, caller)
    context = context_of(request)
    async with context.db.session() as session:
        vehicle = await _vehicle(session, caller, vehicle_id)
        now = await context.executor.now(session, vehicle)
        status = await change(session, context.executor, vehicle, now)
        body = _override_body(vehicle, status)
    return json_response(body, version)
