"""Locations: the spec's full CRUD."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from gridlink.api.pagination import PageDep, page_json
from gridlink.api.responses import json_response
from gridlink.api.users import UserId
from gridlink.auth.dependencies import CallerDep, api_version
from gridlink.context import context_of
from gridlink.domain import locations, users
from gridlink.openapi import models
from gridlink.openapi.responses import answers
from gridlink.wire.locations import LocationPayload, PartialLocation, location_json

router = APIRouter(tags=["Locations"])


@router.get(
    "/locations",
    summary="List Locations",
    operation_id="getLocations",
    responses=answers(models.LocationPage),
)
async def list_locations(request: Request, caller: CallerDep, page: PageDep) -> Response:
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        result = await locations.list_locations(session, caller.client_id, page)
    return json_response(page_json([location_json(x) for x in result.items], result), version)


@router.get(
    "/users/{userId}/locations",
    summary="List User Locations",
    operation_id="getUserlocations",
    responses=answers(models.LocationPage, 404),
)
async def list_user_locations(
    request: Request,
    caller: CallerDep,
    userId: UserId,
    page: PageDep,  # noqa: N803
) -> Response:
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        user = await users.get_user(session, caller.client_id, userId)
        result = await locations.list_locations(session, caller.client_id, page, user)
    return json_response(page_json([location_json(x) for x in result.items], result), version)


@router.post(
    "/users/{userId}/locations",
    summary="Create Location",
    operation_id="createLocation",
    responses=answers(models.Location, 404),
)
async def create_location(
    request: Request,
    caller: CallerDep,
    userId: UserId,
    payload: LocationPayload,  # noqa: N803
) -> Response:
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        user = await users.get_user(session, caller.client_id, userId)
        location = await locations.create_location(session, user, payload.fields())
        body = location_json(location)
    return json_response(body, version)


@router.get(
    "/locations/{locationId}",
    summary="Get Location",
    operation_id="getLocation",
    responses=answers(models.Location, 404),
)
async def get_location(request: Request, caller: CallerDep, locationId: str) -> Response:  # noqa: N803
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        location = await locations.get_location(session, caller.client_id, locationId)
        body = location_json(location)
    return json_response(body, version)


@router.put(
    "/locations/{locationId}",
    summary="Update Location",
    operation_id="updateLocation",
    responses=answers(models.Location, 404),
)
async def update_location(
    request: Request,
    caller: CallerDep,
    locationId: str,
    payload: PartialLocation,  # noqa: N803
) -> Response:
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        location = await locations.update_location(
            session, caller.client_id, locationId, payload.fields()
        )
        body = location_json(location)
    return json_response(body, version)


@router.delete(
    "/locations/{locationId}",
    summary="Delete Location",
    operation_id="deleteLocation",
    responses=answers(models.Location, 404, description="The location, as it was."),
)
async def delete_location(request: Request, caller: CallerDep, locationId: str) -> Response:  # noqa: N803
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        location = await locations.delete_location(session, caller.client_id, locationId)
        body = location_json(location)
    return json_response(body, version)
