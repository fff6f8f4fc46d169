"""The time helpers every floor shares: aware UTC now, and the wire format with milliseconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from playtest.timeutil import iso_ms, utcnow


def test_utcnow_is_aware_utc():
    now = utcnow()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)


def test_iso_ms_always_has_milliseconds_and_z():
    assert iso_ms(datetime(2026, 11, 23, 15, 4, 5, 123456, tzinfo=UTC)) == (
        "2026-11-23T15:04:05.123Z"
    )
    assert iso_ms(datetime(2026, 11, 23, 15, 4, 5, tzinfo=UTC)) == "2026-11-23T15:04:05.000Z"


def test_iso_ms_converts_other_zones_to_utc():
    paris = timezone(timedelta(hours=1))
    assert iso_ms(datetime(2026, 11, 23, 16, 0, tzinfo=paris)) == "2026-11-23T15:00:00.000Z"


def test_iso_ms_of_none_is_none():
    assert iso_ms(None) is None


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        iso_ms(datetime(2026, 11, 23, 9, 0))
