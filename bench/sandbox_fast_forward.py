"""Benchmark: fast-forwarding a sandbox of many linked assets, and asset lists.

Creates a sandbox client whose users have linked N virtual assets of all six types
(homes of a few devices per user), directly in the database through gridlink's own
Link-session functions; then starts a real gridlink server on its own temporary data
dir and:

1. advances the client's sandbox clock by a few seconds, so every device reports once
   (the warm-up, timed but kept out of the figures);
2. makes ONE `POST /sandbox/clock/advance` call of `--hours` (default 24) simulated
   hours, which runs every simulated event of the span before it answers, and counts
   the device events and asset reports the server processed meanwhile (the server
   runs under bench/_counting_serve.py, see bench/README.md), while timing
   `GET /health/ready` answers one after the other;
3. load-tests `GET /vehicles?pageSize=50` and `GET /users/{userId}/vehicles` with wrk
   (-t2 -c50), as bench/users_get.py does.

Prints a table and writes the figures to bench/results/sandbox_fast_forward.json.

Run: uv run python bench/sandbox_fast_forward.py [--assets 10000] [--hours 24]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from _counting_serve import COUNTED_TYPES, COUNTER_SIZE, read_counters
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from users_get import (
    BENCH_DIR,
    LUA_BEARER,
    PROJECT_DIR,
    Server,
    WrkResult,
    ensure_wrk,
    free_port,
    git_commit,
    gridlink_cli,
    run_wrk,
    serve,
    wait_until,
)

DEFAULT_OUTPUT = BENCH_DIR / "results" / "sandbox_fast_forward.json"
COUNTING_SERVER = BENCH_DIR / "_counting_serve.py"

# Share of each asset type among the N assets, and the order they are dealt to homes
# in (round robin, so every home gets a spread of types and meters and batteries
# always have neighbours to measure).
MIX: dict[str, float] = {
    "vehicle": 0.35,
    "charger": 0.10,
    "hvac": 0.15,
    "inverter": 0.15,
    "battery": 0.10,
    "meter": 0.15,
}
DEAL_ORDER = ("meter", "inverter", "battery", "hvac", "charger", "vehicle")
REDIRECT_URI = "https://localhost:3000"
USER_PREFIX = "bench-home-"
PLURAL = {kind: "batteries" if kind == "battery" else f"{kind}s" for kind in MIX}

console = Console(stderr=True)


# ------------------------------------------------------------------------- plan


def type_counts(assets: int) -> dict[str, int]:
    """How many assets of each type make `assets` in MIX's shares (largest remainder)."""
    exact = {kind: assets * share for kind, share in MIX.items()}
    counts = {kind: math.floor(value) for kind, value in exact.items()}
    by_remainder = sorted(exact, key=lambda kind: exact[kind] - counts[kind], reverse=True)
    for kind in by_remainder[: assets - sum(counts.values())]:
        counts[kind] += 1
    return counts


def plan_homes(assets: int, per_home: int) -> list[list[str]]:
    """The asset types of every home: devices dealt round robin, type by type."""
    counts = type_counts(assets)
    homes: list[list[str]] = [[] for _ in range(max(1, math.ceil(assets / per_home)))]
    dealt = (kind for kind in DEAL_ORDER for _ in range(counts[kind]))
    for index, kind in enumerate(dealt):
        homes[index % len(homes)].append(kind)
    return homes


def vendor_choices() -> dict[str, list[str]]:
    """A few brands per type (vehicles: those with catalogue models, for varied cars)."""
    from gridlink.domain.catalogue import VEHICLE_MODELS
    from gridlink.domain.vendors import VENDORS

    choices = {kind: list(VENDORS[kind][:4]) for kind in MIX}
    choices["vehicle"] = list(VEHICLE_MODELS)
    return choices


def scopes_of(kind: str) -> list[str]:
    from gridlink.domain.vendors import SCOPES

    return [scope for scope in SCOPES if scope.startswith(f"{kind}:")]


# ------------------------------------------------------------------------ set-up


