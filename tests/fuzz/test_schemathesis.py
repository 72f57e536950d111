"""schemathesis against the OpenAPI document a running gridlink serves.

Every operation in /openapi.json is called with a bounded, derandomized number
of generated requests per generation mode (positive: data the schema allows;
negative: data it forbids), in two passes:

- as a bare sandbox client, every id generated: answers are mostly 400 and 404;
- as a seeded one (a user with one asset of each type, a location, a tariff, a
  webhook, schedules and actions), with the path ids set to the real ones, so
  that answers carry real documents.

Every answer must be free of 5xx and have a documented status, content type and
body schema. Nothing is skipped: the token endpoint is fuzzed too (with the
bearer header, so it answers 400/401), and destructive calls run last.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.test_sandbox_devices import advance, link
from tests.support.server import Credentials, Server

# Per operation, generation mode and client. CI runs the default, derandomized;
# for a deeper look, raise it and set GRIDLINK_FUZZ_RANDOM=1 for new examples.
EXAMPLES = int(os.environ.get("GRIDLINK_FUZZ_EXAMPLES", "10"))
DERANDOMIZE = os.environ.get("GRIDLINK_FUZZ_RANDOM", "0") != "1"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
USER = "fuzz-user"
ASSETS = {
    "vehicle": ("TESLA", ["vehicle:read:data", "vehicle:read:location",
                          "vehicle:control:charging"]),
    "charger": ("ZAPTEC", ["charger:read:data", "charger:control:charging"]),
    "hvac": ("NIBE", ["hvac:read:data", "hvac:control:mode"]),
    "inverter": ("FRONIUS", ["inverter:read:data", "inverter:read:location"]),
    "battery": ("TESLA", ["battery:read:data", "battery:read:location",
                          "battery:control:operation_mode"]),
    "meter": ("TESLA", ["meter:read:data", "meter:read:location"]),
}  # fmt: skip
PLURAL = {"vehicle": "vehicles", "charger": "chargers", "hvac": "hvacs", "inverter": "inverters",
          "battery": "batteries", "meter": "meters"}  # fmt: skip


@dataclass
class Tally:
    calls: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: dict[str, str] = field(default_factory=dict)
    operations: set[str] = field(default_factory=set)
    by_operation: dict[str, Counter[int]] = field(default_factory=dict)

    def fail(self, where: str, error: BaseException) -> None:
        self.failures.setdefault(where, f"{type(error).__name__}: {error}"[:3000])


def ok(response: httpx.Response) -> Any:
    assert response.status_code < 300, f"{response.request.url}: {response.text}"
    return response.json() if response.content else None


def seed(server: Server, client: Credentials) -> dict[str, str]:
    """A user with one asset of each type and something of everything else;
    returns the path parameters that name them."""
    ids: dict[str, str] = {"userId": USER}
    with server.api(client) as api:
        for asset_type, (vendor, scopes) in ASSETS.items():
            ids[asset_type] = link(server, client, api, USER, asset_type, vendor, scopes)
        advance(api, 120)  # first reports: every document filled in
        # Home is where the vehicle is, so that smart charging makes a plan there.
        where = ok(api.get(f"/vehicles/{ids['vehicle']}"))["location"]
        location = ok(api.post(f"/users/{USER}/locations", json={
            "name": "Home", "latitude": where["latitude"], "longitude": where["longitude"],
            "timezoneName": "Europe/Oslo"}))  # fmt: skip
        ids["locationId"] = location["id"]
        for plural in ("chargers", "hvacs"):
            asset_id = ids[plural.removesuffix("s")]
            ok(api.put(f"/{plural}/{asset_id}", json={"locationId": location["id"]}))
        ok(api.put("/tariffs/fuzz-tariff", json=[{"name": "PEAK", "cost": "0.3"},
                                                  {"name": "OFF", "cost": "0.1"}]))  # fmt: skip
        ids["tariffId"] = "fuzz-tariff"
        ok(api.put(f"/locations/{location['id']}/tariff", json={"tariffId": "fuzz-tariff",
            "tariffIntervals": [{"name": "PEAK", "from": "07:00", "to": "22:00"},
                                {"name": "OFF", "from": "22:00", "to": "24:00"},
                                {"name": "OFF", "from": "00:00", "to": "07:00"}]}))  # fmt: skip
        # Nothing listens on the discard port: deliveries and the test call fail fast.
        webhook = ok(api.post("/webhooks", json={"url": "http://127.0.0.1:9/fuzz",
                                                 "secret": "fuzz-secret"}))  # fmt: skip
        ids["webhookId"] = webhook["id"]
        charge = ok(api.post(f"/users/{USER}/schedules", json={
            "targetId": ids["charger"], "targetType": "charger", "locationId": location["id"],
            "isEnabled": False, "defaultShouldCharge": True,
            "rules": [{"hourMinute": {"from": "07:00", "to": "22:00"}, "shouldCharge": False,
                       "weekdays": [0, 1, 2, 3, 4]}]}))  # fmt: skip
        ok(api.post(f"/users/{USER}/schedules", json={
            "targetId": ids["hvac"], "targetType": "hvac", "isEnabled": False,
            "defaultTargetState": {"holdType": "SCHEDULED"},
            "rules": [{"hourMinute": {"from": "06:00", "to": "09:00"},
                       "targetState": {"mode": "HEAT", "heatSetpoint": 21,
                                       "holdType": "PERMANENT"}}]}))  # fmt: skip
        ids["scheduleId"] = charge["id"]
        ok(api.patch(f"/sandbox/assets/{ids['vehicle']}", json={"isPluggedIn": True,
                                                                "batteryLevel": 40}))  # fmt: skip
        policy = {"isEnabled": True, "deadline": "07:00", "minimumChargeLimit": 10}
        ok(api.put(f"/vehicles/{ids['vehicle']}/smart-charging-policy", json=policy))
        for plural, command, body in (
            ("vehicles", "max-current", {"maxCurrent": 10}),
            ("chargers", "max-current", {"maxCurrent": 10}),
            ("hvacs", "permanent-hold", {"mode": "HEAT", "heatSetpoint": 22}),
            ("batteries", "operation-mode", {"operationMode": "IDLE"}),
        ):
            asset_id = ids[next(t for t, p in PLURAL.items() if p == plural)]
            action = ok(api.post(f"/{plural}/{asset_id}/{command}", json=body))
            ids[f"{plural}/actions"] = action["id"]
        now = advance(api, 30)
        ids["today"] = now.date().isoformat()
        status = ok(api.get(f"/vehicles/{ids['vehicle']}/smart-charging-status"))
        if status["plan"] is not None:
            ids["smartChargingPlanId"] = status["plan"]["id"]
        interventions = ok(api.get("/interventions"))
        if interventions:
            ids["interventionId"] = interventions[0]["id"]
        hem = ok(api.get("/hem-systems"))["data"]
        if hem:
            ids["hemSystemId"] = hem[0]["id"]
    for asset_type in PLURAL:
        ids[f"{asset_type}Id"] = ids[asset_type]
    ids["assetId"] = ids["vehicle"]
    return ids


def known_good(ids: dict[str, str], credentials: Credentials) -> dict[str, dict[str, Any]]:
    """Requests the seeded client can make work, per operation: random bodies and
    queries seldom pass validation, and the answers to these are checked too."""
    since = {"startDate": "2020-01-01T00:00:00Z", "type": "vehicle"}
    return {
        "POST /oauth2/token": {"body": {"grant_type": "client_credentials",
                                        "client_id": credentials.client_id,
                                        "client_secret": credentials.client_secret}},
        "POST /users/{userId}/locations": {"body": {
            "name": "Cabin", "latitude": 61.1, "longitude": 10.4, "timezoneName": "Europe/Oslo"}},
        "POST /users/{userId}/link": {"body": {
            "vendorType": "vehicle", "scopes": ["vehicle:read:data"], "language": "en-US",
            "redirectUri": "https://localhost:3000/done"}},
        "POST /webhooks": {"body": {"url": "http://127.0.0.1:9/second", "secret": "fuzz-secret"}},
        "PUT /locations/{locationId}/tariff": {"body": {"tariffId": ids["tariffId"],
            "tariffIntervals": [{"name": "PEAK", "from": "00:00", "to": "24:00"}]}},
        "POST /users/{userId}/schedules": {"body": {
            "targetId": ids["vehicle"], "targetType": "vehicle", "locationId": None,
            "isEnabled": False, "defaultShouldCharge": True, "rules": []}},
        "PUT /schedules/{scheduleId}": {"body": {"isEnabled": False}},
        "PATCH /sandbox/assets/{assetId}": {"body": {"batteryLevel": 45}},
        "POST /vehicles/{vehicleId}/smart-override": {},
        "DELETE /vehicles/{vehicleId}/smart-override": {},
        "GET /users/{userId}/statistics/charging": {"query": {**since, "resolution": "DAY"}},
        "GET /users/{userId}/statistics/charging/sessions": {"query": since},
        "GET /hem-systems/{hemSystemId}/statistics": {"query": {"interval": ids["today"]}},
    }  # fmt: skip


def path_parameters(operation: Any, ids: dict[str, str]) -> dict[str, str]:
    """The seeded ids that name this operation's path parameters."""
    names = [p.name for p in operation.path_parameters]
    chosen = {}
    for name in names:
        if name == "actionId":
            key = operation.path.split("/actions/")[0].lstrip("/") + "/actions"
            if key in ids:
                chosen[name] = ids[key]
        elif name == "vendor":
            chosen[name] = "TESLA"
        elif name == "vendorType":
            chosen[name] = "vehicle"
        elif name in ids:
            chosen[name] = ids[name]
    return chosen


