"""Which brands' devices gridlink links over SunSpec, and where it looks by default."""

from __future__ import annotations

from typing import Final

# What a SunSpec device can hold.
ASSET_TYPES: Final = ("inverter", "battery", "meter")
# Brands whose inverters, batteries and meters answer SunSpec over Modbus TCP on the
# local network.
BRANDS: Final = frozenset(
    {"FRONIUS", "SMA", "SOLAREDGE", "HUAWEI", "SUNGROW", "GOODWE", "ENPHASE", "SOLARK"}
)
# The Modbus TCP port and unit id most devices use out of the box.
DEFAULT_PORT: Final = 502
DEFAULT_UNIT: Final = 1


def links_by_address(vendor: str | None, asset_types: list[str]) -> bool:
    """Whether devices of this brand and these asset types are linked by their network
    address (see linking.link_device) rather than through an account with the brand."""
    return vendor in BRANDS and bool(asset_types) and all(t in ASSET_TYPES for t in asset_types)
