"""Every API error leaves as application/problem+json (RFC 7807), as Enode's do."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from gridlink.api.responses import VERSION_HEADER
from gridlink.domain import versions
from gridlink.domain.errors import DomainError

logger = logging.getLogger("gridlink")

# The version from which problems no longer carry `error` and `message`.
_PLAIN_SINCE = "2024-10-01"
PROBLEM_BASE = "https://developers.enode.com/api/problems/"
_KINDS = {
    400: ("bad-request", "Bad Request"),
    401: ("unauthorized", "Unauthorized"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not Found"),
    405: ("method-not-allowed", "Method Not Allowed"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Payload Too Large"),
    415: ("unsupported-media-type", "Unsupported Media Type"),
    422: ("unprocessable-entity", "Unprocessable Entity"),
    429: ("too-many-requests", "Too Many Requests"),
}


def problem(
    status: int,
    detail: str,
    kind: str | None = None,
    title: str | None = None,
    issues: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    version: str = versions.LATEST,
) -> Response:
    default_kind, default_title = _KINDS.get(status, ("error", "Error"))
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + (kind or default_kind),
        "title": title or default_title,
        "detail": detail,
    }
    if issues is not None:
        body["issues"] = issues
    if version < _PLAIN_SINCE:
        # Before 2024-10-01, problems repeated their title and detail as these.
        body.update(error=body["title"], message=detail)
    return Response(
        orjson.dumps(body),
        status_code=status,
        media_type="application/problem+json",
        headers={**(headers or {}), VERSION_HEADER: version},
    )


def version_of(request: Request) -> str:
    """The version an error answers in: the request's, once known; else its
    header's, if that names a supported version; else the newest."""
    known = getattr(request.state, "enode_version", None)
    if isinstance(known, str):
        return known
    return versions.answering(request.headers.get("enode-version"))


async def domain_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, DomainError)
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    return problem(
        error.status, error.detail, error.kind, error.title, error.issues, headers,
        version_of(request),
    )  # fmt: skip


def validation_issues(error: RequestValidationError) -> list[dict[str, Any]]:
    issues = []
    for item in error.errors():
        location = list(item.get("loc", ()))
        where = location[0] if location else "body"
        path = [str(p) for p in location[1:]]
        issues.append(
            {
                "code": item.get("type", "invalid"),
                "in": where,
                "path": path,
                "message": item.get("msg", "Invalid value"),
            }
        )
    return issues


async def request_validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    issues = validation_issues(error)
    first = issues[0] if issues else None
    where = ".".join(first["path"]) if first and first["path"] else (first or {}).get("in", "")
    detail = f"{where}: {first['message']}" if first else "The request is not valid."
    return problem(
        400, f"Request validation failed. {detail}", issues=issues, version=version_of(request)
    )


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    detail = error.detail if isinstance(error.detail, str) else "Request failed."
    if error.status_code == 404 and detail == "Not Found":
        detail = "No such resource."
    return problem(
        error.status_code, detail, headers=getattr(error, "headers", None),
        version=version_of(request),
    )  # fmt: skip


async def unexpected_error(request: Request, error: Exception) -> Response:
    # The path is logged without its query string, which may carry cursors or tokens.
    logger.error("unhandled error on %s %s", request.method, _safe_path(request), exc_info=error)
    return problem(
        500, "Something went wrong on our side.", "internal-error", "Internal Error",
        version=version_of(request),
    )  # fmt: skip


def _safe_path(request: Request) -> str:
    path = request.url.path
    # Link UI paths carry the session's secret token.
    return "/link/…" if path.startswith("/link/") else path
