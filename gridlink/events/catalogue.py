"""The events gridlink sends, and which of them a subscription wants."""

from __future__ import annotations

from typing import Final

# The key under which each asset type's events carry the asset.
ASSET_KEYS: Final = {
    "vehicle": "vehicle",
    "charger": "charger",
    "hvac": "hvac",
    "inverter": "inverter",
    "battery": "battery",
    "meter": "meter",
    "hem-system": "hemSystem",
}
ASSET_VERBS: Final = ("discovered", "updated", "deleted")

CREDENTIALS_INVALIDATED: Final = "user:credentials:invalidated"
VENDOR_ACTION_UPDATED: Final = "user:vendor-action:updated"
HEARTBEAT: Final = "system:heartbeat"
TEST: Final = "enode:webhook:test"

# What a subscription may name: the spec's list, plus the HEM system events the
# spec sends but forgot in its list. `*` is every event.
SUBSCRIBABLE: Final[tuple[str, ...]] = (
    "*",
    *(f"user:{asset}:{verb}" for asset in ASSET_KEYS for verb in ASSET_VERBS),
    "user:vehicle:smart-charging-status-updated",
    "user:charge-action:updated",
    VENDOR_ACTION_UPDATED,
    "user:schedule:execution-updated",
    "user:inverter:statistics-updated",
    CREDENTIALS_INVALIDATED,
    TEST,
)


def asset_event(asset_type: str, verb: str) -> str:
    return f"user:{asset_type}:{verb}"


def wants(subscription: list[str], event: str) -> bool:
    """Heartbeats go to every webhook; other events to those that asked."""
    return event == HEARTBEAT or "*" in subscription or event in subscription
