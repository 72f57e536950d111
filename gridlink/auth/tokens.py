"""Access tokens: signed, self-contained, checked without touching the database.

A token names its client and the client's secret version; rotating the secret
bumps the version, which revokes every token issued before.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
import uuid
from dataclasses import dataclass

TOKEN_LIFETIME_SECONDS = 3600
# What the token endpoint reports: a second short of the real lifetime, as
# Enode does, so a client that caches by it never sends an expired token.
EXPIRES_IN = TOKEN_LIFETIME_SECONDS - 1

_PAYLOAD = struct.Struct(">16sIQ")  # client uuid, secret version, expiry (unix seconds)


@dataclass(frozen=True)
class TokenClaims:
    client_id: str
    secret_version: int
    expires_at: int


class TokenSigner:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def issue(self, client_id: str, secret_version: int, now: float | None = None) -> str:
        expires_at = int(now if now is not None else time.time()) + TOKEN_LIFETIME_SECONDS
        payload = _PAYLOAD.pack(uuid.UUID(client_id).bytes, secret_version, expires_at)
        mac = hmac.new(self._key, payload, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(payload + mac).decode().rstrip("=")

    def verify(self, token: str, now: float | None = None) -> TokenClaims | None:
        """The claims of a genuine, unexpired token; None for anything else."""
        if len(token) > 200:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (ValueError, TypeError):
            return None
        if len(raw) != _PAYLOAD.size + 32:
            return None
        payload, mac = raw[: _PAYLOAD.size], raw[_PAYLOAD.size :]
        expected = hmac.new(self._key, payload, hashlib.sha256).digest()
        if not hmac.compare_digest(mac, expected):
            return None
        client_bytes, secret_version, expires_at = _PAYLOAD.unpack(payload)
        if expires_at <= (now if now is not None else time.time()):
            return None
        return TokenClaims(str(uuid.UUID(bytes=client_bytes)), secret_version, expires_at)
