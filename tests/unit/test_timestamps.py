from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from gridlink.wire.timestamps import iso


def test_iso_is_utc_with_milliseconds_and_z() -> None:
    assert iso(datetime(2026, 1, 2, 3, 4, 5, 678_901, tzinfo=UTC)) == "2026-01-02T03:04:05.678Z"
    assert iso(datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05.000Z"  # naive is UTC
    oslo = timezone(timedelta(hours=1))
    assert iso(datetime(2026, 1, 2, 3, 4, 5, tzinfo=oslo)) == "2026-01-02T02:04:05.000Z"
