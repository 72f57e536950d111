from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from gridlink.auth.tokens import TOKEN_LIFETIME_SECONDS, TokenSigner

CLIENT = str(uuid.uuid4())


def test_issue_and_verify() -> None:
    signer = TokenSigner(b"k" * 32)
    token = signer.issue(CLIENT, 3, now=1000)
    claims = signer.verify(token, now=1001)
    assert claims is not None
    assert (claims.client_id, claims.secret_version) == (CLIENT, 3)
    assert claims.expires_at == 1000 + TOKEN_LIFETIME_SECONDS


def test_expired_token_is_refused() -> None:
    signer = TokenSigner(b"k" * 32)
    token = signer.issue(CLIENT, 1, now=1000)
    assert signer.verify(token, now=1000 + TOKEN_LIFETIME_SECONDS) is None


def test_token_from_another_key_is_refused() -> None:
    token = TokenSigner(b"a" * 32).issue(CLIENT, 1)
    assert TokenSigner(b"b" * 32).verify(token) is None


@given(st.text(max_size=300))
def test_arbitrary_strings_never_verify_or_crash(text: str) -> None:
    assert TokenSigner(b"k" * 32).verify(text) is None


@given(st.integers(min_value=0, max_value=59), st.integers(min_value=0, max_value=7))
def test_any_flipped_bit_is_refused(position: int, bit: int) -> None:
    import base64

    signer = TokenSigner(b"k" * 32)
    token = signer.issue(CLIENT, 1)
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[position] ^= 1 << bit
    forged = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    assert signer.verify(forged) is None
