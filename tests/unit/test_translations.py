from __future__ import annotations

import pytest

from gridlink.connectors.base import DeviceAtAddress, DeviceConnects
from gridlink.connectors.ocpp.linking import OverOcpp
from gridlink.connectors.ocpp.texts import TEXTS as OCPP_TEXTS
from gridlink.connectors.sunspec.linking import AtAddress
from gridlink.connectors.sunspec.texts import TEXTS as SUNSPEC_TEXTS
from gridlink.link.translations import FALLBACK, TEXT, Translator, choose_language

CONNECTOR_TEXTS = {"ocpp": OCPP_TEXTS, "sunspec": SUNSPEC_TEXTS}


def test_every_language_has_every_key() -> None:
    keys = set(TEXT[FALLBACK])
    for language, text in TEXT.items():
        assert set(text) == keys, language


@pytest.mark.parametrize("connector", sorted(CONNECTOR_TEXTS))
def test_connectors_bring_their_text_in_every_language(connector: str) -> None:
    texts = CONNECTOR_TEXTS[connector]
    assert set(texts) == set(TEXT), connector
    keys = set(texts[FALLBACK])
    for language, text in texts.items():
        assert set(text) == keys, (connector, language)
        assert not keys & set(TEXT[language]), "a connector's key hides Link UI's own"


@pytest.mark.parametrize(
    ("linking", "texts"), [(OverOcpp(), OCPP_TEXTS), (AtAddress(), SUNSPEC_TEXTS)]
)
def test_every_text_a_linking_names_exists(
    linking: DeviceConnects | DeviceAtAddress, texts: dict[str, dict[str, str]]
) -> None:
    named = [linking.heading, linking.body]
    if isinstance(linking, DeviceConnects):
        named += [linking.waiting] + [s.label for s in linking.shown({"chargePointId": "X",
                  "password": "p"}, "https://gridlink.example")]  # fmt: skip
    else:
        named += [linking.submit] + [k for a in linking.asked for k in (a.label, a.hint)]
    for language in TEXT:
        t = Translator(language, texts)
        for key in named:
            assert t(key, brand="B", assets="A") != key, (language, key)


def test_device_connects_url_follows_the_public_scheme() -> None:
    prepared = {"chargePointId": "GL1", "password": "secret"}
    [url, *_] = OverOcpp().shown(prepared, "https://gridlink.example")
    assert url.value == "wss://gridlink.example/ocpp/GL1"
    [url, *_] = OverOcpp().shown(prepared, "http://localhost:8000")
    assert url.value == "ws://localhost:8000/ocpp/GL1"


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
