"""State reports: what a connector says about a device, turned into the asset's
new document. Only real changes count as changes."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.db.changes import asset_key, mark_changed, user_key
from gridlink.db.tables import Asset, AssetSample
from gridlink.domain import hem_systems
from gridlink.domain.asset_kinds import KINDS
from gridlink.events import asset_events
from gridlink.wire.timestamps import iso

# History keeps a point this often, and whenever a charted value changes.
SAMPLE_SPACING = timedelta(minutes=15)


_MISSING = object()


def _is_bookkeeping(path: str) -> bool:
    """Timestamps move with every report; alone they are no change."""
    return path == "lastSeen" or path.endswith(".lastUpdated")


def merge(document: dict[str, Any], report: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The document with the report applied, and the paths whose values changed."""
    # Copy only the parts a report touches: the rest is shared, and never mutated.
    merged = dict(document)
    copied: set[tuple[str, ...]] = set()
    changed: list[str] = []
    for path, value in report.items():
        *parents, leaf = path.split(".")
        node = merged
        for depth, part in enumerate(parents):
            trail = tuple(parents[: depth + 1])
            if trail not in copied:
                node[part] = dict(node.get(part) or {})
                copied.add(trail)
            node = node[part]
        if node.get(leaf, _MISSING) != value:
            node[leaf] = copy.deepcopy(value) if isinstance(value, dict | list) else value
            changed.append(path)
    return merged, [p for p in changed if not _is_bookkeeping(p)]


def value_at(document: dict[str, Any], path: str) -> Any:
    node: Any = document
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


async def apply_report(
    session: AsyncSession, asset: Asset, report: dict[str, Any], at: datetime
) -> list[str]:
    """Writes the report into the asset, and a history sample when one is due;
    returns the changed fields."""
    before = asset.document
    document, changed = merge(before, {**report, "lastSeen": iso(at)})
    asset.document = document
    asset.updated_at = at
    history = KINDS[asset.asset_type].history
    last = asset.sampled_at
    due = last is None or at - aware(last) >= SAMPLE_SPACING
    values = {path: value_at(document, path) for path, _, _ in history}
    # A value that appears or vanishes (charging starts, stops) is worth a point now.
    switched = any(
        (values[path] is None) != (value_at(before, path) is None) for path, _, _ in history
    )
    if history and (due or switched):
        session.add(AssetSample(asset_pk=asset.pk, at=at, values=values))
        asset.sampled_at = at
    await mark_changed(session, asset_key(asset.client_id, asset.asset_type, asset.id))
    if changed:
        await asset_events.asset_changed(session, asset, "updated", at, changed)
        await hem_systems.site_reported(session, asset, at)
    return changed


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def report_credentials(
    session: AsyncSession, asset: Asset, valid: bool, at: datetime
) -> None:
    """The vendor accepts, or no longer accepts, the user's credentials."""
    connection = asset.connection
    if connection.is_valid and not valid:
        await asset_events.credentials_invalidated(session, asset, at)
    connection.is_valid = valid
    await mark_changed(session, user_key(asset.client_id, asset.user.user_id))
