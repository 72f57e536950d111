"""Events as a webhook receives them: rendered for its API version, in a JSON array."""

from __future__ import annotations

from typing import Any

import orjson

from gridlink.events.catalogue import ASSET_KEYS
from gridlink.wire.versions import asset_for


def for_version(payload: dict[str, Any], version: str) -> dict[str, Any]:
    """The stored event (newest version's shape) as `version` shows it."""
    rendered = {"createdAt": payload["createdAt"], "version": version}
    rendered.update((k, v) for k, v in payload.items() if k != "createdAt")
    parts = str(payload["event"]).split(":")
    asset_type = parts[1] if len(parts) == 3 and parts[0] == "user" else ""
    key = ASSET_KEYS.get(asset_type)
    if key is not None and isinstance(rendered.get(key), dict):
        rendered[key] = asset_for(asset_type, rendered[key], version)
    return rendered


def batch(payloads: list[dict[str, Any]], version: str) -> bytes:
    return orjson.dumps([for_version(p, version) for p in payloads])
