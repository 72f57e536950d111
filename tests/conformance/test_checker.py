"""The checker itself, on made-up answers: it must refuse what the spec does
not allow, or the conformance suite would prove nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.conformance import check, match, operations
from tests.support.spec import spec

PROBLEM = "application/problem+json"
JSON = "application/json"


@pytest.fixture(autouse=True)
def _needs_the_spec() -> None:
    spec()


def body(value: Any) -> bytes:
    return json.dumps(value).encode()


def problem(title: str = "Not Found", kind: str = "not-found") -> bytes:
    return body({"type": f"https://developers.enode.com/api/problems/{kind}", "title": title,
                 "detail": "Something."})  # fmt: skip


def test_the_spec_has_94_operations_with_unique_ids() -> None:
    assert len(operations()) == 94
    assert len({op.id for op in operations()}) == 94


def test_requests_find_their_operation() -> None:
    found = match("POST", "/vehicles/actions/abc/cancel")
    assert found is not None and found.id == "cancelVehicleAction"
    found = match("GET", "/vehicles/actions/abc")
    assert found is not None and found.id == "getVehiclesAction"
    found = match("DELETE", "/users/u/vendors/TESLA/vehicle")
    assert found is not None and found.id == "disconnectUserVendorVendorType"
    assert match("GET", "/sandbox/clock") is None
    assert match("PUT", "/vehicles/v") is None


def test_declared_answers_pass() -> None:
    assert not check("GET", "/users/u", 200, JSON, body({"id": "u", "linkedVendors": []})).implied
    assert check("DELETE", "/schedules/s", 204, None, b"").status == 204
    assert check("GET", "/batteries/actions/a", 404, None, b"").status == 404


def test_implied_errors_pass_as_problems() -> None:
    assert check("GET", "/users/u", 404, PROBLEM, problem()).implied
    assert check("GET", "/vehicles", 401, PROBLEM, problem("Unauthorized", "unauthorized")).implied
    # An error the spec gives no body for may have a problem, as every error.
    assert not check("GET", "/batteries/actions/a", 404, PROBLEM, problem()).implied


def test_problem_json_stands_in_for_json_only_for_problems() -> None:
    assert check(
        "POST", "/webhooks", 400, PROBLEM, problem("Bad Request", "bad-request")
    ).lenient_type
    with pytest.raises(AssertionError, match="content type"):
        check("POST", "/vehicles/actions/a/cancel", 409, PROBLEM, problem("Conflict", "conflict"))


def test_hem_statistics_errors_are_unwrapped() -> None:
    path = "/hem-systems/h/statistics"
    assert check("GET", path, 400, PROBLEM, problem("Bad Request", "bad-request"))
    with pytest.raises(AssertionError, match="Bad Request"):
        check("GET", path, 400, PROBLEM, problem("Bad request", "bad-request"))
    with pytest.raises(AssertionError, match="content type"):
        check("GET", path, 400, JSON, problem("Bad Request", "bad-request"))


@pytest.mark.parametrize(
    ("method", "path", "status", "content_type", "content", "complaint"),
    [
        ("GET", "/users/u", 418, PROBLEM, problem(), "not implied"),
        ("GET", "/health/ready", 401, PROBLEM, problem(), "not implied"),
        ("GET", "/users", 404, PROBLEM, problem(), "not implied"),  # no id in its path
        ("GET", "/users/u", 200, JSON, body({"id": 1}), "is not of type"),
        ("GET", "/users/u", 200, "text/html", b"<p>hi</p>", "content type"),
        ("GET", "/users/u", 404, JSON, body({"error": "gone"}), "content type"),
        ("GET", "/users/u", 404, PROBLEM, body({"error": "gone"}), "required property"),
        ("DELETE", "/schedules/s", 204, JSON, b"{}", "without a body"),
        ("GET", "/users/u", 200, JSON, b"{not json", "not JSON"),
        ("GET", "/sandbox/clock", 200, JSON, b"{}", "no operation"),
    ],
)  # fmt: skip
def test_what_the_spec_does_not_allow_fails(
    method: str, path: str, status: int, content_type: str, content: bytes, complaint: str
) -> None:
    with pytest.raises(AssertionError, match=complaint):
        check(method, path, status, content_type, content)
