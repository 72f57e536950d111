"""The last touches to the OpenAPI document FastAPI builds from the routes.

- the bearer scheme (OAuth 2.0 client credentials at /oauth2/token), required
  by every route that depends on `authenticated`, with its 400 and 401;
- problem+json instead of FastAPI's 422 validation answer, which gridlink
  never sends (bad input is a 400 problem);
- path parameters that a shared handler reads from the request itself;
- the component schemas that `responses=` and `openapi_extra` refer to by name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.routing import BaseRoute

from gridlink.auth.dependencies import authenticated
from gridlink.openapi import models
from gridlink.openapi.responses import problem
from gridlink.wire.schedules import PARTIAL, NewSchedule

BEARER = "ClientAccessToken"
BASIC = "ClientSecretBasic"
TOKEN_URL = "/oauth2/token"
REF = "#/components/schemas/{model}"
_PATH_PARAM = re.compile(r"{([^}:]+)(?::[^}]*)?}")

DESCRIPTION = (
    "The paths and shapes of the Enode API (version 2024-10-01), served by gridlink, "
    "plus gridlink's own sandbox controls under the Sandbox tag.\n\n"
    "Get an access token with the OAuth 2.0 client-credentials grant: `POST /oauth2/token` "
    "with the client id and secret as HTTP Basic credentials and the form body "
    "`grant_type=client_credentials`. Send it as `Authorization: Bearer <token>`.\n\n"
    "Answers follow the client's default API version, or the version an `Enode-Version` "
    "header names; this document describes 2024-10-01. Errors are application/problem+json."
)

TAGS: list[dict[str, Any]] = [
    {"name": "Authentication", "description": "Access tokens for a client's id and secret."},
    {"name": "Service Health", "description": "Readiness, and the vendors that can be linked."},
    {"name": "User Management", "description": "Users, their linked vendors and Link sessions."},
    {"name": "Locations", "description": "Places assets belong to."},
    {"name": "Vehicles"},
    {"name": "Chargers"},
    {"name": "HVAC"},
    {"name": "Solar inverters"},
    {"name": "Batteries"},
    {"name": "Meters"},
    {"name": "HEM Systems", "description": "A user's home energy system, as one site."},
    {"name": "Interventions", "description": "What a user must do to make a capability work."},
    {"name": "Schedules"},
    {"name": "Statistics"},
    {"name": "Tariffs"},
    {"name": "Webhooks"},
    {
        "name": "Sandbox",
        "description": (
            "gridlink's controls for sandbox clients: the simulated clock and device "
            "overrides. Not part of Enode's API."
        ),
    },
]

SECURITY_SCHEMES: dict[str, Any] = {
    BEARER: {
        "type": "oauth2",
        "description": (
            "An access token from the client-credentials grant at /oauth2/token, sent as "
            "`Authorization: Bearer <token>`. It carries access to all of the client's data."
        ),
        "flows": {"clientCredentials": {"tokenUrl": TOKEN_URL, "scopes": {}}},
    },
    BASIC: {
        "type": "http",
        "scheme": "basic",
        "description": "The client id and secret, for /oauth2/token only.",
    },
}

# Shapes referred to by name rather than through a route's `model`.
_NAMED: dict[str, Any] = {
    "Problem": models.Problem,
    "AccessToken": models.AccessToken,
    "OAuthError": models.OAuthError,
    "NewSchedule": NewSchedule.json_schema,
    "ChargeScheduleUpdate": PARTIAL["CHARGE"].json_schema,
    "TemperatureScheduleUpdate": PARTIAL["TEMPERATURE"].json_schema,
}


def _json(name: str, description: str) -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{name}"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


# gridlink.auth.routes parses its form itself (RFC 6749 wants exact errors).
TOKEN_OPERATION: dict[str, Any] = {
    "operationId": "getAccessToken",
    "description": (
        "The OAuth 2.0 client-credentials grant. Send the client id and secret as HTTP "
        "Basic credentials (or as client_id and client_secret in the form, not both)."
    ),
    "security": [{BASIC: []}, {}],
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                        "client_id": {"type": "string"},
                        "client_secret": {"type": "string"},
                    },
                    "required": ["grant_type"],
                }
            }
        },
    },
    "responses": {
        "200": _json("AccessToken", "An access token, good for about an hour."),
        "400": _json("OAuthError", "The request is malformed or names another grant."),
        "401": _json("OAuthError", "The client id or secret is missing or wrong."),
    },
}


def install(app: FastAPI) -> None:
    """Makes `app.openapi()` return the finished document (built once)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            finish(generate(), app.routes)
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def finish(schema: dict[str, Any], routes: Sequence[BaseRoute]) -> dict[str, Any]:
    components = schema.setdefault("components", {})
    components["securitySchemes"] = SECURITY_SCHEMES
    schemas = components.setdefault("schemas", {})
    for name, source in _NAMED.items():
        _add_schema(schemas, name, source)
    token = schema["paths"].get(TOKEN_URL, {}).get("post")
    if token is not None:
        token.update(TOKEN_OPERATION)
    for route in _api_routes(routes):
        for method in route.methods or ():
            operation = schema["paths"][route.path_format][method.lower()]
            _finish_operation(operation, route)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return schema


