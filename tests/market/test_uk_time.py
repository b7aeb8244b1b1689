"""UK clock time at the edge: both clock changes, gaps and repeats, zoneless and zoned text."""

from __future__ import annotations

import datetime as dt

import pytest

from custom_components.gridflex.api.uk_time import (
    parse_clock,
    parse_date,
    parse_uk_datetime,
    uk_clock_text,
    uk_day_time,
    uk_period,
    utc_to_uk_clock,
)

UTC = dt.UTC


def test_winter_and_summer_clock_times() -> None:
    assert parse_uk_datetime("2026-01-15T17:00:00") == dt.datetime(
        2026, 1, 15, 17, tzinfo=UTC
    )
    assert parse_uk_datetime("2026-07-15T17:00:00") == dt.datetime(
        2026, 7, 15, 16, tzinfo=UTC
    )
    assert parse_uk_datetime("2026-07-15T17:00:00Z") == dt.datetime(
        2026, 7, 15, 17, tzinfo=UTC
    )
    assert parse_uk_datetime("2026-07-15T17:00:00+02:00") == dt.datetime(
        2026, 7, 15, 15, tzinfo=UTC
    )
    assert parse_uk_datetime("soon") is None
    assert parse_uk_datetime(42) is None


def test_spring_gap_reads_with_the_offset_before_the_change() -> None:
    # 01:30 on 29 March 2026 does not exist in the UK: it is 01:30 UTC (02:30 BST).
    assert uk_day_time(dt.date(2026, 3, 29), dt.time(1, 30)) == dt.datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )
    assert uk_period(dt.date(2026, 3, 29), dt.time(0, 0), dt.time(3, 0)) == (
        dt.datetime(2026, 3, 29, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 29, 2, tzinfo=UTC),
    )


def test_autumn_repeat_is_first_unless_that_would_be_empty() -> None:
    day = dt.date(2026, 10, 25)
    assert uk_day_time(day, dt.time(1, 30)) == dt.datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    assert uk_day_time(day, dt.time(1, 30), later=True) == dt.datetime(
        2026, 10, 25, 1, 30, tzinfo=UTC
    )
    # 01:00 to 01:30 in the repeated hour: read as 01:00 BST to 01:30 BST.
    assert uk_period(day, dt.time(1, 0), dt.time(1, 30)) == (
        dt.datetime(2026, 10, 25, 0, 0, tzinfo=UTC),
        dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    )
    # 01:30 to 01:00 cannot be the next day's 01:00: the second 01:00 (GMT) follows 01:30 BST.
    assert uk_period(day, dt.time(1, 30), dt.time(1, 0)) == (
        dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        dt.datetime(2026, 10, 26, 1, 0, tzinfo=UTC),
    )
    assert (
        uk_clock_text(dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC))
        == "2026-10-25T01:30:00"
    )


def test_text_helpers() -> None:
    assert parse_clock("24:00") == dt.time(0, 0)
    assert parse_clock("7pm") is None
    assert parse_clock(None) is None
    assert parse_date("2026-03-29T00:00:00") == dt.date(2026, 3, 29)
    assert parse_date("2026-02-30") is None
    assert parse_date(None) is None
    with pytest.raises(ValueError):
        utc_to_uk_clock(dt.datetime(2026, 1, 1))
