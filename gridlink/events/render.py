"""Events as a webhook receives them: rendered for its API version, in a JSON array."""

from __future__ import annotations

from typing import Any

import orjson


def for_version(payload: dict[str, Any], version: str) -> dict[str, Any]:
    """The stored event (newest version's shape) as `version` shows it."""
    # Version changes that touch event bodies apply here, oldest last.
    rendered = {"createdAt": payload["createdAt"], "version": version}
    rendered.update((k, v) for k, v in payload.items() if k != "createdAt")
    return rendered


def batch(payloads: list[dict[str, Any]], version: str) -> bytes:
    return orjson.dumps([for_version(p, version) for p in payloads])
