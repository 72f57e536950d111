"""Client secrets and the admin password: how they are made, stored and checked."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_client_secret() -> str:
    """256 random bits. Machine-made, so a fast hash is enough to store it."""
    return secrets.token_urlsafe(32)


def hash_client_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def client_secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_client_secret(secret), stored_hash)


def new_password() -> str:
    return secrets.token_urlsafe(12)


def hash_password(password: str) -> str:
    """A person's password: slow scrypt with a random salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        _, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), n=2**14, r=8, p=1)
    return hmac.compare_digest(digest.hex(), digest_hex)
