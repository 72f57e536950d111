"""Wire shapes of the User Management operations."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gridlink.db.tables import User
from gridlink.domain.vendors import ALL_VENDORS, ASSET_TYPES, LANGUAGES, SCOPES
from gridlink.wire.timestamps import iso

Scope = Literal[SCOPES]  # type: ignore[valid-type]
Language = Literal[LANGUAGES]  # type: ignore[valid-type]
VendorTypeName = Literal[ASSET_TYPES]  # type: ignore[valid-type]
_UNSAFE_SCHEMES = frozenset({"javascript", "data", "vbscript", "file"})


class LinkUserPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vendor: str | None = None
    vendorType: VendorTypeName | None = None
    scopes: list[Scope] = Field(min_length=1)
    language: Language
    redirectUri: str = Field(max_length=500)
    colorScheme: Literal["system", "light", "dark"] = "system"

    @field_validator("vendor")
    @classmethod
    def _known_vendor(cls, value: str | None) -> str | None:
        if value is not None and value not in ALL_VENDORS:
            raise ValueError(f"unknown vendor {value!r}")
        return value

    @field_validator("redirectUri")
    @classmethod
    def _redirect_uri(cls, value: str) -> str:
        return redirect_uri(value)


class RelinkPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Language
    redirectUri: str = Field(max_length=500)
    colorScheme: Literal["system", "light", "dark"] = "system"

    @field_validator("redirectUri")
    @classmethod
    def _redirect_uri(cls, value: str) -> str:
        return redirect_uri(value)


def redirect_uri(value: str) -> str:
    """Where Link UI may send a person back to: an absolute URI, never a script."""
    parts = urlsplit(value)
    if not parts.scheme or not (parts.netloc or parts.path):
        raise ValueError("must be an absolute URI, such as https://myapp.com/callback")
    if parts.scheme.lower() in _UNSAFE_SCHEMES or value == "about:blank":
        raise ValueError(f"the {parts.scheme}: scheme cannot be a redirect target")
    return value


def user_json(user_id: str, linked: list[tuple[str, str, bool]]) -> dict[str, Any]:
    seen: dict[tuple[str, str], bool] = {}
    for vendor, vendor_type, is_valid in linked:
        seen[(vendor, vendor_type)] = seen.get((vendor, vendor_type), False) or is_valid
    return {
        "id": user_id,
        "linkedVendors": [
            {"vendor": vendor, "vendorType": vendor_type, "isValid": valid}
            for (vendor, vendor_type), valid in seen.items()
        ],
    }


def users_list_entry(user: User, scopes: list[str]) -> dict[str, Any]:
    return {
        "id": user.user_id,
        "createdAt": iso(user.created_at),
        "scopes": scopes,
    }
