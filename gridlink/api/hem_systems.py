"""HEM systems (beta). The sandbox simulates none yet, so every list is empty
and every lookup a 404: the truthful answer for a client without any."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from gridlink.api.pagination import PageDep, page_json
from gridlink.api.responses import json_response
from gridlink.api.users import UserId
from gridlink.auth.dependencies import CallerDep, api_version
from gridlink.context import context_of
from gridlink.domain import users
from gridlink.domain.errors import NotFound
from gridlink.domain.pagination import Page

router = APIRouter(tags=["HEM Systems"])
_EMPTY: Page[object] = Page(items=[], after=None, before=None)


@router.get("/hem-systems", summary="List HEM systems")
async def list_hem_systems(request: Request, caller: CallerDep, page: PageDep) -> Response:
    return json_response(page_json([], _EMPTY), api_version(request, caller))


@router.get("/users/{userId}/hem-systems", summary="List user HEM systems")
async def list_user_hem_systems(
    request: Request,
    caller: CallerDep,
    userId: UserId,
    page: PageDep,  # noqa: N803
) -> Response:
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        await users.get_user(session, caller.client_id, userId)
    return json_response(page_json([], _EMPTY), version)


@router.get("/hem-systems/{hemSystemId}", summary="Get HEM system")
async def get_hem_system(request: Request, caller: CallerDep, hemSystemId: str) -> Response:  # noqa: N803
    api_version(request, caller)
    raise NotFound(f"No HEM system with id {hemSystemId}.")
