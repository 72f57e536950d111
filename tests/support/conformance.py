"""Conformance against Enode's OpenAPI spec: every answer an httpx client gets
is matched to the spec's operation for its request and checked (status,
content type, body schema), and each (operation, status) seen is recorded so
a run can say which operations and outcomes it covered.

The rules, and why:

- A status is accepted if the operation declares it, or if it is *implied*:
  401 for an operation with a security requirement (a request without a valid
  token), 404 for an operation with path parameters (an id that does not
  exist), 400 for an operation that takes a body or query parameters (input
  that does not validate). The spec declares hardly any of these, although
  its security scheme, its path ids and its schemas entail them and Enode's
  documentation lists them. An implied status must carry the spec's `Problem`.
- Content types must match the declared media type, with one leniency: an
  error (4xx/5xx) whose declared body is a problem (`type`, `title`,
  `detail`) under `application/json` may come as `application/problem+json`.
  Enode sends every problem as `application/problem+json`; the spec's
  generator labels most of them `application/json` but uses
  `application/problem+json` where it spells them out (inverter statistics'
  errors, and the `content-type` inside HEM statistics' error descriptions).
  A 409 of an action cancel is the action itself, so it stays
  `application/json`, strictly.
- An error the spec declares without a body ("Action not found.") may have
  none, or a `Problem` as every other error; a 2xx declared without a body
  must have none.
- HEM statistics' errors are described as `{statusCode, headers, body}`
  wrappers (a generator artefact): the body is checked against `body`, and the
  content type against `headers.content-type`.
- Bodies are validated with tests/support/spec.py's validator (JSON Schema
  2020-12, with the spec's known artefacts fixed there).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import httpx

from tests.support.spec import _validator, spec

METHODS = ("get", "post", "put", "patch", "delete")
PROBLEM_KEYS = {"type", "title", "detail"}


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str
    tags: tuple[str, ...]
    responses: dict[str, Any] = field(compare=False, repr=False)
    secured: bool
    path_params: tuple[str, ...]
    takes_input: bool  # a request body or query parameters

    @property
    def pattern(self) -> re.Pattern[str]:
        return _pattern(self.path)

    @property
    def literal_segments(self) -> int:
        return sum(1 for part in self.path.split("/") if part and not part.startswith("{"))

    @property
    def declared(self) -> list[int]:
        return sorted(int(status) for status in self.responses)

    @property
    def successes(self) -> list[int]:
        return [status for status in self.declared if status < 300]

    @property
    def declared_errors(self) -> list[int]:
        return [status for status in self.declared if status >= 400]

    @property
    def implied(self) -> list[int]:
        statuses = []
        if self.takes_input:
            statuses.append(400)
        if self.secured:
            statuses.append(401)
        if self.path_params:
            statuses.append(404)
        return [status for status in statuses if str(status) not in self.responses]


@cache
def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{regex}$")


def _parameter(node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        found: dict[str, Any] = spec()["components"]["parameters"][node["$ref"].rsplit("/", 1)[-1]]
        return found
    return node


@cache
def operations() -> tuple[Operation, ...]:
    """Every operation of the spec, in the spec's order."""
    found = []
    for path, item in spec()["paths"].items():
        shared = [_parameter(p) for p in item.get("parameters", [])]
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = shared + [_parameter(p) for p in operation.get("parameters", [])]
            security = operation.get("security", spec().get("security") or [])
            found.append(
                Operation(
                    id=operation["operationId"],
                    method=method.upper(),
                    path=path,
                    tags=tuple(operation.get("tags", [])),
                    responses=operation["responses"],
                    secured=any(bool(requirement) for requirement in security),
                    path_params=tuple(p["name"] for p in parameters if p["in"] == "path"),
                    takes_input="requestBody" in operation
                    or any(p["in"] == "query" for p in parameters),
                )
            )
    return tuple(found)


def by_id() -> dict[str, Operation]:
    return {operation.id: operation for operation in operations()}


def match(method: str, path: str) -> Operation | None:
    """The spec operation a request is for: the template that matches with the
    most literal segments (`/vehicles/actions/{id}` over `/vehicles/{id}/...`)."""
    candidates = [
        op for op in operations() if op.method == method.upper() and op.pattern.match(path)
    ]
    return max(candidates, key=lambda op: op.literal_segments, default=None)


def _media_type(header: str | None) -> str:
    return (header or "").split(";")[0].strip().lower()


