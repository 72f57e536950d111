"""Service health: the one path that needs no token."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response

from gridlink.api.responses import VERSION_HEADER
from gridlink.context import context_of
from gridlink.domain import versions

router = APIRouter(tags=["Service Health"])


@router.get(
    "/health/ready",
    status_code=204,
    summary="Check Service Readiness",
    operation_id="getHealthReady",
    responses={
        204: {"description": "Ready: the database answers."},
        503: {"description": "Not ready: the database does not answer."},
    },
)
async def ready(request: Request) -> Response:
    headers = {VERSION_HEADER: versions.answering(request.headers.get("enode-version"))}
    try:
        async with context_of(request).db.session() as session:
            await session.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError):
        return Response(status_code=503, headers=headers)
    return Response(status_code=204, headers=headers)
