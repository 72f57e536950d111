"""Encryption at rest for vendor credentials, keyed from the server's secret key."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken


def _derive(secret_key: bytes, purpose: bytes) -> bytes:
    return hashlib.sha256(b"gridlink:" + purpose + b":" + secret_key).digest()


def signing_key(secret_key: bytes) -> bytes:
    return _derive(secret_key, b"access-tokens")


def cookie_key(secret_key: bytes) -> bytes:
    return _derive(secret_key, b"cookies")


class Vault:
    """Seals small JSON values (usernames and passwords) for storage."""

    def __init__(self, secret_key: bytes) -> None:
        key = base64.urlsafe_b64encode(_derive(secret_key, b"vendor-credentials"))
        self._fernet = Fernet(key)

    def seal(self, value: Any) -> bytes:
        return self._fernet.encrypt(json.dumps(value).encode())

    def open(self, sealed: bytes) -> Any:
        try:
            return json.loads(self._fernet.decrypt(sealed))
        except InvalidToken as error:
            raise ValueError("sealed value was made with another secret key") from error
