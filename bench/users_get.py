"""Benchmark: token issuance and `GET /users/{userId}`, gridlink against a bare ASGI app.

Starts a real gridlink server on its own temporary data dir, creates a client and a
user (with a linked sandbox vehicle), then load-tests with wrk (-t2 -c50):

1. POST /oauth2/token (Basic auth, client-credentials grant) on gridlink;
2. GET /users/{userId} with a bearer token on gridlink;
3. the same GET on bench/bare_app.py, a framework-free ASGI app served by uvicorn with
   the same options, answering the very same bytes.

Prints a table and writes the figures to bench/results/latest.json.

Run: uv run python bench/users_get.py [--duration 10] [--warmup 3]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
LUA_TOKEN = BENCH_DIR / "wrk" / "token.lua"
LUA_BEARER = BENCH_DIR / "wrk" / "bearer.lua"
DEFAULT_OUTPUT = BENCH_DIR / "results" / "latest.json"

USER_ID = "bench-user"
LINK_BODY: dict[str, Any] = {
    "vendorType": "vehicle",
    "scopes": ["vehicle:read:data"],
    "language": "en-US",
    "redirectUri": "https://localhost:3000",
}
LINK_VENDOR = "TESLA"
SANDBOX_CODE = "123456"  # sandbox vendors take any six digits as the second factor

_TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


# --------------------------------------------------------------------------- wrk


@dataclass
class WrkResult:
    name: str
    url: str
    threads: int
    connections: int
    duration_s: int
    requests: int
    requests_per_s: float
    latency_avg_ms: float
    latency_p50_ms: float
    latency_p75_ms: float
    latency_p90_ms: float
    latency_p99_ms: float
    latency_max_ms: float
    non_2xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return self.non_2xx + sum(self.socket_errors.values())


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if match is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _TIME_UNITS_MS[match.group(2)]


def parse_wrk(
    output: str, name: str, url: str, threads: int, connections: int, duration: int
) -> WrkResult:
    """The figures of `wrk --latency` output."""

    def find(pattern: str) -> re.Match[str]:
        match = re.search(pattern, output, re.MULTILINE)
        if match is None:
            raise ValueError(f"wrk output has no match for {pattern!r}:\n{output}")
        return match

    latency = find(r"^\s+Latency\s+(\S+)\s+(\S+)\s+(\S+)")
    percentiles = {
        p: _ms(find(rf"^\s+{p}%\s+(\S+)\s*$").group(1)) for p in ("50", "75", "90", "99")
    }
    socket_errors: dict[str, int] = {}
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if errors is not None:
        socket_errors = dict(
            zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True)
        )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return WrkResult(
        name=name,
        url=url,
        threads=threads,
        connections=connections,
        duration_s=duration,
        requests=int(find(r"^\s+(\d+) requests in").group(1)),
        requests_per_s=float(find(r"^Requests/sec:\s+([\d.]+)").group(1)),
        latency_avg_ms=_ms(latency.group(1)),
        latency_p50_ms=percentiles["50"],
        latency_p75_ms=percentiles["75"],
        latency_p90_ms=percentiles["90"],
        latency_p99_ms=percentiles["99"],
        latency_max_ms=_ms(latency.group(3)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=socket_errors,
    )


def ensure_wrk() -> str:
    """The path of wrk, installing Debian's package when it is missing and we can."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt and os.geteuid() == 0:
        print("wrk is missing: installing it with apt-get…", file=sys.stderr)
        install = [apt, "install", "-y", "wrk"]
        for command in (install, [apt, "update"], install):
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            found = shutil.which("wrk")
            if found:
                return found
    sys.exit(
        "error: this benchmark needs wrk (https://github.com/wg/wrk) on PATH.\n"
        "On Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y wrk"
    )


def run_wrk(
    wrk: str,
    name: str,
    url: str,
    script: Path,
    authorization: str,
    duration: int,
    warmup: int,
    threads: int,
    connections: int,
) -> WrkResult:
    env = {**os.environ, "BENCH_AUTHORIZATION": authorization}

    def once(seconds: int) -> str:
        command = [
            wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s",
            "--latency", "-s", str(script), url,
        ]  # fmt: skip
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        return done.stdout

    if warmup > 0:
        print(f"  {name}: warm-up {warmup}s…", file=sys.stderr)
        once(warmup)
    print(f"  {name}: measuring {duration}s…", file=sys.stderr)
    result = parse_wrk(once(duration), name, url, threads, connections, duration)
    if result.errors:
        print(
            f"  warning: {name}: {result.non_2xx} non-2xx responses, "
            f"socket errors {result.socket_errors}",
            file=sys.stderr,
        )
    return result


