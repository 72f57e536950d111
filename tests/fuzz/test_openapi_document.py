"""The OpenAPI document itself: operationIds, security, error shapes, coverage.

Built in-process from create_app (no server); compared with Enode's spec where
that is present (read from ../shared/reference, never copied).
"""

from __future__ import annotations

import secrets
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from gridlink.app import create_app
from gridlink.config import Settings
from gridlink.openapi.schema import BEARER, TOKEN_URL
from tests.support.spec import SPEC_PATH, spec

METHODS = ("get", "put", "post", "patch", "delete")
NO_TOKEN = {("GET", "/health/ready"), ("POST", TOKEN_URL)}


@cache
def document() -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="gridlink-openapi-"))
    settings = Settings(
        data_dir=data_dir,
        database_url=f"sqlite+aiosqlite:///{data_dir / 'gridlink.db'}",
        public_url="http://127.0.0.1:8080",
        secret_key=secrets.token_urlsafe(32).encode(),
        admin_password=None,
        bootstrap=False,
    )
    built: dict[str, Any] = create_app(settings).openapi()
    return built


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document()["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_operation_ids_are_unique_and_named() -> None:
    ids = [operation.get("operationId") for _, _, operation in operations()]
    assert all(ids), [(m, p) for m, p, o in operations() if not o.get("operationId")]
    assert len(ids) == len(set(ids))
    # Not FastAPI's generated names (function + path + method).
    assert not [i for i in ids if "_" in i], ids


def test_operation_ids_match_enode_where_the_paths_are_enode() -> None:
    if not SPEC_PATH.exists():
        return  # Enode's spec is optional reference data; the naming test above still ran
    theirs = {
        (method.upper(), path): operation["operationId"]
        for path, item in spec()["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }
    ours = {(method, path): operation["operationId"] for method, path, operation in operations()}
    differing = {key: (ours[key], name) for key, name in theirs.items() if ours.get(key) != name}
    assert not differing, differing
    ours_only = {path for (_, path) in set(ours) - set(theirs)}
    assert ours_only <= {TOKEN_URL} | {p for p in ours_only if p.startswith("/sandbox/")}


def test_every_operation_but_health_and_token_needs_the_bearer_token() -> None:
    scheme = document()["components"]["securitySchemes"][BEARER]
    assert scheme["flows"]["clientCredentials"]["tokenUrl"] == TOKEN_URL
    for method, path, operation in operations():
        if (method, path) in NO_TOKEN:
            assert {BEARER: []} not in operation["security"], (method, path)
        else:
            assert operation["security"] == [{BEARER: []}], (method, path)
            assert {"400", "401"} <= set(operation["responses"]), (method, path)


def test_every_operation_documents_its_success_and_errors_as_problems() -> None:
    for method, path, operation in operations():
        responses = operation["responses"]
        successes = [code for code in responses if code.startswith("2")]
        assert successes, (method, path)
        for code in successes:
            content = responses[code].get("content")
            if code == "204":
                assert not content, (method, path)
            else:
                schema = content["application/json"]["schema"]
                assert schema, f"{method} {path} {code}: an empty schema documents nothing"
        if path == TOKEN_URL:
            continue
        for code, response in responses.items():
            if code.startswith("4") and not (code == "409" and "/actions/" in path):
                content = response["content"]
                assert list(content) == ["application/problem+json"], (method, path, code)
                assert content["application/problem+json"]["schema"] == {
                    "$ref": "#/components/schemas/Problem"
                }


def test_fastapi_validation_shapes_and_pages_stay_out() -> None:
    schemas = document()["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert not [c for _, _, o in operations() for c in o["responses"] if c == "422"
                and "HTTPValidationError" in str(o["responses"][c])]  # fmt: skip
    paths = set(document()["paths"])
    assert not [p for p in paths if p.startswith(("/link", "/dashboard", "/docs"))], paths
    problem = schemas["Problem"]
    assert set(problem["required"]) == {"type", "title", "detail"}
    assert "issues" in problem["properties"]


def test_path_parameters_are_declared() -> None:
    for method, path, operation in operations():
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        named = {part[1:-1] for part in path.split("/") if part.startswith("{")}
        assert declared == named, (method, path)
