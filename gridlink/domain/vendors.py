"""Asset types, the brands that make each, and the scopes that grant access to them."""

from __future__ import annotations

from typing import Final, Literal

AssetType = Literal["vehicle", "charger", "hvac", "inverter", "battery", "meter"]
ASSET_TYPES: Final[tuple[AssetType, ...]] = (
    "vehicle",
    "charger",
    "hvac",
    "inverter",
    "battery",
    "meter",
)

VENDORS: Final[dict[str, tuple[str, ...]]] = {
    "vehicle": (
        "ACURA", "AUDI", "BMW", "HONDA", "HYUNDAI", "JAGUAR", "LANDROVER", "KIA",
        "MERCEDES", "MINI", "NISSAN", "PEUGEOT", "PORSCHE", "RENAULT", "SEAT", "SKODA",
        "TESLA", "VOLKSWAGEN", "VOLVO", "FORD", "OPEL", "DS", "TOYOTA", "LEXUS",
        "CITROEN", "CUPRA", "VAUXHALL", "FIAT", "RIVIAN", "NIO", "CHEVROLET", "GMC",
        "CADILLAC", "XPENG", "POLESTAR", "SUBARU", "JEEP", "MAZDA", "MG", "CHRYSLER",
        "DODGE", "RAM", "ALFAROMEO", "LANCIA", "LUCID", "BYD", "DACIA", "ALPINE",
    ),
    "charger": (
        "ZAPTEC", "EASEE", "WALLBOX", "EO", "CHARGEAMPS", "EVBOX", "GOE", "CHARGEPOINT",
        "ENELX", "TESLA", "OHME", "GARO", "SCHNEIDER", "PODPOINT", "KEBA", "HYPERVOLT",
        "MYENERGI", "HEIDELBERG", "ALFEN",
    ),
    "hvac": (
        "TADO", "MILL", "ADAX", "ECOBEE", "SENSIBO", "HONEYWELL", "RESIDEO", "MITSUBISHI",
        "MICROMATIC", "NIBE", "PANASONIC", "TOSHIBA", "DAIKIN", "NEST", "FUJITSU", "BOSCH",
        "NETATMO",
    ),
    "inverter": (
        "AFORE", "APSYSTEMS", "CSISolar", "Deye", "ENPHASE", "FOXESS", "FRONIUS",
        "GIVENERGY", "GOODWE", "GROWATT", "Hoymiles", "HUAWEI", "INVT", "SMA", "SOFAR",
        "SOLAREDGE", "SOLARK", "SOLAX", "SOLIS", "SOLPLANET", "SUNGROW", "SUNSYNK", "TESLA",
        "TSUN",
    ),
    "battery": (
        "TESLA", "ENPHASE", "GIVENERGY", "HUAWEI", "SOLAREDGE", "SMA", "FOXESS", "SOLAX",
        "SOLIS",
    ),
    "meter": (
        "ENPHASE", "GIVENERGY", "HUAWEI", "TESLA", "SMA", "SOLAREDGE", "FOXESS", "SOLAX",
        "SOLIS",
    ),
}  # fmt: skip

ALL_VENDORS: Final[frozenset[str]] = frozenset(v for vs in VENDORS.values() for v in vs)

# How a brand is written for people, where that differs from its API name.
_DISPLAY_NAMES: Final[dict[str, str]] = {
    "LANDROVER": "Land Rover", "MERCEDES": "Mercedes-Benz", "VOLKSWAGEN": "Volkswagen",
    "ALFAROMEO": "Alfa Romeo", "MINI": "MINI", "DS": "DS Automobiles", "MG": "MG",
    "GMC": "GMC", "BMW": "BMW", "BYD": "BYD", "NIO": "NIO", "RAM": "RAM", "EO": "EO Charging",
    "EVBOX": "EVBox", "GOE": "go-e", "CHARGEAMPS": "Charge Amps", "CHARGEPOINT": "ChargePoint",
    "ENELX": "Enel X", "PODPOINT": "Pod Point", "MYENERGI": "myenergi", "KEBA": "KEBA",
    "GARO": "GARO", "SMA": "SMA", "INVT": "INVT", "TSUN": "TSUN", "CSISolar": "CSI Solar",
    "APSYSTEMS": "APsystems", "FOXESS": "FoxESS", "GIVENERGY": "GivEnergy",
    "GOODWE": "GoodWe", "SOLAREDGE": "SolarEdge", "SOLARK": "Sol-Ark", "SOLAX": "SolaX",
    "SOLPLANET": "Solplanet", "HUAWEI": "Huawei", "NIBE": "NIBE", "NEST": "Google Nest",
}  # fmt: skip

SCOPES: Final[tuple[str, ...]] = (
    "battery:control:operation_mode",
    "battery:read:data",
    "battery:read:location",
    "charger:control:charging",
    "charger:read:data",
    "hvac:control:mode",
    "hvac:read:data",
    "inverter:read:data",
    "inverter:read:location",
    "meter:read:data",
    "meter:read:location",
    "vehicle:control:charging",
    "vehicle:read:data",
    "vehicle:read:location",
)

LANGUAGES: Final[tuple[str, ...]] = (
    "browser", "da-DK", "de-DE", "en-US", "en-GB", "es-ES", "fi-FI", "fr-FR", "it-IT",
    "ja-JP", "lv-LV", "lt-LT", "nb-NO", "nl-NL", "nl-BE", "pl-PL", "pt-PT", "ro-RO", "sv-SE",
)  # fmt: skip


def display_name(vendor: str) -> str:
    return _DISPLAY_NAMES.get(vendor, vendor.capitalize() if vendor.isupper() else vendor)


def vendor_types_from_scopes(scopes: list[str]) -> list[str]:
    """The asset types a Link session covers when no vendorType is given:
    every type whose `<type>:read:data` scope was requested."""
    return [t for t in ASSET_TYPES if f"{t}:read:data" in scopes]


def vendors_for(types: list[str]) -> list[str]:
    """Brands that make at least one of the types, in a stable alphabetical order."""
    found = {v for t in types for v in VENDORS.get(t, ())}
    return sorted(found, key=lambda v: display_name(v).lower())


def types_of_vendor(vendor: str, among: list[str]) -> list[str]:
    return [t for t in among if vendor in VENDORS.get(t, ())]