def order(operation: Any) -> tuple[int, str, str]:
    """Reads and writes first, then sandbox controls, then deletions."""
    method = operation.method.upper()
    rank = 2 if method == "DELETE" else 1 if operation.path.startswith("/sandbox") else 0
    return rank, operation.path, method


def fuzz(
    operation: Any,
    mode: GenerationMode,
    call: Callable[[Any], requests.Response],
    tally: Tally,
    where: str,
    **fixed: Any,
) -> None:
    try:
        strategy = operation.as_strategy(generation_mode=mode, **fixed)
    except Exception as error:
        tally.fail(f"{where}: no strategy", error)
        return

    @settings(max_examples=EXAMPLES, derandomize=DERANDOMIZE, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
              report_multiple_bugs=False)  # fmt: skip
    @given(case=strategy)
    def run(case: Any) -> None:
        response = call(case)
        tally.calls += 1
        tally.statuses[response.status_code] += 1
        tally.by_operation.setdefault(case.operation.label, Counter())[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as error:  # schemathesis's FailureGroup too
            tally.fail(f"{where} -> {response.status_code}", error)

    try:
        run()
    except Unsatisfiable as error:
        if mode is GenerationMode.POSITIVE:
            tally.fail(f"{where}: generation", error)
        # else nothing in this operation can be made invalid: negative mode has no cases
    except (Exception, BaseExceptionGroup) as error:
        tally.fail(f"{where}: generation", error)


@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_every_operation_holds_its_schema_under_fuzzing(
    server: Server, client: Credentials
) -> None:
    started = time.monotonic()
    seeded = server.new_client()
    ids = seed(server, seeded)
    seeded_at = time.monotonic()
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    operations = sorted((r.ok() for r in schema.get_all_operations()), key=order)
    tally = Tally()
    sessions = {
        "bare": (requests.Session(), server.token(client)),
        "seeded": (requests.Session(), server.token(seeded)),
    }

    def caller(who: str) -> Callable[[Any], requests.Response]:
        session, token = sessions[who]

        def call(case: Any) -> requests.Response:
            headers = {"Authorization": f"Bearer {token}"}
            response: requests.Response = case.call(
                base_url=server.url, session=session, headers=headers, timeout=60
            )
            return response

        return call

    good = known_good(ids, seeded)
    for operation in operations:
        tally.operations.add(operation.label)
        fixed = path_parameters(operation, ids)
        extra: dict[str, Any] = {}
        if operation.path == "/sandbox/clock/advance":
            # The seeded client's devices are simulated through the time skipped:
            # keep that short there (the bare client fuzzes the whole range).
            extra["body"] = {"seconds": 60}
        elif operation.path == "/sandbox/clock" and operation.method.upper() == "PATCH":
            extra["body"] = {"speed": 1}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz(operation, mode, caller("bare"), tally, f"{operation.label} [{mode}, bare]")
            fuzz(operation, mode, caller("seeded"), tally, f"{operation.label} [{mode}, seeded]",
                 path_parameters=fixed, **extra)  # fmt: skip
        if operation.label in good:
            fuzz(operation, GenerationMode.POSITIVE, caller("seeded"), tally,
                 f"{operation.label} [known good, seeded]", path_parameters=fixed,
                 **good[operation.label])  # fmt: skip

    for session, _ in sessions.values():
        session.close()
    took = time.monotonic() - started
    summary = (
        f"{len(tally.operations)} operations, {tally.calls} requests in {took:.0f} s "
        f"(seeding {seeded_at - started:.0f} s); statuses {dict(sorted(tally.statuses.items()))}"
    )
    print(summary)  # shown with -s
    for label, statuses in sorted(tally.by_operation.items()):
        if all(status >= 300 for status in statuses):
            print(f"never 2xx: {label} {dict(statuses)}")
    failures = "\n\n".join(f"{where}\n{message}" for where, message in tally.failures.items())
    assert not tally.failures, f"{summary}\n{len(tally.failures)} failing:\n\n{failures}"
    assert len(tally.operations) >= 90 and tally.calls >= len(tally.operations) * EXAMPLES, summary
