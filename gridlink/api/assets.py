"""One machinery for all six asset types: lists, a user's list, one asset,
its location and refresh hints. A type brings only its facts (AssetKind)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict
from starlette.responses import Response

from gridlink.api.pagination import PageDep
from gridlink.api.responses import cached_json, cached_page, json_response, no_content
from gridlink.api.users import UserId
from gridlink.auth.caller import Caller
from gridlink.auth.dependencies import CallerDep, api_version
from gridlink.context import context_of
from gridlink.db.changes import asset_key
from gridlink.domain import assets, users
from gridlink.domain.asset_kinds import KINDS, AssetKind
from gridlink.domain.errors import BadRequest, NotFound
from gridlink.domain.pagination import PageRequest
from gridlink.openapi.kinds import KINDS as DOCS
from gridlink.openapi.responses import answers
from gridlink.wire.asset_documents import asset_json
from gridlink.wire.versions import asset_for

router = APIRouter()


class LocationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    locationId: str | None


def _asset_id(request: Request, kind: AssetKind) -> str:
    asset_id: str = request.path_params[kind.id_param]
    if len(asset_id) > 100:
        raise BadRequest(f"{kind.id_param} is too long.")
    return asset_id


def _add_routes(kind: AssetKind) -> None:
    one = f"/{kind.plural}/{{{kind.id_param}}}"

    async def listed(
        request: Request, caller: Caller, page: PageRequest, user_id: str | None
    ) -> Response:
        version = api_version(request, caller)
        context = context_of(request)
        async with context.db.read() as connection:
            user_pk = None
            if user_id is not None:
                user_pk = await users.user_pk_of(connection, caller.client_id, user_id)
                if user_pk is None:
                    raise NotFound(f"No user with id {user_id!r}.")
            result = await assets.list_asset_ids(connection, caller.client_id, kind, page, user_pk)
        ids = [row.id for row in result.items]

        async def render(positions: list[int]) -> list[dict[str, Any]]:
            async with context.db.session() as session:
                found = {
                    a.id: a
                    for a in await assets.get_assets(
                        session, caller.client_id, [ids[i] for i in positions]
                    )
                }
                return [asset_for(kind.name, asset_json(found[ids[i]]), version) for i in positions]

        return await cached_page(
            context.reads,
            [asset_key(caller.client_id, kind.name, asset_id) for asset_id in ids],
            version,
            render,
            {"after": result.after, "before": result.before},
        )

    async def list_all(request: Request, caller: CallerDep, page: PageDep) -> Response:
        return await listed(request, caller, page, None)

    async def list_for_user(
        request: Request,
        caller: CallerDep,
        userId: UserId,
        page: PageDep,  # noqa: N803
    ) -> Response:
        return await listed(request, caller, page, userId)

    async def get_one(request: Request, caller: CallerDep) -> Response:
        version = api_version(request, caller)
        asset_id = _asset_id(request, kind)
        context = context_of(request)

        async def load() -> dict[str, Any]:
            async with context.db.session() as session:
                found = await assets.get_asset(session, caller.client_id, kind, asset_id)
                return asset_for(kind.name, asset_json(found), version)

        return await cached_json(
            context.reads, asset_key(caller.client_id, kind.name, asset_id), version, load
        )

    async def refresh_hint(request: Request, caller: CallerDep) -> Response:
        version = api_version(request, caller)
        context = context_of(request)
        async with context.db.session() as session:
            asset = await assets.get_asset(
                session, caller.client_id, kind, _asset_id(request, kind)
            )
            await context.executor.refresh(session, asset)
        return no_content(version)

    async def update(request: Request, caller: CallerDep, payload: LocationUpdate) -> Response:
        version = api_version(request, caller)
        async with context_of(request).db.session() as session:
            asset = await assets.get_asset(
                session, caller.client_id, kind, _asset_id(request, kind)
            )
            now = await context_of(request).executor.now(session, asset)  # sandbox time
            await assets.set_location(session, asset, payload.locationId, now)
            body = asset_for(kind.name, asset_json(asset), version)
        return json_response(body, version)

    tags: list[str | Any] = [kind.tag]
    name = kind.plural.capitalize()
    docs = DOCS[kind.name]
    router.add_api_route(
        f"/{kind.plural}", list_all, methods=["GET"], tags=tags, summary=f"List {name}",
        operation_id=docs.list_all, responses=answers(docs.page),
    )  # fmt: skip
    router.add_api_route(
        f"/users/{{userId}}/{kind.plural}",
        list_for_user,
        methods=["GET"],
        tags=tags,
        summary=f"List User {name}",
        operation_id=docs.list_for_user,
        responses=answers(docs.page, 404),
    )
    router.add_api_route(one, get_one, methods=["GET"], tags=tags, summary=f"Get {kind.name}",
                         operation_id=docs.get, responses=answers(docs.model, 404))  # fmt: skip
    router.add_api_route(
        f"{one}/refresh-hint",
        refresh_hint,
        methods=["POST"],
        status_code=204,
        tags=tags,
        summary=f"Refresh {kind.name} data",
        operation_id=docs.refresh_hint,
        responses=answers(None, 404, status=204, description="The hint was taken."),
    )
    if kind.settable_location:
        router.add_api_route(one, update, methods=["PUT"], tags=tags,
                             summary=f"Update {kind.name}", operation_id=docs.update,
                             responses=answers(docs.model, 404))  # fmt: skip


for _kind in KINDS.values():
    _add_routes(_kind)