# ----------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@contextmanager
def serve(
    name: str, command: list[str], env: Mapping[str, str], port: int, log: Path
) -> Iterator[Server]:
    """A server process in its own process group, stopped (TERM, then KILL) on exit."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(name, process, f"http://127.0.0.1:{port}", log)
    try:
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def wait_until(server: Server, path: str, statuses: set[int], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            sys.exit(f"error: {server.name} exited early:\n{server.tail()}")
        with suppress(httpx.HTTPError):
            if httpx.get(server.base_url + path, timeout=2).status_code in statuses:
                return
        time.sleep(0.2)
    sys.exit(f"error: {server.name} not ready after {timeout:.0f}s:\n{server.tail()}")


def gridlink_cli(env: Mapping[str, str], *args: str) -> Any:
    """Run `gridlink <args> --json` on the benchmark's data dir; its JSON output."""
    done = subprocess.run(
        [sys.executable, "-m", "gridlink", *args, "--json"],
        cwd=PROJECT_DIR,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"error: gridlink {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout)


# ------------------------------------------------------------------------ set-up


@dataclass
class Fixture:
    client_id: str
    basic: str
    token: str
    user_path: str
    body: bytes
    version: str
    linked: bool


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    if match is None:
        raise RuntimeError(f"no {name} field in the Link page")
    return match.group(1)


def link_vehicle(http: httpx.Client, link_url: str, username: str, password: str) -> None:
    """Walk the Link UI forms (intro, review, sign-in, code, success) as a user would."""
    fields = {
        "signin": {"username": username, "password": password},
        "code": {"code": SANDBOX_CODE},
    }
    page = http.get(link_url)
    for _ in range(10):
        page.raise_for_status()
        step = _hidden(page.text, "step")
        form = {"csrf": _hidden(page.text, "csrf"), "step": step, "action": "continue"}
        answer = http.post(link_url, data={**form, **fields.get(step, {})})
        if answer.status_code != 303:
            raise RuntimeError(f"Link step {step!r} answered {answer.status_code}")
        location = answer.headers["location"]
        if not location.startswith("/link/"):
            return  # back to the redirect URI: done
        page = http.get(location)
    raise RuntimeError("the Link flow did not finish")


def prepare(gridlink: Server, env: Mapping[str, str], link_vendor: bool) -> Fixture:
    client = gridlink_cli(env, "client", "create", "--name", "bench", "--environment", "sandbox")
    client_id, secret = client["clientId"], client["clientSecret"]
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    with httpx.Client(base_url=gridlink.base_url, timeout=10) as http:
        issued = http.post(
            "/oauth2/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}"},
        )
        issued.raise_for_status()
        token = issued.json()["access_token"]
        bearer = {"Authorization": f"Bearer {token}"}
        body = {**LINK_BODY, "vendor": LINK_VENDOR} if link_vendor else LINK_BODY
        created = http.post(f"/users/{USER_ID}/link", json=body, headers=bearer)
        created.raise_for_status()
        linked = False
        if link_vendor:
            asset = gridlink_cli(
                env, "sandbox", "asset", "create",
                "--client", client_id, "--type", "vehicle", "--vendor", LINK_VENDOR,
            )  # fmt: skip
            try:
                with httpx.Client(base_url=gridlink.base_url, timeout=10) as browser:
                    link_vehicle(
                        browser, created.json()["linkUrl"], asset["username"], asset["password"]
                    )
                linked = True
            except (RuntimeError, httpx.HTTPError) as error:
                print(
                    f"  warning: could not link a vehicle ({error}); "
                    "benchmarking a user with no linked vendor",
                    file=sys.stderr,
                )
        user_path = f"/users/{USER_ID}"
        answer = http.get(user_path, headers=bearer)
        answer.raise_for_status()
    return Fixture(
        client_id=client_id,
        basic=basic,
        token=token,
        user_path=user_path,
        body=answer.content,
        version=answer.headers.get("enode-version", ""),
        linked=linked,
    )


def check_bare(bare: Server, fixture: Fixture) -> None:
    """The bare app must answer exactly what gridlink answered, and refuse no token."""
    url = bare.base_url + fixture.user_path
    ok = httpx.get(url, headers={"Authorization": f"Bearer {fixture.token}"})
    if ok.status_code != 200 or ok.content != fixture.body:
        sys.exit(f"error: bare app answered {ok.status_code} {ok.content!r}, not {fixture.body!r}")
    if httpx.get(url).status_code != 401:
        sys.exit("error: bare app accepted a request without a token")


# ------------------------------------------------------------------------ report


def _row(label: str, result: WrkResult) -> str:
    return (
        f"| {label:<26} | {result.requests_per_s:>9,.0f} | {result.latency_p50_ms:>8.2f} "
        f"| {result.latency_p99_ms:>8.2f} | {result.errors:>6} |"
    )


def table(token: WrkResult, grid: WrkResult, bare: WrkResult, ratios: Mapping[str, float]) -> str:
    rule = f"|{'-' * 28}|{'-' * 11}|{'-' * 10}|{'-' * 10}|{'-' * 8}|"
    lines = [
        f"wrk -t{grid.threads} -c{grid.connections} -d{grid.duration_s}s, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}",
        "",
        f"| {'scenario':<26} | {'req/s':>9} | {'p50 ms':>8} | {'p99 ms':>8} | {'errors':>6} |",
        rule,
        _row("POST /oauth2/token", token),
        _row("GET /users/{id} gridlink", grid),
        _row("GET /users/{id} bare ASGI", bare),
        "",
        f"GET gridlink/bare: req/s {ratios['rps']:.3f} ({ratios['rps']:.1%} of the bare rate), "
        f"p50 {ratios['p50']:.1f}x, p99 {ratios['p99']:.1f}x",
    ]
    return "\n".join(lines)


