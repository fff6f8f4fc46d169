"""Time helpers every floor shares: the current UTC time and the wire format for times."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def require_aware(dt: datetime, name: str) -> None:
    """Refuse a naive datetime: every time in the app is aware UTC (the models hand back so)."""
    # A naive datetime here is a programming error, so it is a plain ValueError.
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {dt!r}")


def iso_ms(dt: datetime | None) -> str | None:
    """Format an aware datetime as ISO-8601 UTC with milliseconds, e.g. 2026-11-23T15:04:05.123Z."""
    if dt is None:
        return None
    require_aware(dt, "dt")
    return dt.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
