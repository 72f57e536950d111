"""HEM systems (beta): a user's inverters, batteries and meters of one vendor,
seen as one site, and its energy statistics."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from gridlink.api.pagination import PageDep, page_json
from gridlink.api.responses import json_response
from gridlink.api.users import UserId
from gridlink.auth.dependencies import CallerDep, api_version
from gridlink.context import context_of
from gridlink.domain import hem_systems, users
from gridlink.domain.clock import now as client_now
from gridlink.openapi import models
from gridlink.openapi.responses import answers
from gridlink.wire.hem_systems import hem_system_json

router = APIRouter(tags=["HEM Systems"])


@router.get(
    "/hem-systems",
    summary="List HEM systems",
    operation_id="listHems",
    responses=answers(models.HemSystemPage),
)
# The `enode` SDK (0.2.6) asks for "/hem-systems/": answered, not redirected.
@router.get("/hem-systems/", include_in_schema=False)
async def list_hem_systems(request: Request, caller: CallerDep, page: PageDep) -> Response:
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        result = await hem_systems.list_hem_systems(session, caller.client_id, page)
        now = await client_now(session, caller.client_id)
        data = [await hem_system_json(session, system, now) for system in result.items]
    return json_response(page_json(data, result), version)


@router.get(
    "/users/{userId}/hem-systems",
    summary="List user HEM systems",
    operation_id="listHemsForUser",
    responses=answers(models.HemSystemPage, 404),
)
async def list_user_hem_systems(
    request: Request,
    caller: CallerDep,
    userId: UserId,
    page: PageDep,  # noqa: N803
) -> Response:
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        user = await users.get_user(session, caller.client_id, userId)
        result = await hem_systems.list_hem_systems(session, caller.client_id, page, user)
        now = await client_now(session, caller.client_id)
        data = [await hem_system_json(session, system, now) for system in result.items]
    return json_response(page_json(data, result), version)


@router.get(
    "/hem-systems/{hemSystemId}",
    summary="Get HEM system",
    operation_id="getHemsById",
    responses=answers(models.HemSystem, 404),
)
async def get_hem_system(request: Request, caller: CallerDep, hemSystemId: str) -> Response:  # noqa: N803
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        system = await hem_systems.get_hem_system(session, caller.client_id, hemSystemId)
        body = await hem_system_json(session, system, await client_now(session, caller.client_id))
    return json_response(body, version)


@router.get(
    "/hem-systems/{hemSystemId}/statistics",
    summary="Get HEM System Statistics",
    operation_id="getHemsStatistics",
    responses=answers(models.HemStatistics, 404),
)
async def hem_statistics(
    request: Request,
    caller: CallerDep,
    hemSystemId: str,  # noqa: N803
    interval: str,
) -> Response:
    version = api_version(request, caller)
    hem_systems.parse_interval(interval)  # a malformed interval is a 400 before any lookup
    async with context_of(request).db.session() as session:
        system = await hem_systems.get_hem_system(session, caller.client_id, hemSystemId)
        now = await client_now(session, caller.client_id)
        body = await hem_systems.statistics(session, system, interval, now)
    return json_response(body, version)
