"""Responses built from ready bytes: no generic encoder on the hot path."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

VERSION_HEADER = "Enode-Version"


def json_response(data: Any, version: str, status: int = 200) -> Response:
    return Response(
        orjson.dumps(data),
        status_code=status,
        media_type="application/json",
        headers={VERSION_HEADER: version},
    )


def no_content(version: str) -> Response:
    return Response(status_code=204, headers={VERSION_HEADER: version})
