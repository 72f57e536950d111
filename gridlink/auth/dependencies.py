"""The FastAPI dependencies every API route uses: the caller and the version."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gridlink.auth.caller import Caller
from gridlink.context import context_of
from gridlink.domain import versions
from gridlink.domain.errors import Unauthorized


async def authenticated(request: Request) -> Caller:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send an access token as `Authorization: Bearer <token>`.")
    context = context_of(request)
    claims = context.signer.verify(token.strip())
    if claims is None:
        raise Unauthorized("The access token is invalid or expired.")
    caller = await context.clients.get(claims.client_id)
    if caller is None or caller.secret_version != claims.secret_version:
        raise Unauthorized("The access token has been revoked.")
    return caller


CallerDep = Annotated[Caller, Depends(authenticated)]


def api_version(
    request: Request,
    caller: Caller,
    minimum: str = versions.SUPPORTED[0],
    purpose: str = "This API",
) -> str:
    version = versions.resolve(
        request.headers.get("enode-version"), caller.default_api_version, minimum, purpose
    )
    request.state.enode_version = version  # errors from here on answer in it too
    return version
