"""Responses built from ready bytes: no generic encoder on the hot path."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.responses import Response

from gridlink.runtime.read_cache import ReadCache

VERSION_HEADER = "Enode-Version"


def json_response(data: Any, version: str, status: int = 200) -> Response:
    return Response(
        orjson.dumps(data),
        status_code=status,
        media_type="application/json",
        headers={VERSION_HEADER: version},
    )


def bytes_response(body: bytes, version: str, status: int = 200) -> Response:
    return Response(
        body, status_code=status, media_type="application/json", headers={VERSION_HEADER: version}
    )


async def cached_json(
    reads: ReadCache, key: str, version: str, render: Callable[[], Awaitable[Any]]
) -> Response:
    """The answer for `key` from memory, else rendered once and kept until a
    commit marks `key` changed. `render` raises (e.g. NotFound) for no answer."""
    body = reads.get(key, version)
    if body is None:
        generation = reads.generation
        body = orjson.dumps(await render())
        reads.put(key, version, body, generation)
    return bytes_response(body, version)


async def cached_page(
    reads: ReadCache,
    keys: list[str],
    version: str,
    render_missing: Callable[[list[int]], Awaitable[list[Any]]],
    pagination: dict[str, Any],
) -> Response:
    """A page of a list whose items are each kept rendered in memory: only the
    items not in memory are loaded (`render_missing` gets their positions), and
    the answer is put together from bytes."""
    bodies: list[bytes | None] = [reads.get(key, version) for key in keys]
    missing = [i for i, body in enumerate(bodies) if body is None]
    if missing:
        generation = reads.generation
        for i, item in zip(missing, await render_missing(missing), strict=True):
            body = orjson.dumps(item)
            reads.put(keys[i], version, body, generation)
            bodies[i] = body
    tail = orjson.dumps(pagination)
    content = b'{"data":[' + b",".join(b for b in bodies if b is not None)
    return bytes_response(content + b'],"pagination":' + tail + b"}", version)


def no_content(version: str) -> Response:
    return Response(status_code=204, headers={VERSION_HEADER: version})
