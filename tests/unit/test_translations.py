from __future__ import annotations

import pytest

from gridlink.link.translations import FALLBACK, TEXT, Translator, choose_language


def test_every_language_has_every_key() -> None:
    keys = set(TEXT[FALLBACK])
    for language, text in TEXT.items():
        assert set(text) == keys, language


@pytest.mark.parametrize(
    ("requested", "accept", "chosen"),
    [
        ("nb-NO", None, "nb-NO"),
        ("en-GB", None, "en-US"),
        ("sv-SE", None, "en-US"),
        ("browser", "de-AT,de;q=0.9", "de-DE"),
        ("browser", "fr;q=1.0, nb;q=0.5", "nb-NO"),
        ("browser", "no", "nb-NO"),
        ("browser", "de;q=0.2, en-US;q=0.8", "en-US"),
        ("browser", "*", "en-US"),
        ("browser", "de;q=0", "en-US"),
        ("browser", ";;;q=abc,", "en-US"),
        ("browser", None, "en-US"),
    ],
)
def test_choose_language(requested: str, accept: str | None, chosen: str) -> None:
    assert choose_language(requested, accept) == chosen


def test_join_and_placeholders() -> None:
    t = Translator("en-US")
    assert t.join(["a"]) == "a"
    assert t.join(["a", "b", "c"]) == "a, b and c"
    assert t("signin_heading", brand="Tesla") == "Sign in to Tesla"
