"""Prices: the sandbox's market curve, tariffs with gaps, and the operator's feed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gridlink.db.tables import LocationTariff, Tariff
from gridlink.domain.price_feeds import parse
from gridlink.domain.prices import currency_of, market_price
from gridlink.domain.tariffs import rate_at


def test_the_market_is_cheap_at_night_and_dear_in_the_evening() -> None:
    night = market_price(datetime(2026, 1, 14, 2, tzinfo=UTC), "Europe/Oslo")  # 03:00 local
    evening = market_price(datetime(2026, 1, 14, 17, tzinfo=UTC), "Europe/Oslo")  # 18:00
    assert 0 < night < evening / 2


def test_currency_follows_the_market_area() -> None:
    assert currency_of("Europe/Oslo") == currency_of("Europe/Helsinki") == "NOK"
    assert currency_of("Europe/Berlin") == "EUR"
    assert currency_of("America/New_York") == "USD"


def test_a_tariff_gap_has_no_rate() -> None:
    tariff = Tariff(tariff_id="t", rates=[{"name": "DAY", "cost": "1.25"}])
    linked = LocationTariff(
        intervals=[{"name": "DAY", "weekdays": [0, 1, 2, 3, 4], "from": "06:00", "to": "22:00"}],
        tariff=tariff,
    )
    assert str(rate_at(linked, datetime(2026, 1, 12, 12, 0))) == "1.25"  # a Monday noon
    assert rate_at(linked, datetime(2026, 1, 12, 23, 0)) is None  # night: the market's
    assert rate_at(linked, datetime(2026, 1, 17, 12, 0)) is None  # Saturday


def test_the_operators_price_csv() -> None:
    table = parse(
        "start,price,currency,zone\n"
        "2026-01-01T00:00:00+01:00,0.80,NOK,Europe/Oslo\n"
        "2026-01-01T01:00:00+01:00,0.50,NOK,Europe/Oslo\n"
        "2026-01-01T00:00:00Z,0.09,EUR,\n"
    )
    assert table.price("Europe/Oslo", datetime(2025, 12, 31, 23, 30, tzinfo=UTC)) == (0.8, "NOK")
    assert table.price("Europe/Oslo", datetime(2026, 1, 1, 5, tzinfo=UTC)) == (0.5, "NOK")
    assert table.price("Europe/Paris", datetime(2026, 1, 1, 5, tzinfo=UTC)) == (0.09, "EUR")
    assert table.price("Europe/Paris", datetime(2025, 1, 1, tzinfo=UTC)) is None  # before any


@pytest.mark.parametrize(
    "text",
    ["start,price\n2026-01-01T00:00:00Z,1\n", "start,price,currency\nyesterday,1,NOK\n",
     "start,price,currency\n2026-01-01T00:00:00,1,NOK\n"],
)  # fmt: skip
def test_a_broken_price_csv_says_what_is_wrong(text: str) -> None:
    with pytest.raises(ValueError, match="price CSV"):
        parse(text)
