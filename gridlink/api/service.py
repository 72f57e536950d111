"""Service health, integrations and interventions: what can be linked and
what users may need to do."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from gridlink.api.responses import json_response
from gridlink.auth.dependencies import CallerDep, api_version
from gridlink.domain import interventions
from gridlink.domain.asset_kinds import KINDS
from gridlink.domain.errors import BadRequest, NotFound
from gridlink.domain.vendors import ASSET_TYPES, SCOPES, VENDORS, display_name
from gridlink.openapi import models
from gridlink.openapi.kinds import KINDS as DOCS
from gridlink.openapi.responses import answers

router = APIRouter()
INTERVENTION_LANGUAGES = (
    "en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "ja-JP", "pt-PT", "lv-LV", "lt-LT", "nl-NL",
    "nl-BE", "nb-NO", "pl-PL", "sv-SE", "da-DK", "fi-FI", "ro-RO",
)  # fmt: skip


def _health(vendor: str) -> dict[str, Any]:
    return {
        "vendor": vendor,
        "displayName": display_name(vendor),
        "status": "READY",
        "portalName": display_name(vendor),
        "linkingStatus": "READY",
    }


def _add_health(asset_type: str) -> None:
    async def health(request: Request, caller: CallerDep) -> Response:
        version = api_version(request, caller)
        return json_response([_health(v) for v in VENDORS[asset_type]], version)

    router.add_api_route(
        f"/health/{KINDS[asset_type].plural}", health, methods=["GET"],
        tags=["Service Health"], summary=f"Check available {KINDS[asset_type].plural}",
        operation_id=DOCS[asset_type].health, responses=answers(list[models.VendorHealth]),
    )  # fmt: skip


for _type in ASSET_TYPES:
    _add_health(_type)


@router.get(
    "/integrations",
    tags=["Service Health"],
    summary="List integrations",
    operation_id="getIntegrations",
    responses=answers(list[models.Integration]),
)
async def integrations(
    request: Request,
    caller: CallerDep,
    assetTypes: Annotated[str, Query()] = ",".join(ASSET_TYPES),  # noqa: N803
) -> Response:
    version = api_version(request, caller)
    wanted = [t.strip() for t in assetTypes.split(",") if t.strip()]
    unknown = [t for t in wanted if t not in ASSET_TYPES]
    if unknown:
        raise BadRequest(f"Unknown asset types: {', '.join(unknown)}.")
    vendors: dict[str, list[str]] = {}
    for asset_type in wanted:
        for vendor in VENDORS[asset_type]:
            vendors.setdefault(vendor, []).append(asset_type)
    body = [
        {
            **_health(vendor),
            "assetTypes": types,
            "scopes": [s for s in SCOPES if s.split(":")[0] in types],
        }
        for vendor, types in sorted(vendors.items())
    ]
    return json_response(body, version)


def _language(language: str | None) -> str:
    if language is not None and language not in INTERVENTION_LANGUAGES:
        raise BadRequest(f"language must be one of {', '.join(INTERVENTION_LANGUAGES)}.")
    return language or "en-US"


@router.get(
    "/interventions",
    tags=["Interventions"],
    summary="List interventions",
    operation_id="listInterventions",
    responses=answers(list[models.Intervention]),
)
async def list_interventions(
    request: Request,
    caller: CallerDep,
    language: Annotated[str | None, Query()] = None,
    vendorType: Annotated[str | None, Query()] = None,  # noqa: N803
    vendor: Annotated[str | None, Query()] = None,
) -> Response:
    version = api_version(request, caller)
    chosen = _language(language)
    if vendorType is not None and vendorType not in ASSET_TYPES:
        raise BadRequest(f"vendorType must be one of {', '.join(ASSET_TYPES)}.")
    body = [
        interventions.localized(i, chosen)
        for i in interventions.CATALOGUE.values()
        if (vendorType is None or i.vendor_type == vendorType)
        and (vendor is None or i.vendor == vendor)
    ]
    return json_response(body, version)


@router.get(
    "/interventions/{interventionId}",
    tags=["Interventions"],
    summary="Get intervention",
    operation_id="getIntervention",
    responses=answers(models.Intervention, 404),
)
async def get_intervention(
    request: Request,
    caller: CallerDep,
    interventionId: str,  # noqa: N803
    language: Annotated[str | None, Query()] = None,
) -> Response:
    version = api_version(request, caller)
    found = interventions.CATALOGUE.get(interventionId)
    if found is None:
        raise NotFound(f"No intervention with id {interventionId}.")
    return json_response(interventions.localized(found, _language(language)), version)