def _wrapped(schema: dict[str, Any]) -> tuple[dict[str, Any], list[str]] | None:
    """HEM statistics' `{statusCode, headers, body}` error descriptions: the
    schema of the body and the content types it allows."""
    properties = schema.get("properties", {})
    if set(schema.get("required", [])) != {"statusCode", "headers", "body"}:
        return None
    allowed = properties["headers"]["properties"]["content-type"].get("enum", [])
    return properties["body"], [_media_type(a) for a in allowed]


def _is_problem(schema: dict[str, Any]) -> bool:
    if set(schema) == {"$ref"}:
        schema = spec()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return set(schema.get("required", [])) >= PROBLEM_KEYS


@dataclass(frozen=True)
class Checked:
    operation: Operation
    status: int
    implied: bool  # a status the operation does not declare (see the module's notes)
    lenient_type: bool  # problem+json where the spec says application/json


def check(method: str, path: str, status: int, content_type: str | None, body: bytes) -> Checked:
    """Asserts one answer is what the spec allows; says what was checked."""
    operation = match(method, path)
    where = f"{method} {path} -> {status}"
    assert operation is not None, f"{where}: no operation in the spec"
    media_type = _media_type(content_type)
    implied = str(status) not in operation.responses
    if implied:
        assert status in operation.implied, (
            f"{where}: {operation.id} declares {operation.declared}, "
            f"and {status} is not implied ({operation.implied})"
        )
    documented: dict[str, Any] = operation.responses.get(str(status)) or {
        "content": {"application/problem+json": {"schema": _problem_ref()}}
    }
    content: dict[str, Any] = documented.get("content") or {}
    lenient = False
    if not content:
        if status < 400 or not body:
            assert not body, f"{where}: declared without a body, got {body[:200]!r}"
            return Checked(operation, status, implied, False)
        # An error documented only by its description: a problem, as every error.
        content = {"application/problem+json": {"schema": _problem_ref()}}
    schema: dict[str, Any]
    if media_type in content:
        schema = content[media_type]["schema"]
    elif (
        media_type == "application/problem+json"
        and status >= 400
        and "application/json" in content
        and (
            _is_problem(content["application/json"]["schema"])
            or _wrapped(content["application/json"]["schema"]) is not None
        )
    ):
        schema, lenient = content["application/json"]["schema"], True
    else:
        raise AssertionError(f"{where}: content type {media_type!r}, spec says {list(content)}")
    unwrapped = _wrapped(schema)
    if unwrapped is not None:
        schema, allowed = unwrapped
        assert media_type in allowed, f"{where}: content type {media_type!r}, spec says {allowed}"
        lenient = False
    try:
        parsed = json.loads(body)
    except ValueError as error:
        raise AssertionError(f"{where}: the body is not JSON: {body[:200]!r}") from error
    errors = list(_validator(schema).iter_errors(parsed))
    assert not errors, f"{where} ({operation.id}): " + "; ".join(
        f"{e.json_path}: {e.message[:300]}" for e in errors[:5]
    )
    return Checked(operation, status, implied, lenient)


def _problem_ref() -> dict[str, Any]:
    return {"$ref": "#/components/schemas/Problem"}


@dataclass
class Coverage:
    """What a run has seen: operation id -> statuses, and which were implied
    or came as problem+json where the spec says application/json."""

    seen: dict[str, set[int]] = field(default_factory=dict)
    implied: set[tuple[str, int]] = field(default_factory=set)
    lenient: set[tuple[str, int]] = field(default_factory=set)
    checked: int = 0

    def record(self, checked: Checked) -> None:
        key = (checked.operation.id, checked.status)
        self.seen.setdefault(checked.operation.id, set()).add(checked.status)
        if checked.implied:
            self.implied.add(key)
        if checked.lenient_type:
            self.lenient.add(key)
        self.checked += 1


COVERAGE = Coverage()
OUTCOMES: dict[str, str] = {}  # node id -> outcome, for each conformance test of the session


def hook(coverage: Coverage = COVERAGE) -> Any:
    """An httpx response hook: checks every answer for a spec operation and
    records it; answers to other paths (sandbox, OAuth, Link UI) pass through."""

    def on_response(response: httpx.Response) -> None:
        request = response.request
        if match(request.method, request.url.path) is None:
            return
        response.read()
        checked = check(
            request.method,
            request.url.path,
            response.status_code,
            response.headers.get("content-type"),
            response.content,
        )
        coverage.record(checked)

    return on_response


def spec_client(base_url: str, token: str | None) -> httpx.Client:
    """An httpx client whose every answer is checked against the spec."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(
        base_url=base_url, headers=headers, timeout=30, event_hooks={"response": [hook()]}
    )
