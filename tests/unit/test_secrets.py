from __future__ import annotations

import pytest

from gridlink.auth.secrets import (
    client_secret_matches,
    hash_client_secret,
    hash_password,
    new_client_secret,
    password_matches,
)
from gridlink.crypto import Vault


def test_client_secret_is_256_bits_and_stored_hashed() -> None:
    secret = new_client_secret()
    assert len(secret) >= 43
    stored = hash_client_secret(secret)
    assert secret not in stored
    assert client_secret_matches(secret, stored)
    assert not client_secret_matches(secret + "x", stored)


def test_password_hash_is_salted() -> None:
    first, second = hash_password("pw"), hash_password("pw")
    assert first != second
    assert password_matches("pw", first) and password_matches("pw", second)
    assert not password_matches("pW", first)
    assert not password_matches("pw", "garbage")


def test_vault_round_trip_and_wrong_key() -> None:
    sealed = Vault(b"one").seal({"username": "u", "password": "p"})
    assert b'"password"' not in sealed
    assert Vault(b"one").open(sealed) == {"username": "u", "password": "p"}
    with pytest.raises(ValueError):
        Vault(b"two").open(sealed)
