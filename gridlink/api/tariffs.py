"""Tariffs: named rates, and which applies at a location when."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from gridlink.api.responses import VERSION_HEADER, json_response
from gridlink.auth.dependencies import CallerDep, api_version
from gridlink.context import context_of
from gridlink.domain import locations, tariffs
from gridlink.openapi import models
from gridlink.openapi.responses import answers
from gridlink.wire.tariffs import LocationTariffPayload, TariffPayload, location_schedule_json

router = APIRouter(tags=["Tariffs"])

TariffIdPath = Annotated[str, Path(pattern=r"^[\w-]+$", max_length=36)]


@router.put(
    "/tariffs/{tariffId}",
    status_code=204,
    summary="Create a Tariff",
    operation_id="sendTariffInformation",
    responses=answers(None, status=204, description="The tariff's rates are stored."),
)
async def put_tariff(
    request: Request,
    caller: CallerDep,
    tariffId: TariffIdPath,  # noqa: N803
    payload: TariffPayload,
) -> Response:
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        await tariffs.put_tariff(
            session, caller.client_id, tariffId, payload.rates(), datetime.now(UTC)
        )
    return Response(status_code=204, headers={VERSION_HEADER: version})


@router.get(
    "/tariffs/{tariffId}",
    summary="Get Tariff",
    operation_id="getTariffInformation",
    responses=answers(list[models.Rate], 404),
)
async def get_tariff(request: Request, caller: CallerDep, tariffId: TariffIdPath) -> Response:  # noqa: N803
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        tariff = await tariffs.get_tariff(session, caller.client_id, tariffId)
    return json_response(tariff.rates, version)


@router.put(
    "/locations/{locationId}/tariff",
    status_code=204,
    summary="Link Tariff to Location",
    operation_id="associateUserLocationWithTariff",
    responses=answers(None, 404, status=204, description="The location uses the tariff."),
)
async def link_location_tariff(
    request: Request,
    caller: CallerDep,
    locationId: str,  # noqa: N803
    payload: LocationTariffPayload,
) -> Response:
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        await tariffs.link_location(
            session, caller.client_id, locationId, payload.tariffId, payload.intervals(),
            datetime.now(UTC),
        )  # fmt: skip
    return Response(status_code=204, headers={VERSION_HEADER: version})


@router.get(
    "/locations/{locationId}/tariff",
    summary="Get Tariff Schedule",
    operation_id="getUserLocationTariff",
    responses=answers(list[models.TariffScheduleEntry], 404),
)
async def get_location_tariff(request: Request, caller: CallerDep, locationId: str) -> Response:  # noqa: N803
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        location = await locations.get_location(session, caller.client_id, locationId)
        body = location_schedule_json(await tariffs.location_tariff(session, location))
    return json_response(body, version)
