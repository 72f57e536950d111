"""State reports: what a connector says about a device, turned into the asset's
new document. Only real changes count as changes."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.changes import mark_changed
from gridlink.db.tables import Asset
from gridlink.domain.assets import asset_key
from gridlink.wire.timestamps import iso


def _is_bookkeeping(path: str) -> bool:
    """Timestamps move with every report; alone they are no change."""
    return path == "lastSeen" or path.endswith(".lastUpdated")


def merge(document: dict[str, Any], report: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The document with the report applied, and the paths whose values changed."""
    merged = copy.deepcopy(document)
    changed: list[str] = []
    for path, value in report.items():
        *parents, leaf = path.split(".")
        node = merged
        for part in parents:
            node = node.setdefault(part, {})
        if node.get(leaf, object()) != value:
            node[leaf] = value
            changed.append(path)
    return merged, [p for p in changed if not _is_bookkeeping(p)]


async def apply_report(
    session: AsyncSession, asset: Asset, report: dict[str, Any], at: datetime
) -> list[str]:
    """Writes the report into the asset; returns the changed fields."""
    document, changed = merge(asset.document, {**report, "lastSeen": iso(at)})
    asset.document = document
    asset.updated_at = at
    await mark_changed(session, asset_key(asset.client_id, asset.id))
    return changed
