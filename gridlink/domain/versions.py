"""API versions: which exist, which this server answers in, and which is newest."""

from __future__ import annotations

import re
from typing import Final

from gridlink.domain.errors import BadRequest

LATEST: Final = "2024-10-01"
# Oldest first. Responses are rendered for one of these.
SUPPORTED: Final[tuple[str, ...]] = ("2024-01-01", LATEST)
# Versions Enode has published; older ones are recognised so the error can say so.
PUBLISHED: Final[tuple[str, ...]] = (
    "2023-02-01", "2023-03-01", "2023-04-15", "2023-05-01", "2023-08-01", *SUPPORTED,
)  # fmt: skip
_FORMAT = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def resolve(requested: str | None, client_default: str, minimum: str, purpose: str) -> str:
    """The version a request is served in: its `Enode-Version` header, else the
    client's default. Raises BadRequest for malformed, unknown or too old ones."""
    version = (requested or client_default).strip()
    if not _FORMAT.match(version):
        raise BadRequest(f"Enode-Version must be a date like {LATEST}, not {version!r}.")
    if version not in PUBLISHED:
        raise BadRequest(
            f"API version {version} does not exist. Supported versions: {', '.join(SUPPORTED)}."
        )
    if version < minimum:
        raise BadRequest(
            f"{purpose} requires API version {minimum} or later; this request used {version}. "
            "Send an Enode-Version header or change the client's default API version."
        )
    return version


def answering(requested: str | None) -> str:
    """The version an answer that knows no client says it is in: the one asked
    for, if supported; else the newest."""
    asked = (requested or "").strip()
    return asked if asked in SUPPORTED else LATEST