class Ticker:
    """A progress bar on a terminal; a line every `every` seconds in a log file."""

    def __init__(self, description: str, total: int | None, every: float = 30.0) -> None:
        self._description = description
        self._total = total
        self._every = every
        self._done = 0
        self._started = self._said = time.monotonic()
        self._progress: Progress | None = None
        self._task: Any = None

    def __enter__(self) -> Ticker:
        if console.is_terminal:
            self._progress = Progress(
                TextColumn("  {task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=console,
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self._description, total=self._total, rate="")
        return self

    def update(self, done: int) -> None:
        self._done = done
        elapsed = time.monotonic() - self._started
        rate = f"{done / elapsed:,.0f}/s" if elapsed > 0 else ""
        if self._progress is not None:
            self._progress.update(self._task, completed=done, rate=rate)
        elif time.monotonic() - self._said >= self._every:
            self._said = time.monotonic()
            total = f"/{self._total:,}" if self._total else ""
            console.print(f"  {self._description}: {done:,}{total} after {elapsed:,.0f}s ({rate})")

    def __exit__(self, *_exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


@dataclass
class Setup:
    client_id: str
    client_secret: str
    users: int
    assets: int
    by_type: dict[str, int]
    seconds: float
    first_user_with_vehicle: str


async def _link_homes(
    database_url: str,
    secret_key: str,
    client_id: str,
    homes: list[list[str]],
    homes_per_transaction: int,
    clock_speed: float,
    on_progress: Callable[[int], None],
) -> None:
    """Links every home's devices as Link UI would, a transaction per batch of homes.

    For each device: create_virtual_asset (its vendor account), create_link_session
    with the device's type and brand, then the flow's steps (start, accept_review,
    sign_in, finish_linking, complete), which create the user's vendor connection,
    discover the asset and start simulating the virtual asset.
    """
    from gridlink.connectors.sandbox import clock
    from gridlink.connectors.sandbox.accounts import SandboxAccounts, create_virtual_asset
    from gridlink.crypto import Vault
    from gridlink.db.engine import Database
    from gridlink.domain import link_sessions as flow
    from gridlink.domain.clients import get_client
    from gridlink.domain.users import ensure_user

    vendors = vendor_choices()
    turn: Counter[str] = Counter()
    db = Database(database_url)
    vault = Vault(secret_key.encode())
    done = 0
    try:
        async with db.session() as session:
            # Sets the clock's speed before anything is simulated (see --clock-speed).
            await clock.set_speed(session, client_id, clock_speed)
        for first in range(0, len(homes), homes_per_transaction):
            async with db.session() as session:
                client = await get_client(session, client_id)
                accounts = SandboxAccounts(session, vault)
                for index in range(first, min(first + homes_per_transaction, len(homes))):
                    user = await ensure_user(session, client_id, f"{USER_PREFIX}{index:06d}")
                    for kind in homes[index]:
                        vendor = vendors[kind][turn[kind] % len(vendors[kind])]
                        turn[kind] += 1
                        device, password = await create_virtual_asset(
                            session, vault, client, kind, vendor
                        )
                        request = flow.LinkRequest(
                            scopes=scopes_of(kind),
                            language="en-US",
                            redirect_uri=REDIRECT_URI,
                            vendor_type=kind,
                            vendor=device.vendor,
                        )
                        link, _token = await flow.create_link_session(
                            session, client, user, request
                        )
                        flow.start(link)
                        flow.accept_review(link)
                        await flow.sign_in(link, accounts, vault, device.username, password)
                        await flow.finish_linking(session, link, accounts, vault)
                        flow.complete(link)
                    done += len(homes[index])
                    on_progress(done)
    finally:
        await db.dispose()


def set_up(
    env: Mapping[str, str],
    database_url: str,
    secret_key: str,
    assets: int,
    per_home: int,
    homes_per_transaction: int,
    clock_speed: float,
) -> Setup:
    """A sandbox client (through the CLI, which also migrates) and its linked homes."""
    client = gridlink_cli(env, "client", "create", "--name", "bench", "--environment", "sandbox")
    homes = plan_homes(assets, per_home)
    started = time.perf_counter()
    with Ticker(f"linking {assets:,} assets in {len(homes):,} homes", assets) as ticker:
        asyncio.run(
            _link_homes(
                database_url, secret_key, client["clientId"], homes,
                homes_per_transaction, clock_speed, ticker.update,
            )
        )  # fmt: skip
    seconds = time.perf_counter() - started
    with_vehicle = next(i for i, home in enumerate(homes) if "vehicle" in home)
    return Setup(
        client_id=client["clientId"],
        client_secret=client["clientSecret"],
        users=len(homes),
        assets=assets,
        by_type=Counter(kind for home in homes for kind in home),
        seconds=seconds,
        first_user_with_vehicle=f"{USER_PREFIX}{with_vehicle:06d}",
    )


async def _database_counts(database_url: str, client_id: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from gridlink.db.engine import Database
    from gridlink.db.tables import Asset, AssetSample, User, VendorConnection, VirtualAsset

    db = Database(database_url)
    try:
        async with db.read() as connection:

            async def count(query: Any) -> int:
                return int((await connection.execute(query)).scalar_one())

            return {
                "users": await count(
                    select(func.count()).select_from(User).where(User.client_id == client_id)
                ),
                "vendor_connections": await count(
                    select(func.count())
                    .select_from(VendorConnection)
                    .where(VendorConnection.client_id == client_id)
                ),
                "assets": await count(
                    select(func.count()).select_from(Asset).where(Asset.client_id == client_id)
                ),
                "simulated": await count(
                    select(func.count())
                    .select_from(VirtualAsset)
                    .where(
                        VirtualAsset.client_id == client_id,
                        VirtualAsset.next_event_at.is_not(None),
                    )
                ),
                "asset_samples": await count(select(func.count()).select_from(AssetSample)),
            }
    finally:
        await db.dispose()


def database_counts(database_url: str, client_id: str) -> dict[str, int]:
    return asyncio.run(_database_counts(database_url, client_id))


# ------------------------------------------------------------------ fast-forward


@dataclass
class Advance:
    name: str
    simulated_s: float
    wall_s: float
    events: int
    reports: int
    reports_by_type: dict[str, int]
    server_cpu_s: float | None
    asset_samples: int
    sandbox_now: str
    # GET /health/ready, one after the other while the advance runs: how long the
    # server kept other requests waiting.
    probe: dict[str, float] = field(default_factory=dict)

    @property
    def reports_per_s(self) -> float:
        return self.reports / self.wall_s if self.wall_s > 0 else 0.0


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def profiling(py_spy: str | None, pid: int, output: Path | None) -> Iterator[None]:
    """py-spy recording the server while the block runs (when asked to)."""
    if py_spy is None or output is None:
        yield
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    recorder = subprocess.Popen(
        [py_spy, "record", "--pid", str(pid), "--rate", "100", "--format", "raw",
         "--output", str(output)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    time.sleep(1.0)  # let it attach
    try:
        yield
    finally:
        recorder.send_signal(2)  # SIGINT: py-spy writes its output and exits
        try:
            _, errors = recorder.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            recorder.kill()
            _, errors = recorder.communicate()
        if recorder.returncode not in (0, None) and not output.exists():
            console.print(f"  warning: py-spy failed: {errors.decode(errors='replace')}")
        else:
            console.print(f"  py-spy profile of the advance: {output}")


class Probe(threading.Thread):
    """GET a URL over and over (one request at a time, 0.2 s apart), timing each answer."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self._url = url
        self._stopping = threading.Event()
        self.latencies_ms: list[float] = []
        self.failures = 0

    def run(self) -> None:
        with httpx.Client(timeout=600) as http:
            while not self._stopping.is_set():
                started = time.perf_counter()
                try:
                    ok = http.get(self._url).status_code < 500
                except httpx.HTTPError:
                    ok = False
                self.latencies_ms.append((time.perf_counter() - started) * 1000)
                self.failures += not ok
                self._stopping.wait(0.2)

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=660)

    def summary(self) -> dict[str, float]:
        if not self.latencies_ms:
            return {}
        ordered = sorted(self.latencies_ms)
        return {
            "requests": len(ordered),
            "failures": self.failures,
            "p50_ms": ordered[len(ordered) // 2],
            "p99_ms": ordered[min(len(ordered) - 1, math.ceil(len(ordered) * 0.99) - 1)],
            "max_ms": ordered[-1],
        }


def advance(
    server: Server,
    token: str,
    seconds: float,
    name: str,
    counter: Path | None,
    database_url: str,
    client_id: str,
    timeout: float | None,
) -> Advance:
    """One POST /sandbox/clock/advance, with the reports the server applied meanwhile."""
    samples_before = database_counts(database_url, client_id)["asset_samples"]
    events_before, reports_before = read_counters(counter) if counter else (0, {})
    cpu_before = cpu_seconds(server.process.pid)
    answer: dict[str, Any] = {}

    def call() -> None:
        try:
            answer["response"] = httpx.post(
                server.base_url + "/sandbox/clock/advance",
                json={"seconds": seconds},
                headers={"Authorization": f"Bearer {token}"},
                timeout=timeout,
            )
        except httpx.HTTPError as error:
            answer["error"] = error

    started = time.perf_counter()
    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    probe = Probe(server.base_url + "/health/ready")
    probe.start()
    with Ticker(f"{name}: reports", None) as ticker:
        while worker.is_alive():
            worker.join(0.5)
            if counter is not None:
                so_far = sum(read_counters(counter)[1].values())
                ticker.update(so_far - sum(reports_before.values()))
    wall = time.perf_counter() - started
    probe.stop()
    cpu_after = cpu_seconds(server.process.pid)
    if "error" in answer:
        sys.exit(f"error: {name} failed: {answer['error']!r}\n{server.tail()}")
    response: httpx.Response = answer["response"]
    if response.status_code != 200:
        sys.exit(f"error: {name} answered {response.status_code} {response.text}")
    events_after, reports_after = read_counters(counter) if counter else (0, {})
    by_type = {kind: reports_after[kind] - reports_before[kind] for kind in reports_after}
    return Advance(
        name=name,
        simulated_s=seconds,
        wall_s=wall,
        events=events_after - events_before,
        reports=sum(by_type.values()),
        reports_by_type=by_type,
        server_cpu_s=(
            cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
        ),
        asset_samples=database_counts(database_url, client_id)["asset_samples"] - samples_before,
        sandbox_now=response.json()["now"],
        probe=probe.summary(),
    )


# ------------------------------------------------------------------------ report


@dataclass
class Lists:
    user_path: str
    results: dict[str, WrkResult] = field(default_factory=dict)
    bodies: dict[str, dict[str, int]] = field(default_factory=dict)


def _advance_row(label: str, run: Advance, counted: bool) -> str:
    reports = f"{run.reports:>11,}" if counted else f"{'-':>11}"
    rate = f"{run.reports_per_s:>11,.0f}" if counted else f"{'-':>11}"
    cpu = f"{run.server_cpu_s:>7,.1f}" if run.server_cpu_s is not None else f"{'-':>7}"
    return f"| {label:<30} | {run.wall_s:>9,.2f} | {reports} | {rate} | {cpu} |"


def _list_row(label: str, result: WrkResult) -> str:
    return (
        f"| {label:<30} | {result.requests_per_s:>9,.0f} | {result.latency_p50_ms:>8.2f} "
        f"| {result.latency_p99_ms:>8.2f} | {result.errors:>6} |"
    )


def table(
    setup: Setup,
    backend: str,
    warm: Advance,
    big: Advance,
    hours: float,
    counted: bool,
    lists: Lists | None,
) -> str:
    mix = ", ".join(f"{setup.by_type.get(kind, 0):,} {PLURAL[kind]}" for kind in MIX)
    rule = f"|{'-' * 32}|{'-' * 11}|{'-' * 13}|{'-' * 13}|{'-' * 9}|"
    lines = [
        f"{setup.assets:,} linked sandbox assets ({mix}) of {setup.users:,} users, "
        f"{backend}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "",
        f"| {'step':<30} | {'wall s':>9} | {'reports':>11} | {'reports/s':>11} | {'CPU s':>7} |",
        rule,
        f"| {'set-up (link in the database)':<30} | {setup.seconds:>9,.2f} | "
        f"{setup.assets:>11,} | {setup.assets / setup.seconds:>11,.0f} | {'-':>7} |",
        _advance_row(f"warm-up advance {warm.simulated_s:g} s", warm, counted),
        _advance_row(f"advance {hours:g} h (one call)", big, counted),
        "",
        f"The {hours:g} h advance: {big.events:,} device events, "
        f"{big.reports / max(setup.assets, 1):,.1f} reports per asset, "
        f"{big.asset_samples:,} history samples written"
        + (
            f", server CPU {big.server_cpu_s / big.wall_s:.0%} of one core"
            if big.server_cpu_s is not None and big.wall_s > 0
            else ""
        )
        + ".",
    ]
    if big.probe:
        lines.append(
            f"Meanwhile GET /health/ready (one at a time) answered {big.probe['requests']:,.0f} "
            f"times: p50 {big.probe['p50_ms']:,.0f} ms, p99 {big.probe['p99_ms']:,.0f} ms, "
            f"max {big.probe['max_ms']:,.0f} ms."
        )
    if counted:
        per_type = ", ".join(
            f"{kind} {big.reports_by_type.get(kind, 0) / max(setup.by_type.get(kind, 0), 1):,.0f}"
            for kind in COUNTED_TYPES
        )
        lines.append(f"Reports per asset by type: {per_type}.")
    if lists is not None and lists.results:
        first = next(iter(lists.results.values()))
        lines += [
            "",
            f"wrk -t{first.threads} -c{first.connections} -d{first.duration_s}s",
            "",
            f"| {'list':<30} | {'req/s':>9} | {'p50 ms':>8} | {'p99 ms':>8} | {'errors':>6} |",
            f"|{'-' * 32}|{'-' * 11}|{'-' * 10}|{'-' * 10}|{'-' * 8}|",
            *(_list_row(label, result) for label, result in lists.results.items()),
        ]
    return "\n".join(lines)


def git_modified() -> list[str] | None:
    """Files of the work tree that differ from the commit (the code measured is theirs)."""
    try:
        done = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_DIR, capture_output=True, text=True, check=False,
        )  # fmt: skip
    except OSError:
        return None
    return [line[3:] for line in done.stdout.splitlines()] if done.returncode == 0 else None


# ----------------------------------------------------------------------- servers


def start_postgres() -> tuple[Any, str]:
    """A throwaway PostgreSQL cluster (the test suite's helper) and a database URL."""
    sys.path.insert(0, str(PROJECT_DIR))
    from tests.support.postgres import PostgresCluster

    cluster = PostgresCluster()
    cluster.start()
    return cluster, cluster.create_database("gridlink_bench")


def token_for(server: Server, setup: Setup) -> str:
    issued = httpx.post(
        server.base_url + "/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(setup.client_id, setup.client_secret),
        timeout=30,
    )
    issued.raise_for_status()
    token: str = issued.json()["access_token"]
    return token


def run_lists(
    server: Server, setup: Setup, wrk: str, timing: Mapping[str, int], run: Mapping[str, int]
) -> Lists:
    token = token_for(server, setup)  # a fresh one: the advance may have taken a while
    bearer = {"Authorization": f"Bearer {token}"}
    lists = Lists(user_path=f"/users/{setup.first_user_with_vehicle}/vehicles")
    paths = {
        "GET /vehicles?pageSize=50": "/vehicles?pageSize=50",
        "GET /users/{id}/vehicles": lists.user_path,
    }
    for label, path in paths.items():
        answer = httpx.get(server.base_url + path, headers=bearer, timeout=30)
        if answer.status_code != 200:
            sys.exit(f"error: {path} answered {answer.status_code} {answer.text}")
        lists.bodies[label] = {
            "bytes": len(answer.content),
            "items": len(answer.json().get("data", [])),
        }
        console.print(
            f"  {path} answers {len(answer.content):,} bytes, "
            f"{lists.bodies[label]['items']} vehicles"
        )
        lists.results[label] = run_wrk(
            wrk, label, server.base_url + path, LUA_BEARER, f"Bearer {token}", **timing, **run
        )
    return lists


# -------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--assets", type=int, default=10_000, help="linked virtual assets")
    parser.add_argument("--hours", type=float, default=24.0, help="simulated hours to advance")
    parser.add_argument("--per-home", type=int, default=4, help="devices per user (home)")
    parser.add_argument(
        "--homes-per-transaction", type=int, default=100, help="set-up batch size, in homes"
    )
    parser.add_argument(
        "--warmup-advance", type=float, default=5.0, help="sandbox seconds of the warm-up advance"
    )
    parser.add_argument(
        "--clock-speed",
        type=float,
        default=1e-6,
        help="the client's sandbox clock speed (default 1e-6: standing still, so the "
        "background loop simulates nothing between and after the measured calls; "
        "1 runs the clock in real time as a fresh client's does)",
    )
    parser.add_argument(
        "--database", choices=("sqlite", "postgresql"), default="sqlite",
        help="sqlite (the default data dir's file) or a throwaway PostgreSQL cluster",
    )  # fmt: skip
    parser.add_argument(
        "--no-count",
        action="store_true",
        help="run plain `python -m gridlink serve`, without the report counter",
    )
    parser.add_argument(
        "--advance-timeout", type=float, default=None, help="give up on the advance after N s"
    )
    parser.add_argument("--no-lists", action="store_true", help="skip the wrk list benchmarks")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of wrk warm-up before each")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (-t)")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections (-c)")
    parser.add_argument(
        "--py-spy", metavar="PATH", help="record the server with this py-spy during the advance"
    )
    parser.add_argument(
        "--profile-output", type=Path, default=BENCH_DIR / "results" / "fast_forward.pyspy.txt",
        help="where --py-spy writes its raw (collapsed stacks) profile of the advance; "
        "the warm-up's goes beside it, ending in .warmup.txt",
    )  # fmt: skip
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="JSON results file")
    parser.add_argument(
        "--keep-data", action="store_true", help="leave the temporary data dir in place"
    )
    args = parser.parse_args(argv)
    if args.assets < 1 or args.per_home < 1 or args.homes_per_transaction < 1:
        parser.error("--assets, --per-home and --homes-per-transaction must be at least 1")
    if not 0 < args.hours <= 366 * 24 or args.warmup_advance < 0:
        parser.error("--hours must be above 0 and at most 8784; --warmup-advance at least 0")
    if not 0 < args.clock_speed <= 100_000:
        parser.error("--clock-speed must be above 0 and at most 100000")
    if args.duration < 1 or args.warmup < 0:
        parser.error("--duration must be at least 1 and --warmup at least 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk = None if args.no_lists else ensure_wrk()
    data_dir = Path(tempfile.mkdtemp(prefix="gridlink-bench-"))
    cluster = None
    if args.database == "postgresql":
        console.print("Starting a throwaway PostgreSQL cluster…")
        cluster, database_url = start_postgres()
    else:
        database_url = f"sqlite+aiosqlite:///{data_dir / 'gridlink.db'}"
    secret_key = secrets.token_urlsafe(48)
    counter = None if args.no_count else data_dir / "report-counter"
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
        **({"BENCH_REPORT_COUNTER": str(counter)} if counter else {}),
    }
    seconds = args.hours * 3600
    lists: Lists | None = None
    try:
        console.print(f"Setting up {args.assets:,} linked assets (data in {data_dir})…")
        setup = set_up(
            grid_env, database_url, secret_key, args.assets, args.per_home,
            args.homes_per_transaction, args.clock_speed,
        )  # fmt: skip
        counts = database_counts(database_url, setup.client_id)
        console.print(
            f"  set-up took {setup.seconds:,.1f}s: {counts['users']:,} users, "
            f"{counts['vendor_connections']:,} vendor connections, {counts['assets']:,} "
            f"assets, {counts['simulated']:,} simulated"
        )
        if counts["assets"] != args.assets or counts["simulated"] != args.assets:
            sys.exit("error: the set-up did not link and simulate every asset")
        if counter is not None:
            counter.write_bytes(bytes(COUNTER_SIZE))
        server_script = [str(COUNTING_SERVER)] if counter else ["-m", "gridlink"]
        # The code the server imports as it starts (the tree may change while it runs).
        code = {"git_commit": git_commit(), "git_modified": git_modified()}
        port = free_port()
        console.print(f"Starting gridlink on port {port}…")
        with serve(
            "gridlink",
            [sys.executable, *server_script, "serve", "--host", "127.0.0.1", "--port", str(port)],
            grid_env,
            port,
            data_dir / "gridlink.log",
        ) as gridlink:
            wait_until(gridlink, "/health/ready", {204})
            console.print(f"  server pid {gridlink.process.pid}")
            token = token_for(gridlink, setup)
            common = {
                "server": gridlink, "token": token, "counter": counter,
                "database_url": database_url, "client_id": setup.client_id,
                "timeout": args.advance_timeout,
            }  # fmt: skip
            console.print(f"Warm-up: advancing {args.warmup_advance:g} sandbox seconds…")
            warm_profile = args.profile_output.with_suffix(".warmup.txt")
            with profiling(args.py_spy, gridlink.process.pid, warm_profile):
                warm = advance(seconds=args.warmup_advance, name="warm-up", **common)
            console.print(
                f"  {warm.wall_s:,.2f}s, {warm.events:,} events, {warm.reports:,} reports"
            )
            console.print(f"Advancing {args.hours:g} sandbox hours in one call…")
            with profiling(args.py_spy, gridlink.process.pid, args.profile_output):
                big = advance(seconds=seconds, name=f"advance {args.hours:g} h", **common)
            console.print(
                f"  {big.wall_s:,.2f}s, {big.events:,} events, {big.reports:,} reports, "
                f"sandbox now {big.sandbox_now}"
            )
            if wrk is not None:
                timing = {"duration": args.duration, "warmup": args.warmup}
                run = {"threads": args.threads, "connections": args.connections}
                lists = run_lists(gridlink, setup, wrk, timing, run)
    finally:
        if args.keep_data:
            console.print(f"Data and the server's log kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
        if cluster is not None:
            cluster.stop()

    backend = "PostgreSQL" if args.database == "postgresql" else "SQLite"
    print()
    print(table(setup, backend, warm, big, args.hours, counter is not None, lists))
    report = {
        "benchmark": "sandbox_fast_forward",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        **code,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "database": backend,
        "clock_speed": args.clock_speed,
        "reports_counted": counter is not None,
        "setup": {
            "assets": setup.assets,
            "users": setup.users,
            "by_type": dict(setup.by_type),
            "seconds": setup.seconds,
            "assets_per_s": setup.assets / setup.seconds,
        },
        "warmup_advance": {**asdict(warm), "reports_per_s": warm.reports_per_s},
        "advance": {
            **asdict(big),
            "hours": args.hours,
            "reports_per_s": big.reports_per_s,
            "reports_per_asset": big.reports / setup.assets,
        },
        "lists": None
        if lists is None
        else {
            "user_path": lists.user_path,
            "responses": lists.bodies,
            "results": {
                label: {**asdict(result), "errors": result.errors}
                for label, result in lists.results.items()
            },
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nWrote {args.output}")
    failed = lists is not None and any(r.errors for r in lists.results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
