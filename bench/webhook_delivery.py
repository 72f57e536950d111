"""Benchmark: webhook delivery end to end, from a state change to its receipt.

Starts a real gridlink server (GRIDLINK_ALLOW_INSECURE_WEBHOOKS=1, so it may deliver to
loopback) and a webhook receiver in a process of its own (a raw asyncio HTTP/1.1
server in this file, under uvloop, which checks each delivery's signature and notes
the moment each one's body is in), then measures:

0. baseline: the load run below before any webhook exists (no events are made);
1. idle: one vehicle, one webhook; single `PATCH /sandbox/assets/{id}` overrides of
   `batteryLevel`, one at a time, `--idle-interval` apart: the latency from just before
   the PATCH is sent to the receipt of its `user:vehicle:updated` event;
2. load: `--loops` concurrent PATCH loops over `--vehicles` vehicles for
   `--load-seconds`: the rate the API accepts changes, the rate events arrive (first
   change sent to last event received) and the latency of every change;
3. advance: one `POST /sandbox/clock/advance` of `--advance-hours` over another
   client's mixed fleet of `--fleet` assets (thousands of events in one call), while a
   probe PATCHes the first client's vehicle every `--probe-interval` until the fleet's
   last event arrived: the rate the fleet's events arrive against the rate the engine
   made them, and the latency another client's changes see meanwhile.

Prints tables and writes the figures to bench/results/webhook_delivery.json. It
asserts nothing about times; it exits 1 when an accepted change's event never arrived,
a PATCH failed or a signature was wrong.

Run: uv run python bench/webhook_delivery.py [--database postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import platform
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Coroutine, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import httpx

SECRET = "bench-receiver-secret"
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "results" / "webhook_delivery.json"
# Clients and their webhooks' hooks share names: load-0, load-1, … and fleet.
LOAD = "load"
FLEET = "fleet"
HEARTBEAT = "system:heartbeat"
BATTERY_FIELD = "chargeState.batteryLevel"
LEVELS = 800  # distinct battery levels a vehicle goes through before repeating


# ---------------------------------------------------------------------- receiver
#
# Runs in its own process (`webhook_delivery.py --receiver --port N`) so that the load
# generator's work never delays a receipt. Receipt times are time.monotonic(), which
# on Linux is CLOCK_MONOTONIC, the same clock in every process of the machine.
#
#   POST /hook/<name>  a delivery: signature checked, events noted, 200 "ok"
#   GET  /stats        {"<name>": {"requests": n, "events": n, "badSignatures": n}}
#   GET  /take         every event noted since the last /take, then forgotten


class _ReceiverState:
    def __init__(self, secret: str) -> None:
        from gridlink.webhooks.signing import is_valid

        self._is_valid = is_valid
        self.secret = secret
        self.stats: dict[str, dict[str, int]] = {}
        # [hook, receipt time, event name, asset id, battery level or None, batch size]
        self.events: list[list[Any]] = []

    def deliver(self, hook: str, headers: Mapping[str, str], body: bytes, at: float) -> None:
        import orjson

        from gridlink.events.catalogue import ASSET_KEYS

        counts = self.stats.setdefault(hook, {"requests": 0, "events": 0, "badSignatures": 0})
        counts["requests"] += 1
        if not self._is_valid(body, self.secret, headers.get("x-enode-signature", "")):
            counts["badSignatures"] += 1
        batch = orjson.loads(body)
        for event in batch:
            name = event.get("event")
            if name == HEARTBEAT:
                counts["heartbeats"] = counts.get("heartbeats", 0) + 1
                continue
            counts["events"] += 1
            asset_id = level = None
            for key in ASSET_KEYS.values():
                if isinstance(event.get(key), dict):
                    asset_id = event[key].get("id")
                    if BATTERY_FIELD in event.get("updatedFields", ()):
                        level = event[key].get("chargeState", {}).get("batteryLevel")
                    break
            self.events.append([hook, at, name, asset_id, level, len(batch)])

    def answer(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> bytes:
        at = time.monotonic()
        if method == "POST" and path.startswith("/hook/"):
            self.deliver(path.removeprefix("/hook/"), headers, body, at)
            return _http(200, b"ok", "text/plain")
        if method == "GET" and path == "/stats":
            return _http(200, json.dumps(self.stats).encode())
        if method == "GET" and path == "/take":
            taken, self.events = self.events, []
            return _http(200, json.dumps(taken).encode())
        return _http(404, b"not found", "text/plain")


def _http(status: int, body: bytes, content_type: str = "application/json") -> bytes:
    reason = {200: "OK", 404: "Not Found"}[status]
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class _Connection(asyncio.Protocol):
    """HTTP/1.1 with keep-alive and Content-Length bodies: what httpx sends."""

    def __init__(self, state: _ReceiverState) -> None:
        self._state = state
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while True:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = bytes(self._buffer[:end]).decode("latin-1").split("\r\n")
            method, path, _version = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if len(self._buffer) < end + 4 + length:
                return
            body = bytes(self._buffer[end + 4 : end + 4 + length])
            del self._buffer[: end + 4 + length]
            assert self._transport is not None
            self._transport.write(self._state.answer(method, path, headers, body))


def run_receiver(port: int, secret: str) -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass

    async def main() -> None:
        state = _ReceiverState(secret)
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: _Connection(state), "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


# ------------------------------------------------------------------------ figures


def percentile(ordered: list[float], share: float) -> float:
    """Nearest rank of an ascending list."""
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, math.ceil(len(ordered) * share) - 1))]


def spread(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "count": len(ordered),
        "p50_ms": percentile(ordered, 0.50) * 1000,
        "p99_ms": percentile(ordered, 0.99) * 1000,
        "max_ms": (ordered[-1] if ordered else math.nan) * 1000,
    }


Vehicle = tuple[str, str]  # its client's name, its asset id


@dataclass
class Change:
    """One PATCH: which vehicle, the level it set, when it was sent and answered."""

    asset_id: str
    level: float
    sent: float
    answered: float
    ok: bool


@dataclass
class Phase:
    name: str
    changes: int  # state changes the API accepted (or, for the advance, events made)
    change_window_s: float  # first sent to last answered
    delivered: int  # events received
    first_to_last_s: float  # first change sent to last event received
    lag_after_last_change_s: float  # last change answered to last event received
    deliveries: int  # POSTs the receiver took
    missing: int = 0  # accepted changes whose event never came
    latency_from_send: dict[str, float] = field(default_factory=dict)
    latency_from_answer: dict[str, float] = field(default_factory=dict)
    patch_answer: dict[str, float] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def accepted_per_s(self) -> float:
        return self.changes / self.change_window_s if self.change_window_s > 0 else math.nan

    @property
    def delivered_per_s(self) -> float:
        return self.delivered / self.first_to_last_s if self.first_to_last_s > 0 else math.nan

    @property
    def ratio(self) -> float:
        return self.delivered_per_s / self.accepted_per_s


def match(
    changes: list[Change], received: list[list[Any]], prefix: str
) -> tuple[dict[int, float], int]:
    """Each accepted change's receipt time (its vehicle and level are unique)."""
    arrived: dict[tuple[str, float], float] = {}
    mine = (r for r in received if r[0].startswith(prefix))
    for _hook, at, _event, asset_id, level, _size in mine:
        if level is not None:
            arrived.setdefault((asset_id, round(level, 1)), at)
    found = {}
    missing = 0
    for change in changes:
        if not change.ok:
            continue
        at = arrived.get((change.asset_id, round(change.level, 1)))
        if at is None:
            missing += 1
        else:
            found[id(change)] = at
    return found, missing


