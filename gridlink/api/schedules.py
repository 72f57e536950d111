"""Schedules: the spec's CRUD and status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.responses import Response

from gridlink.api.pagination import PageDep, page_json
from gridlink.api.responses import VERSION_HEADER, json_response
from gridlink.auth.dependencies import CallerDep, api_version
from gridlink.context import context_of
from gridlink.domain import schedules, users
from gridlink.domain.clock import now as client_now
from gridlink.events.schedule_events import schedule_json
from gridlink.openapi import models
from gridlink.openapi.responses import answers
from gridlink.wire.schedules import PARTIAL, NewSchedule, stored

router = APIRouter(tags=["Schedules"])


def _body(schema: dict[str, object]) -> dict[str, object]:
    """Documents the JSON body a route parses itself (by schedule kind)."""
    return {"requestBody": {"content": {"application/json": {"schema": schema}}}}


_NEW = _body({"$ref": "#/components/schemas/NewSchedule"})
_CHANGES = _body(
    {
        "oneOf": [
            {"$ref": "#/components/schemas/ChargeScheduleUpdate"},
            {"$ref": "#/components/schemas/TemperatureScheduleUpdate"},
        ],
        "description": "The fields to change; which ones apply depends on the schedule's kind.",
    }
)


def _parse(adapter: TypeAdapter[Any], payload: Any) -> BaseModel:
    try:
        model: BaseModel = adapter.validate_python(payload)
    except ValidationError as error:
        raise RequestValidationError(error.errors()) from None
    return model


@router.get(
    "/users/{userId}/schedules",
    summary="List Schedules",
    operation_id="getSchedules",
    responses=answers(models.SchedulePage, 404),
)
async def list_schedules(
    request: Request,
    caller: CallerDep,
    userId: str,  # noqa: N803
    page: PageDep,
) -> Response:
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        user = await users.get_user(session, caller.client_id, userId)
        result = await schedules.list_schedules(session, user, page)
    return json_response(page_json([schedule_json(s) for s in result.items], result), version)


@router.post(
    "/users/{userId}/schedules",
    summary="Create Schedule",
    operation_id="createSchedule",
    responses=answers(models.Schedule, 404),
    openapi_extra=_NEW,
)
async def create_schedule(
    request: Request,
    caller: CallerDep,
    userId: str,  # noqa: N803
    payload: Any = Body(),  # noqa: B008 - FastAPI's way to take a raw JSON body
) -> Response:
    version = api_version(request, caller)
    body = stored(_parse(NewSchedule, payload))
    context = context_of(request)
    async with context.db.session() as session:
        user = await users.get_user(session, caller.client_id, userId)
        now = await client_now(session, caller.client_id)
        schedule = await schedules.create_schedule(session, context.executor, user, body, now)
        answer = schedule_json(schedule)
    return json_response(answer, version)


@router.get(
    "/schedules/{scheduleId}",
    summary="Get Schedule",
    operation_id="getSchedule",
    responses=answers(models.Schedule, 404),
)
async def get_schedule(request: Request, caller: CallerDep, scheduleId: str) -> Response:  # noqa: N803
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        schedule = await schedules.get_schedule(session, caller.client_id, scheduleId)
        answer = schedule_json(schedule)
    return json_response(answer, version)


@router.put(
    "/schedules/{scheduleId}",
    summary="Update Schedule",
    operation_id="updateSchedule",
    responses=answers(models.Schedule, 404),
    openapi_extra=_CHANGES,
)
async def update_schedule(
    request: Request,
    caller: CallerDep,
    scheduleId: str,  # noqa: N803
    payload: Any = Body(),  # noqa: B008
) -> Response:
    version = api_version(request, caller)
    context = context_of(request)
    async with context.db.session() as session:
        schedule = await schedules.get_schedule(session, caller.client_id, scheduleId)
        changes = stored(_parse(PARTIAL[schedule.kind], payload))
        # What the schedule becomes must be whole: only locationId may be null.
        _parse(NewSchedule, {**schedule.body, **changes})
        now = await client_now(session, caller.client_id)
        await schedules.update_schedule(session, context.executor, schedule, changes, now)
        answer = schedule_json(schedule)
    return json_response(answer, version)


@router.delete(
    "/schedules/{scheduleId}",
    status_code=204,
    summary="Delete Schedule",
    operation_id="deleteSchedule",
    responses=answers(None, 404, status=204, description="The schedule is gone."),
)
async def delete_schedule(request: Request, caller: CallerDep, scheduleId: str) -> Response:  # noqa: N803
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        schedule = await schedules.get_schedule(session, caller.client_id, scheduleId)
        await schedules.delete_schedule(session, schedule)
    return Response(status_code=204, headers={VERSION_HEADER: version})


@router.get(
    "/schedules/{scheduleId}/status",
    summary="Get Schedule Status",
    operation_id="getScheduleStatus",
    responses=answers(models.ScheduleStatus, 404),
)
async def schedule_status(request: Request, caller: CallerDep, scheduleId: str) -> Response:  # noqa: N803
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        schedule = await schedules.get_schedule(session, caller.client_id, scheduleId)
        now = await client_now(session, caller.client_id)
        answer = await schedules.status_json(session, schedule, now)
    return json_response(answer, version)
