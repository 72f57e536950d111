"""Checks answers against Enode's OpenAPI spec, read from ../shared/reference.

The spec is reference data under its own licence, so it is never copied into
this repository; where it is absent, the tests that need it skip and say why.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.support.server import ROOT

SPEC_PATH = ROOT.parent / "shared" / "reference" / "enode-openapi-2024-10-01.json"


@cache
def spec() -> dict[str, Any]:
    if not SPEC_PATH.exists():
        pytest.skip(f"Enode's OpenAPI spec is not at {SPEC_PATH}; spec validation skipped.")
    loaded: dict[str, Any] = json.loads(Path(SPEC_PATH).read_text())
    return loaded


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator({**_closed_all_of(schema), "components": _components()})


@cache
def _components() -> dict[str, Any]:
    loaded: dict[str, Any] = _closed_all_of(spec()["components"])
    return loaded


def _closed_all_of(node: Any) -> Any:
    """The spec combines objects with `allOf` whose parts each forbid additional
    properties, which no object can satisfy (an artefact of its generator).
    Each part is opened and the whole is closed with `unevaluatedProperties`,
    which keeps the intended strictness."""
    if isinstance(node, list):
        return [_closed_all_of(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _closed_all_of(value) for key, value in node.items()}
    kinds = result.get("type")
    if isinstance(kinds, list) and "null" in kinds and None not in result.get("enum", [None]):
        # A nullable type with an enum that forgets null: the type says nullable.
        result["enum"] = [*result["enum"], None]
    parts = result.get("allOf")
    if isinstance(parts, list) and any(_nullable_marker(part) for part in parts):
        # `allOf: [X, {type: [..., "null"]}]` means "X or null" (the generator's
        # way to write a nullable reference), which allOf alone never allows.
        rest = [part for part in parts if not _nullable_marker(part)]
        inner = {**result, "allOf": rest} if len(rest) > 1 else {**result, **rest[0]}
        if len(rest) == 1:
            inner.pop("allOf")
        return {"anyOf": [{"type": "null"}, _closed_all_of(inner)]}
    if isinstance(parts, list) and len(parts) > 1:
        opened = []
        closed = False
        for part in parts:
            part = _resolve(part)
            if isinstance(part, dict) and part.get("additionalProperties") is False:
                part = {k: v for k, v in part.items() if k != "additionalProperties"}
                closed = True
            opened.append(part)
        result["allOf"] = opened
        if closed:
            result["unevaluatedProperties"] = False
    return result


def _nullable_marker(part: Any) -> bool:
    kinds = part.get("type") if isinstance(part, dict) else None
    return (
        isinstance(kinds, list)
        and "null" in kinds
        and set(part) <= {"type", "description", "example"}
    )


def _resolve(node: Any) -> Any:
    if isinstance(node, dict) and set(node) == {"$ref"}:
        name = node["$ref"].rsplit("/", 1)[-1]
        return _closed_all_of(spec()["components"]["schemas"][name])
    return node


def assert_schema(name: str, body: Any) -> None:
    """The body matches the spec's component schema `name`."""
    errors = list(_validator({"$ref": f"#/components/schemas/{name}"}).iter_errors(body))
    assert not errors, f"{name}: " + "; ".join(e.message for e in errors[:5])


def assert_response(method: str, path: str, status: int, body: Any) -> None:
    """The body matches what the spec documents for this operation and status."""
    operation = spec()["paths"][path][method.lower()]
    documented = operation["responses"].get(str(status))
    assert documented is not None, f"{method} {path} documents no {status} response"
    content = documented.get("content") or {}
    if not content:
        assert body in (None, b"", ""), f"{method} {path} {status} should have no body"
        return
    schema = next(iter(content.values()))["schema"]
    errors = list(_validator(schema).iter_errors(body))
    assert not errors, f"{method} {path} {status}: " + "; ".join(e.message for e in errors[:5])


def assert_problem(body: Any) -> None:
    assert_schema("Problem", body)


def assert_webhook_event(event: Any) -> None:
    """One event of a delivery matches the spec's schema for its kind."""
    name = event.get("event") if isinstance(event, dict) else None
    assert name in spec()["webhooks"], f"the spec has no webhook event {name!r}"
    schema = spec()["webhooks"][name]["post"]["requestBody"]["content"]["application/json"]
    errors = list(_validator(schema["schema"]).iter_errors(event))
    assert not errors, f"{name}: " + "; ".join(f"{e.json_path}: {e.message}" for e in errors[:5])