def patch_phase(
    name: str, changes: list[Change], received: list[list[Any]], prefix: str, deliveries: int
) -> Phase:
    found, missing = match(changes, received, prefix)
    accepted = [c for c in changes if c.ok]
    first = min(c.sent for c in changes)
    last_answer = max(c.answered for c in changes)
    last_receipt = max(found.values(), default=math.nan)
    return Phase(
        name=name,
        changes=len(accepted),
        change_window_s=last_answer - first,
        delivered=len(found),
        first_to_last_s=last_receipt - first,
        lag_after_last_change_s=last_receipt - last_answer,
        deliveries=deliveries,
        missing=missing,
        latency_from_send=spread([found[id(c)] - c.sent for c in accepted if id(c) in found]),
        latency_from_answer=spread([found[id(c)] - c.answered for c in accepted if id(c) in found]),
        patch_answer=spread([c.answered - c.sent for c in changes]),
        notes={"failed_patches": len(changes) - len(accepted)},
    )


# ------------------------------------------------------------------------ drivers


class Bench:
    def __init__(
        self, base_url: str, receiver_url: str, tokens: Mapping[str, str], database_url: str
    ) -> None:
        from gridlink.db.engine import Database

        self.db = Database(database_url)  # to see what is left to deliver
        self.base_url = base_url
        self.receiver_url = receiver_url
        self.tokens = tokens
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
        self.http = httpx.AsyncClient(timeout=120, limits=limits, trust_env=False)
        self._levels: dict[str, itertools.count[int]] = {}

    def bearer(self, client: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[client]}"}

    def next_level(self, asset_id: str) -> float:
        """A level this vehicle has not had lately: 20.0, 20.1, … 99.9, 20.0, … (a
        vehicle's events show its level to one decimal)."""
        counter = self._levels.setdefault(asset_id, itertools.count())
        return round(20 + (next(counter) % LEVELS) / 10, 1)

    async def change(self, vehicle: Vehicle) -> Change:
        client, asset_id = vehicle
        level = self.next_level(asset_id)
        sent = time.monotonic()
        try:
            answer = await self.http.patch(
                f"{self.base_url}/sandbox/assets/{asset_id}",
                json={"batteryLevel": level},
                headers=self.bearer(client),
            )
            ok = answer.status_code == 200
            if not ok:
                print(f"  PATCH answered {answer.status_code} {answer.text}", file=sys.stderr)
        except httpx.HTTPError as error:
            print(f"  PATCH failed: {error!r}", file=sys.stderr)
            ok = False
        return Change(asset_id, level, sent, time.monotonic(), ok)

    async def stats(self) -> dict[str, dict[str, int]]:
        answer = await self.http.get(self.receiver_url + "/stats")
        stats: dict[str, dict[str, int]] = answer.json()
        return stats

    async def take(self) -> list[list[Any]]:
        answer = await self.http.get(self.receiver_url + "/take")
        taken: list[list[Any]] = answer.json()
        return taken

    async def hook_counts(self, prefix: str) -> tuple[int, int]:
        """Events and deliveries (POSTs) the receiver has had so far on the hooks whose
        names start with `prefix`."""
        hooks = [c for hook, c in (await self.stats()).items() if hook.startswith(prefix)]
        return sum(c["events"] for c in hooks), sum(c["requests"] for c in hooks)

    async def wait_for_events(self, hook: str, expected: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (await self.hook_counts(hook))[0] >= expected:
                return
            await asyncio.sleep(0.05)
        got = (await self.hook_counts(hook))[0]
        print(f"  warning: {hook}: {got} of {expected} events after {timeout:g}s", file=sys.stderr)

    async def subscribe(self, client: str) -> None:
        """A webhook of the client's, delivering to /hook/<client>."""
        answer = await self.http.post(
            f"{self.base_url}/webhooks",
            json={"url": f"{self.receiver_url}/hook/{client}", "secret": SECRET},
            headers=self.bearer(client),
        )
        if answer.status_code != 200:
            sys.exit(f"error: POST /webhooks answered {answer.status_code} {answer.text}")

    async def advance(self, client: str, seconds: float) -> None:
        answer = await self.http.post(
            f"{self.base_url}/sandbox/clock/advance",
            json={"seconds": seconds},
            headers=self.bearer(client),
            timeout=3600,
        )
        if answer.status_code != 200:
            sys.exit(f"error: advance answered {answer.status_code} {answer.text}")


async def idle_phase(bench: Bench, vehicle: Vehicle, count: int, interval: float) -> Phase:
    print(f"Idle: {count} single changes, {interval * 1000:g} ms apart…", file=sys.stderr)
    await bench.take()
    before, posts_before = await bench.hook_counts(LOAD)
    changes = []
    for _ in range(count):
        changes.append(await bench.change(vehicle))
        await asyncio.sleep(interval)
    accepted = sum(c.ok for c in changes)
    await bench.wait_for_events(LOAD, before + accepted, timeout=30)
    _, posts = await bench.hook_counts(LOAD)
    name = f"idle: 1 change every {interval * 1000:g} ms"
    return patch_phase(name, changes, await bench.take(), LOAD, posts - posts_before)


async def load_phase(
    bench: Bench,
    vehicles: list[Vehicle],
    loops: int,
    seconds: float,
    drain: float,
    webhooks: bool = True,
) -> Phase:
    """`loops` PATCH loops for `seconds`; with `webhooks` False, before any webhook
    exists (no events are made: the API's own rate, the baseline)."""
    clients = len({client for client, _ in vehicles})
    print(
        f"Load{'' if webhooks else ' (baseline, no webhook)'}: {loops} PATCH loops over "
        f"{len(vehicles)} vehicles of {clients} client(s) for {seconds:g}s…",
        file=sys.stderr,
    )
    await bench.take()
    before, posts_before = await bench.hook_counts(LOAD)
    turns = itertools.count()
    changes: list[Change] = []
    stop_at = time.monotonic() + seconds

    async def loop() -> None:
        while time.monotonic() < stop_at:
            changes.append(await bench.change(vehicles[next(turns) % len(vehicles)]))

    await asyncio.gather(*(loop() for _ in range(loops)))
    accepted = sum(c.ok for c in changes)
    of = f"{len(vehicles)} vehicles" + (f" of {clients} clients" if clients > 1 else "")
    if not webhooks:
        phase = patch_phase(f"baseline: {loops} loops, no webhook", changes, [], LOAD, 0)
        phase.missing = 0  # none were owed
        phase.notes.update(loops=loops, vehicles=len(vehicles), clients=clients)
        return phase
    print(f"  {accepted:,} changes accepted; waiting for their events…", file=sys.stderr)
    await bench.wait_for_events(LOAD, before + accepted, timeout=drain)
    _, posts = await bench.hook_counts(LOAD)
    name = f"load: {loops} loops, {of}"
    phase = patch_phase(name, changes, await bench.take(), LOAD, posts - posts_before)
    phase.notes.update(loops=loops, vehicles=len(vehicles), clients=clients, seconds=seconds)
    return phase


async def backlog(db: Any, client_id: str) -> tuple[bool, int]:
    """Whether a client's webhook has yet to take some of its events, and its pending
    deliveries: (False, 0) once every event made so far is delivered."""
    from sqlalchemy import func, select

    from gridlink.db.tables import Event, Webhook, WebhookDelivery
    from gridlink.domain.webhooks import PENDING

    async with db.read() as connection:
        newest = await connection.scalar(
            select(func.max(Event.pk)).where(Event.client_id == client_id)
        )
        cursor = await connection.scalar(
            select(func.min(Webhook.cursor)).where(Webhook.client_id == client_id)
        )
        pending = await connection.scalar(
            select(func.count())
            .select_from(WebhookDelivery)
            .join(Webhook, Webhook.pk == WebhookDelivery.webhook_pk)
            .where(Webhook.client_id == client_id, WebhookDelivery.state == PENDING)
        )
    behind = newest is not None and (cursor is None or cursor < newest)
    return behind, int(pending or 0)


async def drain(db: Any, client_id: str, timeout: float) -> None:
    """Waits until a client's webhook has delivered every event made so far."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await backlog(db, client_id) == (False, 0):
            return
        await asyncio.sleep(0.1)
    print(f"  warning: deliveries still pending after {timeout:g}s", file=sys.stderr)


async def advance_phase(
    bench: Bench,
    hours: float,
    fleet: int,
    probe_vehicle: Vehicle,
    probe_interval: float,
    fleet_client_id: str,
    drain_timeout: float,
) -> list[Phase]:
    print(
        f"Advance: {hours:g} h of {fleet} assets in one call, a probe change every "
        f"{probe_interval * 1000:g} ms on another client until every event arrived…",
        file=sys.stderr,
    )
    await bench.take()
    _, fleet_posts_before = await bench.hook_counts(FLEET)
    load_before, load_posts_before = await bench.hook_counts(LOAD)
    started = time.monotonic()

    async def advance_and_drain() -> tuple[float, float]:
        await bench.advance(FLEET, hours * 3600)
        answered = time.monotonic()
        print(f"  the advance answered after {answered - started:.2f}s…", file=sys.stderr)
        await drain(bench.db, fleet_client_id, drain_timeout)
        return answered, time.monotonic()

    running = asyncio.create_task(advance_and_drain())
    probes: list[Change] = []
    while not running.done():
        probes.append(await bench.change(probe_vehicle))
        await asyncio.sleep(probe_interval)
    answered, drained = await running
    await bench.wait_for_events(LOAD, load_before + sum(c.ok for c in probes), timeout=30)
    received = await bench.take()
    _, fleet_posts = await bench.hook_counts(FLEET)
    _, load_posts = await bench.hook_counts(LOAD)
    mine = [r for r in received if r[0] == FLEET]
    last = max((r[1] for r in mine), default=math.nan)
    by_name: dict[str, int] = {}
    for r in mine:
        by_name[r[2]] = by_name.get(r[2], 0) + 1
    made = Phase(
        name=f"advance: {hours:g} h of {fleet:,} assets",
        changes=len(mine),  # every event the advance made arrived (drained above)
        change_window_s=answered - started,
        delivered=len(mine),
        first_to_last_s=last - started,
        lag_after_last_change_s=last - answered,
        deliveries=fleet_posts - fleet_posts_before,
        notes={
            "advance_wall_s": answered - started,
            # Delivery on its own: what arrived after the advance answered, over that span.
            "after_answer_events": sum(r[1] > answered for r in mine),
            "drained_after_s": drained - started,
            "events_by_name": by_name,
        },
    )
    posts = load_posts - load_posts_before
    during = [c for c in probes if c.sent < answered]
    after = [c for c in probes if c.sent >= answered]
    phases = [made]
    if during:
        phases.append(patch_phase("probe: other client, during it", during, received, LOAD, 0))
    if after:
        phases.append(patch_phase("probe: other client, its backlog", after, received, LOAD, 0))
    for phase in phases[1:]:
        phase.notes["deliveries_of_all_probes"] = posts
    return phases


async def measured(
    pids: Mapping[str, int], phase: Coroutine[Any, Any, Phase | list[Phase]]
) -> list[Phase]:
    """Runs a phase, noting the CPU time the server and the receiver used meanwhile
    (as a share of one core over the phase's wall time) on its first row."""
    from sandbox_fast_forward import cpu_seconds

    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    started = time.monotonic()
    done = await phase
    wall = time.monotonic() - started
    phases = done if isinstance(done, list) else [done]
    for name, pid in pids.items():
        used, was = cpu_seconds(pid), before[name]
        if used is not None and was is not None:
            phases[0].notes[f"{name}_cpu_share"] = (used - was) / wall
    phases[0].notes["wall_s"] = wall
    return phases


# ------------------------------------------------------------------------- set-up


async def _vehicle_ids(database_url: str, client_id: str) -> list[str]:
    from sqlalchemy import select

    from gridlink.db.engine import Database
    from gridlink.db.tables import Asset

    db = Database(database_url)
    try:
        async with db.read() as connection:
            rows = await connection.scalars(
                select(Asset.id)
                .where(Asset.client_id == client_id, Asset.asset_type == "vehicle")
                .order_by(Asset.pk)
            )
            return list(rows)
    finally:
        await db.dispose()


def link(
    env: Mapping[str, str], database_url: str, secret_key: str, homes: list[list[str]]
) -> dict[str, str]:
    """A sandbox client whose clock stands still, with these homes linked."""
    from sandbox_fast_forward import _link_homes
    from users_get import gridlink_cli

    client = gridlink_cli(env, "client", "create", "--name", "bench", "--environment", "sandbox")
    asyncio.run(
        _link_homes(
            database_url, secret_key, client["clientId"], homes, 100, 1e-6, lambda _done: None
        )
    )
    return {"clientId": client["clientId"], "clientSecret": client["clientSecret"]}


def token(base_url: str, client: Mapping[str, str]) -> str:
    issued = httpx.post(
        base_url + "/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(client["clientId"], client["clientSecret"]),
        timeout=30,
    )
    issued.raise_for_status()
    value: str = issued.json()["access_token"]
    return value


# ------------------------------------------------------------------------- report


def _ms(value: float | None) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:,.1f}"


def _rate(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:,.0f}"


def table(phases: list[Phase], backend: str) -> str:
    rule = "|" + "|".join("-" * w for w in (42, 9, 11, 9, 10, 7, 9, 9, 9)) + "|"
    lines = [
        f"Webhook delivery to a loopback receiver, {backend}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
        "",
        f"| {'scenario':<40} | {'changes':>7} | {'changes/s':>9} | {'events':>7} "
        f"| {'events/s':>8} | {'ratio':>5} | {'p50 ms':>7} | {'p99 ms':>7} | {'max ms':>7} |",
        rule,
    ]
    for phase in phases:
        single = phase.name.startswith(("idle", "probe"))  # one at a time: no rates
        silent = phase.name.startswith("baseline")  # no webhook: no events
        latency = phase.latency_from_send
        lines.append(
            f"| {phase.name:<40} | {phase.changes:>7,} "
            f"| {'-' if single else _rate(phase.accepted_per_s):>9} "
            f"| {'-' if silent else f'{phase.delivered:,}':>7} "
            f"| {'-' if single or silent else _rate(phase.delivered_per_s):>8} "
            f"| {'-' if single or silent else f'{phase.ratio:.2f}':>5} "
            f"| {_ms(latency.get('p50_ms')):>7} | {_ms(latency.get('p99_ms')):>7} "
            f"| {_ms(latency.get('max_ms')):>7} |"
        )
    rule = "|" + "|".join("-" * w for w in (42, 11, 11, 13, 13, 9, 9, 9, 9)) + "|"
    lines += [
        "",
        f"| {'scenario':<40} | {'PATCH p50':>9} | {'PATCH p99':>9} | {'ans→rcv p50':>11} "
        f"| {'ans→rcv p99':>11} | {'ev/POST':>7} | {'tail ms':>7} | {'srv CPU':>7} "
        f"| {'rcv CPU':>7} |",
        rule,
    ]
    for phase in phases:
        notes = phase.notes
        cpu = {
            who: f"{notes[f'{who}_cpu_share']:.0%}" if f"{who}_cpu_share" in notes else "-"
            for who in ("server", "receiver")
        }
        per_post = f"{phase.delivered / phase.deliveries:,.1f}" if phase.deliveries else "-"
        tail = phase.lag_after_last_change_s * 1000
        lines.append(
            f"| {phase.name:<40} | {_ms(phase.patch_answer.get('p50_ms')):>9} "
            f"| {_ms(phase.patch_answer.get('p99_ms')):>9} "
            f"| {_ms(phase.latency_from_answer.get('p50_ms')):>11} "
            f"| {_ms(phase.latency_from_answer.get('p99_ms')):>11} | {per_post:>7} "
            f"| {'-' if math.isnan(tail) else f'{tail:,.0f}':>7} | {cpu['server']:>7} "
            f"| {cpu['receiver']:>7} |"
        )
    lines += [
        "",
        "changes/s: changes the API accepted (PATCHes answered 200, first sent to last "
        "answered; the advance: events it made over the call's wall time). events/s: events "
        "received, first change sent to last receipt. ratio: events/s over changes/s. "
        "p50/p99/max: receipt minus the moment just before the PATCH was sent. ans→rcv: "
        "receipt minus the PATCH's answer. ev/POST: events per delivery. tail: last receipt "
        "after the last answer. CPU: share of one core over the phase.",
        "",
    ]
    for phase in phases:
        after = phase.notes.get("after_answer_events")
        if after and phase.lag_after_last_change_s > 0:
            lines.append(
                f"{phase.name}: the call took {phase.change_window_s:,.2f} s; "
                f"{phase.delivered - after:,} events arrived while it ran, {after:,} after "
                f"({after / phase.lag_after_last_change_s:,.0f}/s)."
            )
        if phase.missing:
            lines.append(f"{phase.name}: {phase.missing} accepted changes never arrived!")
        if phase.notes.get("failed_patches"):
            lines.append(f"{phase.name}: {phase.notes['failed_patches']} PATCHes failed!")
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--idle-changes", type=int, default=200, help="changes in the idle run")
    parser.add_argument(
        "--idle-interval", type=float, default=0.05, help="seconds between idle changes"
    )
    parser.add_argument("--vehicles", type=int, default=100, help="vehicles of the load run")
    parser.add_argument("--loops", type=int, default=8, help="concurrent PATCH loops under load")
    parser.add_argument(
        "--load-clients", type=int, default=1,
        help="clients the load run's vehicles are shared among, a webhook each (one "
        "client's changes run one at a time)",
    )  # fmt: skip
    parser.add_argument("--load-seconds", type=float, default=15.0, help="length of the load run")
    parser.add_argument("--fleet", type=int, default=1000, help="assets of the advanced fleet")
    parser.add_argument(
        "--advance-hours", type=float, default=4.0, help="sandbox hours the fleet advances"
    )
    parser.add_argument(
        "--probe-interval", type=float, default=0.1, help="seconds between probe changes"
    )
    parser.add_argument("--no-advance", action="store_true", help="skip the fleet advance")
    parser.add_argument(
        "--no-baseline", action="store_true",
        help="skip the load run before any webhook exists",
    )  # fmt: skip
    parser.add_argument(
        "--drain-timeout", type=float, default=120.0, help="wait this long for events to arrive"
    )
    parser.add_argument(
        "--database", choices=("sqlite", "postgresql"), default="sqlite",
        help="sqlite (the default data dir's file) or a throwaway PostgreSQL cluster",
    )  # fmt: skip
    parser.add_argument(
        "--postgresql", action="store_const", const="postgresql", dest="database",
        help="the same as --database postgresql",
    )  # fmt: skip
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="JSON results file")
    parser.add_argument(
        "--keep-data", action="store_true", help="leave the temporary data dir in place"
    )
    parser.add_argument("--receiver", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if min(args.idle_changes, args.vehicles, args.loops, args.fleet, args.load_clients) < 1:
        parser.error(
            "--idle-changes, --vehicles, --loops, --load-clients and --fleet must be at least 1"
        )
    if args.load_clients > args.vehicles:
        parser.error("--load-clients must be at most --vehicles")
    if args.load_seconds <= 0 or args.advance_hours <= 0:
        parser.error("--load-seconds and --advance-hours must be above 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.receiver:
        run_receiver(args.port, SECRET)
        return 0

    from sandbox_fast_forward import git_modified, plan_homes, start_postgres
    from users_get import free_port, git_commit, serve, wait_until

    data_dir = Path(tempfile.mkdtemp(prefix="gridlink-bench-"))
    cluster = None
    if args.database == "postgresql":
        print("Starting a throwaway PostgreSQL cluster…", file=sys.stderr)
        cluster, database_url = start_postgres()
    else:
        database_url = f"sqlite+aiosqlite:///{data_dir / 'gridlink.db'}"
    secret_key = secrets.token_urlsafe(48)
    base_env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GRIDLINK_DATABASE_URL", "GRIDLINK_PUBLIC_URL", "GRIDLINK_SECRET_KEY")
    }
    grid_env = {
        **base_env,
        "GRIDLINK_DATA_DIR": str(data_dir),
        "GRIDLINK_DATABASE_URL": database_url,
        "GRIDLINK_SECRET_KEY": secret_key,
        "GRIDLINK_BOOTSTRAP": "0",
        "GRIDLINK_ADMIN_PASSWORD": "x",
        "GRIDLINK_ALLOW_INSECURE_WEBHOOKS": "1",
    }
    phases: list[Phase] = []
    received: dict[str, dict[str, int]] = {}  # the receiver's counts per hook
    try:
        print(
            f"Linking {args.vehicles} vehicles ({args.load_clients} client(s)) and "
            f"{args.fleet} mixed assets (another client) in {data_dir}…",
            file=sys.stderr,
        )
        started = time.perf_counter()
        clients: dict[str, dict[str, str]] = {}
        per_client: list[list[Vehicle]] = []
        for index in range(args.load_clients):
            name = f"{LOAD}-{index}"
            count = len(range(index, args.vehicles, args.load_clients))
            clients[name] = link(grid_env, database_url, secret_key, [["vehicle"]] * count)
            ids = asyncio.run(_vehicle_ids(database_url, clients[name]["clientId"]))
            per_client.append([(name, asset_id) for asset_id in ids])
        # Dealt round robin, so consecutive changes go to different clients.
        vehicles = [v for turn in itertools.zip_longest(*per_client) for v in turn if v]
        if not args.no_advance:
            clients[FLEET] = link(grid_env, database_url, secret_key, plan_homes(args.fleet, 4))
        print(f"  took {time.perf_counter() - started:.1f}s", file=sys.stderr)
        code = {"git_commit": git_commit(), "git_modified": git_modified()}
        port, receiver_port = free_port(), free_port()
        receiver_command = [
            sys.executable, str(Path(__file__).resolve()), "--receiver",
            "--port", str(receiver_port),
        ]  # fmt: skip
        server_command = [
            sys.executable, "-m", "gridlink", "serve", "--host", "127.0.0.1", "--port", str(port),
        ]  # fmt: skip
        with (
            serve("receiver", receiver_command, base_env, receiver_port,
                  data_dir / "receiver.log") as receiver,
            serve("gridlink", server_command, grid_env, port, data_dir / "gridlink.log") as grid,
        ):  # fmt: skip
            wait_until(receiver, "/stats", {200})
            wait_until(grid, "/health/ready", {204})
            tokens = {name: token(grid.base_url, client) for name, client in clients.items()}

            pids = {"server": grid.process.pid, "receiver": receiver.process.pid}

            async def measure() -> None:
                bench = Bench(grid.base_url, receiver.base_url, tokens, database_url)
                try:
                    # Every device's first report (3 s after linking), before any
                    # webhook exists: no events yet. Then a webhook per client.
                    for name in tokens:
                        await bench.advance(name, 5)
                    if not args.no_baseline:
                        for vehicle in vehicles[:20]:
                            await bench.change(vehicle)  # warm-up
                        phases.extend(
                            await measured(
                                pids, load_phase(bench, vehicles, args.loops,
                                                 args.load_seconds, 0, webhooks=False),
                            )
                        )  # fmt: skip
                    for name in tokens:
                        await bench.subscribe(name)
                    # Warm-up, so the workers are running and every path is warm
                    # (imports, connections, caches): a few changes, and a few sandbox
                    # minutes of the fleet.
                    warm = [await bench.change(v) for v in vehicles[: max(20, args.load_clients)]]
                    await bench.wait_for_events(LOAD, sum(c.ok for c in warm), 30)
                    if FLEET in clients:
                        await bench.advance(FLEET, 300)
                        await drain(bench.db, clients[FLEET]["clientId"], 30)
                    await asyncio.sleep(1.0)
                    phases.extend(
                        await measured(
                            pids, idle_phase(bench, vehicles[0], args.idle_changes,
                                             args.idle_interval),
                        )
                    )  # fmt: skip
                    phases.extend(
                        await measured(
                            pids, load_phase(bench, vehicles, args.loops, args.load_seconds,
                                             args.drain_timeout),
                        )
                    )  # fmt: skip
                    if FLEET in clients:
                        await asyncio.sleep(1.0)
                        phases.extend(
                            await measured(
                                pids, advance_phase(
                                    bench, args.advance_hours, args.fleet, vehicles[0],
                                    args.probe_interval, clients[FLEET]["clientId"],
                                    args.drain_timeout,
                                ),
                            )
                        )  # fmt: skip
                    stats = await bench.stats()
                    received.update(stats)
                    bad = sum(s.get("badSignatures", 0) for s in stats.values())
                    if bad:
                        print(f"  warning: {bad} deliveries had a bad signature", file=sys.stderr)
                finally:
                    await bench.http.aclose()
                    await bench.db.dispose()

            asyncio.run(measure())
    finally:
        if args.keep_data:
            print(f"Data and the servers' logs kept in {data_dir}", file=sys.stderr)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
        if cluster is not None:
            cluster.stop()

    backend = "PostgreSQL" if args.database == "postgresql" else "SQLite"
    print()
    print(table(phases, backend))
    report = {
        "benchmark": "webhook_delivery",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        **code,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "database": backend,
        "options": {k: v for k, v in vars(args).items() if k not in ("receiver", "port")},
        "receiver": received,
        "phases": [
            {
                **asdict(phase),
                "accepted_per_s": phase.accepted_per_s,
                "delivered_per_s": phase.delivered_per_s,
                "ratio": phase.ratio,
            }
            for phase in phases
        ],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"\nWrote {args.output}")
    bad = sum(counts.get("badSignatures", 0) for counts in received.values())
    failed = bad or any(p.missing or p.notes.get("failed_patches") for p in phases)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
