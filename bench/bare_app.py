"""The floor for `GET /users/{userId}`: a bare ASGI app, no framework, no database.

It answers one path with ready bytes when the request carries the expected bearer
token, and is served by uvicorn with the options `gridlink serve` uses, so the
difference between the two is what gridlink does per request.

Configured by environment variables (set by users_get.py):

    BENCH_BARE_PATH       the path to answer, e.g. /users/bench-user
    BENCH_BARE_TOKEN      the access token to accept
    BENCH_BARE_BODY_FILE  a file holding the exact response body
    BENCH_BARE_VERSION    the Enode-Version header to send back

Run: python bench/bare_app.py --port 8123
"""

from __future__ import annotations

import argparse
import hmac
import os
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_PATH = os.environ.get("BENCH_BARE_PATH", "/users/bench-user")
_TOKEN = os.environ.get("BENCH_BARE_TOKEN", "").encode()
_BODY_FILE = os.environ.get("BENCH_BARE_BODY_FILE")
_BODY = Path(_BODY_FILE).read_bytes() if _BODY_FILE else b'{"id":"bench-user","linkedVendors":[]}'
_VERSION = os.environ.get("BENCH_BARE_VERSION", "2024-10-01").encode()

_OK_HEADERS = [
    (b"content-length", str(len(_BODY)).encode()),
    (b"content-type", b"application/json"),
    (b"enode-version", _VERSION),
]
_UNAUTHORIZED = b'{"title":"Unauthorized","detail":"Send a valid bearer token."}'
_NOT_FOUND = b'{"title":"Not Found"}'


def _bearer_token(scope: Scope) -> bytes | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.partition(b" ")
            if scheme.lower() == b"bearer" and token.strip():
                return bytes(token.strip())
            return None
    return None


async def _answer(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _problem_headers(body: bytes) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-length", str(len(body)).encode()),
        (b"content-type", b"application/problem+json"),
    ]


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    if scope["type"] != "http":
        return
    if scope["method"] != "GET" or scope["path"] != _PATH:
        await _answer(send, 404, _problem_headers(_NOT_FOUND), _NOT_FOUND)
        return
    token = _bearer_token(scope)
    if token is None or not hmac.compare_digest(token, _TOKEN):
        await _answer(send, 401, _problem_headers(_UNAUTHORIZED), _UNAUTHORIZED)
        return
    await _answer(send, 200, _OK_HEADERS, _BODY)


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # The same options as `gridlink serve` (gridlink/cli.py).
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
