"""Benchmark: many OCPP 1.6J charge points held by one gridlink process.

Provisions N charge points (each on its own user) directly in the database, starts
a real `gridlink serve` (SQLite) on loopback, connects N websockets with HTTP Basic
auth, boots each (which discovers its asset), then has every charge point send a
Heartbeat and a MeterValues (Power.Active.Import) once per `--interval` seconds,
spread evenly, for `--duration` seconds. The load generator is lean (raw
websockets, hand-written OCPP-J frames) and runs on the same machine.

Prints connections held, messages answered per second, answer latency, and the
server's resident memory.

Run: uv run python bench/ocpp_fleet.py [--points 2000] [--interval 60] [--duration 60]
         [--settle 60]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import multiprocessing
import random
import secrets
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import websockets

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gridlink.runtime import collector  # noqa: E402
from tests.support.server import Server, new_data_dir  # noqa: E402


def provision(server: Server, client_id: str, count: int) -> list[tuple[str, str]]:
    from gridlink.connectors.ocpp.provisioning import provision as provision_point
    from gridlink.domain.users import ensure_user

    async def work(session: Any, _vault: Any) -> list[tuple[str, str]]:
        made = []
        for n in range(count):
            user = await ensure_user(session, client_id, f"bench-{n}")
            point = await provision_point(
                session, user, "ZAPTEC", ["charger:read:data"], datetime.now(UTC)
            )
            made.append((point.charge_point_id, point.password))
        return made

    result: list[tuple[str, str]] = server._domain(work)
    return result


class Stats:
    def __init__(self) -> None:
        self.answered = 0
        self.latencies: list[float] = []
        # (when sent, latency): to see whether slow answers come in waves.
        self.timeline: list[tuple[float, float]] = []
        # Only messages sent after this count: the boot storm's backlog is not steady state.
        self.since = float("inf")
        self.errors = 0


async def peer(
    url: str,
    point_id: str,
    password: str,
    stats: Stats,
    interval: float,
    stop: asyncio.Event,
    booted: asyncio.Queue[bool],
) -> None:
    auth = "Basic " + base64.b64encode(f"{point_id}:{password}".encode()).decode()
    try:
        async with websockets.connect(
            f"{url}/ocpp/{point_id}", subprotocols=["ocpp1.6"],  # type: ignore[list-item]
            additional_headers={"Authorization": auth}, open_timeout=120, ping_interval=None,
        ) as socket:  # fmt: skip

            async def send(action: str, payload: dict[str, Any], measure: bool = True) -> None:
                started = time.perf_counter()
                await socket.send(json.dumps([2, secrets.token_hex(8), action, payload]))
                answer = json.loads(await socket.recv())
                if answer[0] != 3:
                    stats.errors += 1
                if measure and started >= stats.since:
                    stats.answered += 1
                    stats.latencies.append(time.perf_counter() - started)
                    stats.timeline.append((started, time.perf_counter() - started))

            await send("BootNotification", {"chargePointVendor": "Zaptec",
                       "chargePointModel": "Go 2"}, measure=False)  # fmt: skip
            await booted.put(True)
            await asyncio.sleep(random.uniform(0, interval))
            while not stop.is_set():
                await send("Heartbeat", {})
                now = datetime.now(UTC).isoformat()
                await send("MeterValues", {"connectorId": 1, "meterValue": [{"timestamp": now,
                           "sampledValue": [{"value": str(random.randint(0, 11000)),
                           "measurand": "Power.Active.Import", "unit": "W"}]}]})  # fmt: skip
                await asyncio.sleep(interval)
    except Exception:
        stats.errors += 1
        await booted.put(False)


def probe(url: str, point_id: str, password: str, seconds: float, results: Any) -> None:
    """One more charger, in a process of its own, sending a Heartbeat every 0.5 s:
    the server's answer time without the load generator's own pauses in it."""

    async def beat() -> list[float]:
        auth = "Basic " + base64.b64encode(f"{point_id}:{password}".encode()).decode()
        latencies = []
        async with websockets.connect(
            f"{url}/ocpp/{point_id}", subprotocols=["ocpp1.6"],  # type: ignore[list-item]
            additional_headers={"Authorization": auth}, ping_interval=None,
        ) as socket:  # fmt: skip
            boot = {"chargePointVendor": "Probe", "chargePointModel": "P"}
            await socket.send(json.dumps([2, "boot", "BootNotification", boot]))
            await socket.recv()
            deadline = time.perf_counter() + seconds
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                await socket.send(json.dumps([2, secrets.token_hex(8), "Heartbeat", {}]))
                await socket.recv()
                latencies.append(time.perf_counter() - started)
                await asyncio.sleep(0.5)
        return latencies

    results.put(asyncio.run(beat()))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def run(
    server: Server,
    points: list[tuple[str, str]],
    prober: tuple[str, str],
    interval: float,
    duration: float,
    settle: float,
) -> None:
    assert server.process is not None
    url = server.url.replace("http://", "ws://")
    stats, stop, booted = Stats(), asyncio.Event(), asyncio.Queue[bool]()
    idle = rss_mb(server.process.pid)
    started = time.perf_counter()
    tasks = []
    for point_id, password in points:
        tasks.append(
            asyncio.create_task(peer(url, point_id, password, stats, interval, stop, booted))
        )
        await asyncio.sleep(0.002)  # a ramp, as a fleet comes online
    ok = 0
    for _ in points:
        ok += await booted.get()
    boot_seconds = time.perf_counter() - started
    print(f"connected and booted: {ok}/{len(points)} in {boot_seconds:.1f} s; "
          f"server RSS idle {idle:.0f} MB → {rss_mb(server.process.pid):.0f} MB")  # fmt: skip
    # The load generator holds as many connections as the server: tuned alike, so that
    # its own collector pauses are not counted as the server's latency.
    collector.tune_for_serving()
    # The boot storm leaves a backlog (early chargers already send meter values while
    # later ones boot): steady state is measured once it has drained.
    await asyncio.sleep(settle)
    results: Any = multiprocessing.Queue()
    probing = multiprocessing.Process(target=probe, args=(url, *prober, duration, results))
    probing.start()
    measuring = stats.since = time.perf_counter()
    await asyncio.sleep(duration)
    probed = sorted(await asyncio.to_thread(results.get))
    await asyncio.to_thread(probing.join)
    measured = stats.answered
    latencies = sorted(stats.latencies)
    print(f"steady state over {duration:.0f} s: {measured / duration:.0f} messages/s answered "
          f"(expected {2 * ok / interval:.0f}/s), errors {stats.errors}")  # fmt: skip
    if latencies:
        p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
        print(f"latency ms: p50 {p(0.5):.1f}  p99 {p(0.99):.1f}  max {latencies[-1] * 1000:.1f}")
        slowest: dict[int, float] = {}
        for at, latency in stats.timeline:
            window = int((at - measuring) // 10) * 10
            slowest[window] = max(slowest.get(window, 0.0), latency)
        print("slowest answer per 10 s: " + ", ".join(
            f"{w}s {v * 1000:.0f}" for w, v in sorted(slowest.items())))  # fmt: skip
    if probed:
        at = lambda q: probed[min(len(probed) - 1, int(q * len(probed)))] * 1000  # noqa: E731
        print(f"probe (a Heartbeat every 0.5 s from its own process), ms: p50 {at(0.5):.1f}  "
              f"p99 {at(0.99):.1f}  max {probed[-1] * 1000:.1f}")  # fmt: skip
    held = rss_mb(server.process.pid)
    each = (held - idle) * 1024 / max(ok, 1)
    print(f"server RSS with {ok} connections: {held:.0f} MB ({each:.0f} KB per charge point)")
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--interval", type=float, default=60.0)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--settle", type=float, default=60.0,
                        help="seconds between the last boot and the measurement")  # fmt: skip
    args = parser.parse_args()
    data_dir = new_data_dir()
    server = Server("sqlite", f"sqlite+aiosqlite:///{data_dir / 'gridlink.db'}", data_dir,
                    secrets.token_urlsafe(32), "admin-" + secrets.token_hex(4))  # fmt: skip
    server.start()
    try:
        client = server.new_client("production")
        started = time.perf_counter()
        points = provision(server, client.client_id, args.points + 1)
        print(f"provisioned {len(points)} charge points in {time.perf_counter() - started:.1f} s")
        prober, points = points[-1], points[:-1]
        asyncio.run(run(server, points, prober, args.interval, args.duration, args.settle))
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
