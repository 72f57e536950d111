"""Failures the domain reports; the HTTP layer renders them as problem+json."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    kind = "bad-request"
    title = "Bad Request"

    def __init__(self, detail: str, issues: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.issues = issues


class BadRequest(DomainError):
    pass


class NotFound(DomainError):
    status = 404
    kind = "not-found"
    title = "Not Found"


class Forbidden(DomainError):
    status = 403
    kind = "forbidden"
    title = "Forbidden"


class Unauthorized(DomainError):
    status = 401
    kind = "unauthorized"
    title = "Unauthorized"
