"""Signatures as Enode makes them: `sha1=` and the hex HMAC-SHA1 of the raw body,
keyed with the webhook's secret."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "x-enode-signature"
DELIVERY_HEADER = "x-enode-delivery"


def signature(body: bytes, secret: str) -> str:
    return "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def is_valid(body: bytes, secret: str, header: str) -> bool:
    """What a receiver does; compared in constant time."""
    return hmac.compare_digest(signature(body, secret).encode(), header.encode())
