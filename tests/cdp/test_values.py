"""UK clock time and tolerant numbers, cell by cell."""

from __future__ import annotations

import datetime as dt

import pytest

from custom_components.gridflex.api.cdp.values import (
    clock_time,
    decode_text,
    number,
    uk_date,
    uk_datetime,
    uk_period,
)

UTC = dt.UTC


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0.564", 0.564),
        ("£7.02", 7.02),
        ("1,200 kW", 1200.0),
        ("7.02/MWh", 7.02),
        (" 12 ", 12.0),
        (3, 3.0),
        ("", None),
        ("-", None),
        ("N/A", None),
        ("abc", None),
        ("1e400", None),
        (float("nan"), None),
        (True, None),
        (None, None),
    ],
)
def test_numbers_given_as_text(raw: object, expected: float | None) -> None:
    assert number(raw) == expected


def test_dates_and_times() -> None:
    assert uk_date("06/10/2025") == dt.date(2025, 10, 6)
    assert uk_date("2025-10-06T00:00:00") == dt.date(2025, 10, 6)
    assert uk_date("31/02/2025") is None
    assert uk_date("06-10-2025") is None
    assert uk_date("") is None
    assert clock_time("07:00") == (7, 0, 0)
    assert clock_time("07:30:15.000") == (7, 30, 15)
    assert clock_time("24:00:00") == (24, 0, 0)
    assert clock_time("24:30") is None
    assert clock_time("07:60") is None
    assert clock_time("7am") is None
    assert uk_datetime("25/09/2025 12:00:00") == dt.datetime(
        2025, 9, 25, 11, tzinfo=UTC
    )
    assert uk_datetime("2025-12-25T08:00:00") == dt.datetime(
        2025, 12, 25, 8, tzinfo=UTC
    )
    assert uk_datetime("25/12/2025") == dt.datetime(2025, 12, 25, 0, tzinfo=UTC)
    assert uk_datetime("25/12/2025 late") is None
    assert uk_datetime("soon") is None
    assert uk_datetime(None) is None


def _utc(period: tuple[dt.datetime, dt.datetime] | None) -> tuple[dt.datetime, ...]:
    assert period is not None
    return tuple(moment.astimezone(UTC) for moment in period)


def test_periods_on_both_clock_changes() -> None:
    spring, autumn = dt.date(2027, 3, 28), dt.date(2027, 10, 31)
    # Spring: 01:00-02:00 GMT never happens on the wall clock.
    assert _utc(uk_period(spring, "00:30", "02:30")) == (
        dt.datetime(2027, 3, 28, 0, 30, tzinfo=UTC),
        dt.datetime(2027, 3, 28, 1, 30, tzinfo=UTC),
    )
    # A period inside the skipped hour keeps GMT, the offset the clock had before jumping.
    assert _utc(uk_period(spring, "01:00", "01:30")) == (
        dt.datetime(2027, 3, 28, 1, 0, tzinfo=UTC),
        dt.datetime(2027, 3, 28, 1, 30, tzinfo=UTC),
    )
    assert (
        uk_period(spring, "01:30", "02:30") is None
    )  # ends as it starts: nothing left
    # Autumn: 01:30 is taken the first time round (BST); 02:00 is GMT.
    assert _utc(uk_period(autumn, "01:30:00", "02:00:00")) == (
        dt.datetime(2027, 10, 31, 0, 30, tzinfo=UTC),
        dt.datetime(2027, 10, 31, 2, 0, tzinfo=UTC),
    )
    assert _utc(uk_period(autumn, "07:00", "07:30")) == (
        dt.datetime(2027, 10, 31, 7, 0, tzinfo=UTC),
        dt.datetime(2027, 10, 31, 7, 30, tzinfo=UTC),
    )
    # An end at midnight (or 24:00) is the next day's start.
    assert _utc(uk_period(autumn, "23:30", "00:00")) == (
        dt.datetime(2027, 10, 31, 23, 30, tzinfo=UTC),
        dt.datetime(2027, 11, 1, 0, 0, tzinfo=UTC),
    )
    assert _utc(uk_period(autumn, "23:30", "24:00")) == _utc(
        uk_period(autumn, "23:30", "00:00")
    )
    assert uk_period(None, "07:00", "07:30") is None
    assert uk_period(autumn, "07:00", "") is None


def test_text_is_utf8_else_latin1() -> None:
    assert decode_text("£7.02 Café".encode()) == "£7.02 Café"
    assert decode_text("£7.02 Café".encode("latin-1")) == "£7.02 Café"