def git_commit() -> str | None:
    with suppress(OSError, subprocess.SubprocessError):
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_DIR, capture_output=True, text=True
        )
        if done.returncode == 0:
            return done.stdout.strip()
    return None


# -------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up before each")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (-t)")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections (-c)")
    parser.add_argument(
        "--no-link", action="store_true", help="benchmark a user with no linked vendor"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="JSON results file")
    parser.add_argument(
        "--keep-data", action="store_true", help="leave the temporary data dir in place"
    )
    args = parser.parse_args(argv)
    if args.duration < 1 or args.warmup < 0:
        parser.error("--duration must be at least 1 and --warmup at least 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk = ensure_wrk()
    data_dir = Path(tempfile.mkdtemp(prefix="gridlink-bench-"))
    base_env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GRIDLINK_DATABASE_URL", "GRIDLINK_PUBLIC_URL", "GRIDLINK_SECRET_KEY")
    }
    grid_env = {
        **base_env,
        "GRIDLINK_DATA_DIR": str(data_dir),
        "GRIDLINK_BOOTSTRAP": "0",
        "GRIDLINK_ADMIN_PASSWORD": "x",
    }
    run = {"threads": args.threads, "connections": args.connections}
    timing = {"duration": args.duration, "warmup": args.warmup}
    try:
        grid_port = free_port()
        print(f"Starting gridlink on port {grid_port} (data in {data_dir})…", file=sys.stderr)
        with serve(
            "gridlink",
            [sys.executable, "-m", "gridlink", "serve", "--host", "127.0.0.1",
             "--port", str(grid_port)],
            grid_env,
            grid_port,
            data_dir / "gridlink.log",
        ) as gridlink:  # fmt: skip
            wait_until(gridlink, "/health/ready", {204})
            fixture = prepare(gridlink, grid_env, link_vendor=not args.no_link)
            print(f"  GET {fixture.user_path} answers {fixture.body.decode()}", file=sys.stderr)
            token = run_wrk(
                wrk, "token", gridlink.base_url + "/oauth2/token", LUA_TOKEN,
                f"Basic {fixture.basic}", **timing, **run,
            )  # fmt: skip
            grid = run_wrk(
                wrk, "gridlink GET", gridlink.base_url + fixture.user_path, LUA_BEARER,
                f"Bearer {fixture.token}", **timing, **run,
            )  # fmt: skip

        body_file = data_dir / "body.json"
        body_file.write_bytes(fixture.body)
        bare_env = {
            **base_env,
            "BENCH_BARE_PATH": fixture.user_path,
            "BENCH_BARE_TOKEN": fixture.token,
            "BENCH_BARE_BODY_FILE": str(body_file),
            "BENCH_BARE_VERSION": fixture.version,
        }
        bare_port = free_port()
        print(f"Starting the bare ASGI app on port {bare_port}…", file=sys.stderr)
        with serve(
            "bare app",
            [sys.executable, str(BENCH_DIR / "bare_app.py"), "--port", str(bare_port)],
            bare_env,
            bare_port,
            data_dir / "bare.log",
        ) as bare_server:
            wait_until(bare_server, fixture.user_path, {200, 401})
            check_bare(bare_server, fixture)
            bare = run_wrk(
                wrk, "bare GET", bare_server.base_url + fixture.user_path, LUA_BEARER,
                f"Bearer {fixture.token}", **timing, **run,
            )  # fmt: skip
    finally:
        if args.keep_data:
            print(f"Data and server logs kept in {data_dir}", file=sys.stderr)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)

    ratios = {
        "rps": grid.requests_per_s / bare.requests_per_s,
        "p50": grid.latency_p50_ms / bare.latency_p50_ms,
        "p99": grid.latency_p99_ms / bare.latency_p99_ms,
    }
    print()
    print(table(token, grid, bare, ratios))
    report = {
        "benchmark": "users_get",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "wrk": {**run, "duration_s": args.duration, "warmup_s": args.warmup},
        "response": {
            "path": fixture.user_path,
            "body": fixture.body.decode(),
            "linked_vendor": fixture.linked,
        },
        "results": {
            "token": {**asdict(token), "errors": token.errors},
            "gridlink_get": {**asdict(grid), "errors": grid.errors},
            "bare_get": {**asdict(bare), "errors": bare.errors},
        },
        "ratio_gridlink_to_bare_get": ratios,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nWrote {args.output}")
    return 1 if token.errors or grid.errors or bare.errors else 0


if __name__ == "__main__":
    sys.exit(main())
