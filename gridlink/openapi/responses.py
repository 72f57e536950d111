"""`responses=` for route decorators: the success shape and the problems a
route can answer with. Documentation only: nothing here runs per request.

Every route that takes a bearer token also answers 400 (a bad parameter, body
or Enode-Version header) and 401 (no valid token); the schema hook
(gridlink.openapi.schema) adds those two, so routes list only the rest.
"""

from __future__ import annotations

from typing import Any

PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = "#/components/schemas/Problem"

Responses = dict[int | str, dict[str, Any]]

WHY: dict[int, str] = {
    400: "The request is not valid: a parameter, the body or the Enode-Version header.",
    401: "No access token was sent, or it is invalid, expired or revoked.",
    403: "The client may not do this.",
    404: "No such resource for this client.",
    409: "The resource is not in a state that allows this.",
    422: "The asset is controlled by a schedule or a smart charging plan.",
}


def problem(status: int, why: str | None = None) -> dict[str, Any]:
    """One problem+json response."""
    return {
        "description": why or WHY.get(status, "Failed."),
        "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}},
    }


def answers(
    model: Any = None,
    *problems: int,
    status: int = 200,
    description: str = "Success.",
    extra: Responses | None = None,
) -> Responses:
    """The success response (`model`'s JSON, or none for a 204) and problems."""
    documented: Responses = {}
    if model is not None:
        documented[status] = {"model": model, "description": description}
    elif status == 204:
        documented[204] = {"description": description}
    for code in problems:
        documented[code] = problem(code)
    documented.update(extra or {})
    return documented
