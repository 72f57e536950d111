from __future__ import annotations

import pytest

from gridlink.domain import versions
from gridlink.domain.errors import BadRequest
from gridlink.domain.pagination import PageRequest, decode_cursor, encode_cursor
from gridlink.domain.vendors import vendor_types_from_scopes, vendors_for


def test_cursor_round_trip_and_garbage() -> None:
    assert decode_cursor(encode_cursor(42)) == 42
    for garbage in ("", "!!!", "aGVsbG8", "k:"):
        with pytest.raises(BadRequest):
            decode_cursor(garbage)


def test_page_request_rules() -> None:
    with pytest.raises(BadRequest):
        PageRequest(after="a", before="b")
    with pytest.raises(BadRequest):
        PageRequest(page_size=0)
    assert PageRequest().page_size == 50


def test_versions() -> None:
    assert versions.resolve(None, "2024-10-01", "2024-01-01", "x") == "2024-10-01"
    assert versions.resolve("2024-01-01", "2024-10-01", "2024-01-01", "x") == "2024-01-01"
    for bad in ("2023-08-01", "2030-01-01", "latest"):
        with pytest.raises(BadRequest):
            versions.resolve(bad, "2024-10-01", "2024-01-01", "x")


def test_types_from_scopes_and_brands() -> None:
    assert vendor_types_from_scopes(["battery:read:data", "meter:read:location"]) == ["battery"]
    brands = vendors_for(["charger"])
    assert "ZAPTEC" in brands and "NISSAN" not in brands
