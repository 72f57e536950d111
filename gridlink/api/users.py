"""User Management: users, their linked vendors, and Link sessions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from gridlink.api.pagination import PageDep, page_json
from gridlink.api.responses import cached_json, json_response, no_content
from gridlink.auth.caller import Caller
from gridlink.auth.dependencies import CallerDep, api_version
from gridlink.context import context_of
from gridlink.db.changes import user_key
from gridlink.db.tables import Asset, Client, User, VendorConnection
from gridlink.domain import link_sessions, users
from gridlink.domain.errors import BadRequest, NotFound
from gridlink.domain.vendors import ALL_VENDORS
from gridlink.openapi import models
from gridlink.openapi.responses import answers
from gridlink.wire.users import (
    LinkUserPayload,
    RelinkPayload,
    VendorTypeName,
    user_json,
    users_list_entry,
)

router = APIRouter(tags=["User Management"])
# Control characters are refused here: PostgreSQL cannot even compare text holding NUL.
UserId = Annotated[
    str, Path(min_length=1, max_length=users.MAX_USER_ID_LENGTH, pattern=r"^[^\x00-\x1f\x7f]+$")
]


def _vendor(vendor: str) -> str:
    if vendor not in ALL_VENDORS:
        raise BadRequest(f"Unknown vendor {vendor!r}.")
    return vendor


@router.get(
    "/users",
    summary="List Users",
    operation_id="listUsers",
    responses=answers(models.UserPage),
)
async def list_users(request: Request, caller: CallerDep, page: PageDep) -> Response:
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        result = await users.list_users(session, caller.client_id, page)
        scopes: dict[int, list[str]] = {}
        if result.items:
            rows = await session.execute(
                select(VendorConnection.user_pk, VendorConnection.scopes).where(
                    VendorConnection.user_pk.in_([u.pk for u in result.items])
                )
            )
            for user_pk, granted in rows:
                scopes.setdefault(user_pk, []).extend(granted)
    data = [users_list_entry(u, sorted(set(scopes.get(u.pk, [])))) for u in result.items]
    return json_response(page_json(data, result), version)


@router.get(
    "/users/{userId}",
    summary="Get User",
    operation_id="getUser",
    responses=answers(models.User, 404),
)
async def get_user(request: Request, caller: CallerDep, userId: UserId) -> Response:  # noqa: N803
    version = api_version(request, caller)
    context = context_of(request)

    async def render() -> dict[str, Any]:
        async with context.db.read() as connection:
            linked = await users.linked_vendors_of(connection, caller.client_id, userId)
        if linked is None:
            raise NotFound(f"No user with id {userId!r}.")
        return user_json(userId, linked)

    return await cached_json(context.reads, user_key(caller.client_id, userId), version, render)


@router.delete(
    "/users/{userId}",
    status_code=204,
    summary="Unlink User",
    operation_id="deleteUsersUserid",
    responses=answers(None, status=204, description="The user and their data are gone."),
)
async def delete_user(request: Request, caller: CallerDep, userId: UserId) -> Response:  # noqa: N803
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        await users.delete_user(session, caller.client_id, userId)
    return no_content(version)


@router.delete(
    "/users/{userId}/authorization",
    status_code=204,
    summary="Deauthorize User",
    operation_id="deleteUsersUseridAuthorization",
    responses=answers(None, status=204, description="The user's vendor access was revoked."),
)
async def deauthorize_user(request: Request, caller: CallerDep, userId: UserId) -> Response:  # noqa: N803
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        await users.deauthorize(session, caller.client_id, userId)
    return no_content(version)


@router.delete(
    "/users/{userId}/vendors/{vendor}",
    status_code=204,
    summary="Disconnect Vendor",
    operation_id="disconnectUserVendor",
    responses=answers(None, status=204, description="The vendor is disconnected."),
)
async def disconnect_vendor(
    request: Request,
    caller: CallerDep,
    userId: UserId,
    vendor: str,  # noqa: N803
) -> Response:
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        await users.disconnect_vendor(session, caller.client_id, userId, _vendor(vendor))
    return no_content(version)


@router.delete(
    "/users/{userId}/vendors/{vendor}/{vendorType}",
    status_code=204,
    summary="Disconnect Vendor Type",
    operation_id="disconnectUserVendorVendorType",
    responses=answers(None, status=204, description="The vendor type is disconnected."),
)
async def disconnect_vendor_type(
    request: Request,
    caller: CallerDep,
    userId: UserId,  # noqa: N803
    vendor: str,
    vendorType: VendorTypeName,  # noqa: N803
) -> Response:
    version = api_version(request, caller)
    async with context_of(request).db.session() as session:
        await users.disconnect_vendor(
            session, caller.client_id, userId, _vendor(vendor), vendorType
        )
    return no_content(version)


def _link_version(request: Request, caller: Caller) -> str:
    return api_version(request, caller, minimum="2024-01-01", purpose="Creating a Link session")


async def _link_session(
    request: Request, session: AsyncSession, caller: Caller, user: User,
    wanted: link_sessions.LinkRequest, version: str,
) -> Response:  # fmt: skip
    """Opens a Link session and answers with where to send the person."""
    client = await session.get(Client, caller.client_id)
    assert client is not None
    _, token = await link_sessions.create_link_session(session, client, user, wanted)
    link_url = f"{context_of(request).settings.public_url}/link/{token}"
    return json_response({"linkUrl": link_url, "linkToken": token}, version)


@router.post(
    "/users/{userId}/link",
    summary="Link User",
    operation_id="postUsersUseridLink",
    responses=answers(models.LinkSession),
)
async def link_user(
    request: Request,
    caller: CallerDep,
    userId: UserId,  # noqa: N803
    payload: LinkUserPayload,
) -> Response:
    version = _link_version(request, caller)
    async with context_of(request).db.session() as session:
        user = await users.ensure_user(session, caller.client_id, userId)
        wanted = link_sessions.LinkRequest(
            scopes=list(payload.scopes),
            language=payload.language,
            redirect_uri=payload.redirectUri,
            vendor_type=payload.vendorType,
            vendor=payload.vendor,
            color_scheme=payload.colorScheme,
        )
        return await _link_session(request, session, caller, user, wanted, version)


@router.post(
    "/assets/{assetId}/relink",
    summary="Relink Asset",
    operation_id="postAssetsAssetidRelink",
    responses=answers(models.LinkSession),
)
async def relink_asset(
    request: Request,
    caller: CallerDep,
    assetId: str,  # noqa: N803
    payload: RelinkPayload,
) -> Response:
    """A Link session that restores an asset whose credentials stopped working."""
    version = _link_version(request, caller)
    async with context_of(request).db.session() as session:
        asset = await session.scalar(
            select(Asset).where(Asset.client_id == caller.client_id, Asset.id == assetId)
        )
        if asset is None:
            raise BadRequest(f"No asset with id {assetId}.")
        if asset.connection.is_valid:
            raise BadRequest("This asset is linked and its credentials work; no relink needed.")
        wanted = link_sessions.LinkRequest(
            scopes=list(asset.connection.scopes),
            language=payload.language,
            redirect_uri=payload.redirectUri,
            vendor_type=asset.asset_type,
            vendor=asset.vendor,
            color_scheme=payload.colorScheme,
        )
        return await _link_session(request, session, caller, asset.user, wanted, version)
