"""Checks for text that people type and the database stores."""

from __future__ import annotations

import re

from gridlink.domain.errors import BadRequest

# Control characters: PostgreSQL refuses NUL in text, and none belongs in a name.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def has_control_characters(value: str) -> bool:
    return CONTROL.search(value) is not None


def clean_name(value: str, field: str, max_length: int = 200) -> str:
    value = value.strip()
    if not value or len(value) > max_length:
        raise BadRequest(f"{field} must be 1 to {max_length} characters.")
    if has_control_characters(value):
        raise BadRequest(f"{field} must not contain control characters.")
    return value
