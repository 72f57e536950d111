"""The admin's signed session cookie and the CSRF token derived from it."""

from __future__ import annotations

import hashlib
import hmac
import time

COOKIE = "gridlink_admin"
LIFETIME_SECONDS = 12 * 3600


def _mac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def issue(key: bytes, password_hash: str, now: float | None = None) -> str:
    # The password hash is part of the MAC: a new password ends every session.
    expires = int((now or time.time()) + LIFETIME_SECONDS)
    return f"{expires}.{_mac(key, f'admin:{expires}:{password_hash}')}"


def is_valid(key: bytes, password_hash: str | None, cookie: str | None) -> bool:
    if not cookie or password_hash is None:
        return False
    expires_text, _, mac = cookie.partition(".")
    if not expires_text.isdigit() or int(expires_text) < time.time():
        return False
    return hmac.compare_digest(mac, _mac(key, f"admin:{expires_text}:{password_hash}"))


def csrf_token(key: bytes, cookie: str) -> str:
    return _mac(key, f"csrf:{cookie}")


def csrf_matches(key: bytes, cookie: str | None, sent: str | None) -> bool:
    return (
        bool(cookie)
        and bool(sent)
        and hmac.compare_digest(csrf_token(key, cookie or ""), sent or "")
    )
