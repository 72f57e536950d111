"""A webhook receiver on loopback: a real HTTP server that records what it is
sent and answers as a test tells it to (fail, stall, recover)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    status: int  # what the receiver answered

    @property
    def events(self) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = json.loads(self.body)
        return events


class Receiver:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.failures_left = 0  # answer 500 to this many requests
        # While set, requests wait (up to 4 s, under the sender's timeout) for release().
        self.holding = threading.Event()
        self._released = threading.Event()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with receiver._lock:
                    failing = receiver.failures_left > 0
                    receiver.failures_left -= 1 if failing else 0
                if receiver.holding.is_set():
                    receiver._released.wait(4.0)
                status = 500 if failing else 200
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver._lock:
                    receiver.received.append(Received(headers, body, status))
                answer = b"not now" if failing else b"ok"
                self.send_response(status)
                self.send_header("content-type", "text/plain")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def hold(self) -> None:
        self._released.clear()
        self.holding.set()

    def release(self) -> None:
        self.holding.clear()
        self._released.set()

    def accepted(self) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.status == 200]

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        """Every event accepted so far, in arrival order (heartbeats left out)."""
        found = [e for r in self.accepted() for e in r.events if e["event"] != "system:heartbeat"]
        return [e for e in found if name is None or e["event"] == name]

    def wait_for(
        self, done: Callable[[Receiver], bool], timeout: float = 20.0, what: str = "events"
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if done(self):
                return
            time.sleep(0.05)
        names = [e["event"] for e in self.events()]
        raise AssertionError(f"timed out waiting for {what}; received {names[-20:]}")