def _api_routes(routes: Sequence[BaseRoute]) -> list[APIRoute]:
    """The routes in the document, through included routers (which FastAPI
    keeps as nested contexts from 0.16x on)."""
    contexts: Iterable[Any] = (
        routing.iter_route_contexts(routes) if hasattr(routing, "iter_route_contexts") else routes
    )
    found: list[APIRoute] = []
    for context in contexts:
        original = getattr(context, "original_route", context)
        if isinstance(original, APIRoute) and context.include_in_schema:
            found.append(context)
    return found


def _finish_operation(operation: dict[str, Any], route: APIRoute) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    if _is_fastapi_422(responses.get("422")):
        del responses["422"]
    if _needs_token(route.dependant):
        operation["security"] = [{BEARER: []}]
        responses.setdefault("400", problem(400))
        responses.setdefault("401", problem(401))
    else:
        operation.setdefault("security", [])
    declared = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"}
    for name in _PATH_PARAM.findall(route.path_format):
        if name not in declared:
            operation.setdefault("parameters", []).append(
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            )
    operation["responses"] = dict(sorted(responses.items()))


def _is_fastapi_422(response: Any) -> bool:
    content = (response or {}).get("content", {}).get("application/json", {})
    return bool(content.get("schema", {}).get("$ref", "").endswith("/HTTPValidationError"))


def _needs_token(dependant: Dependant) -> bool:
    return any(
        dependency.call is authenticated or _needs_token(dependency)
        for dependency in dependant.dependencies
    )


def _add_schema(schemas: dict[str, Any], name: str, source: Any) -> None:
    """Adds `name` (a model, or a TypeAdapter's json_schema) and what it refers
    to. A name FastAPI already used must mean the same shape."""
    if isinstance(source, type) and issubclass(source, BaseModel):
        generated = source.model_json_schema(ref_template=REF, mode="serialization")
    else:
        make: Callable[..., dict[str, Any]] = source
        generated = make(ref_template=REF, mode="validation")
    for def_name, definition in {**generated.pop("$defs", {}), name: generated}.items():
        existing = schemas.setdefault(def_name, definition)
        if _shape(existing) != _shape(definition):
            raise RuntimeError(f"OpenAPI: two different shapes are named {def_name!r}.")


def _shape(node: Any) -> Any:
    """A schema without its defaults (which only a request's side shows)."""
    if isinstance(node, dict):
        return {k: _shape(v) for k, v in node.items() if k != "default"}
    if isinstance(node, list):
        return [_shape(v) for v in node]
    return node
