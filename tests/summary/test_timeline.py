"""The actions timeline's time axis: sessions in start order, bars between their starts."""

from __future__ import annotations

from datetime import UTC, datetime

from playtest.summary.timeline import Column, position, session_at


def _col(n: int, hour: int | None) -> Column:
    start = datetime(2026, 12, 1, hour, tzinfo=UTC) if hour is not None else None
    return Column(n, f"S{n}", f"Baseline · S{n}", "Baseline", start, ("", "", ""))


def test_a_moment_falls_between_the_starts_of_the_sessions_around_it():
    cols = [_col(1, 9), _col(2, 11), _col(3, None)]
    assert position(cols, datetime(2026, 12, 1, 8, tzinfo=UTC)) == 0.0
    assert position(cols, datetime(2026, 12, 1, 10, tzinfo=UTC)) == 0.5
    assert position(cols, datetime(2026, 12, 1, 11, tzinfo=UTC)) == 1.0
    assert position(cols, datetime(2026, 12, 1, 12, tzinfo=UTC)) == 1.5  # 2 h after the last
    assert position(cols, None) is None
    assert session_at(cols, datetime(2026, 12, 1, 10, tzinfo=UTC)) == "Baseline · S1"
    assert session_at(cols, datetime(2026, 12, 1, 8, tzinfo=UTC)) is None
