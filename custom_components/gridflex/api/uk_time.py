"""
UK clock time at the edge: Market Gateway (and the Connected Data Portal) speak it, GridFlex keeps aware instants.

Rules where a clock time names no single instant (written down in docs/market.md):
- a time in the spring-forward gap (01:00–01:59 on the last Sunday of March) does not exist: it is read
  with the offset before the change, so 01:30 is 01:30 UTC (02:30 BST), an hour after 00:30 UTC;
- a time repeated in autumn (01:00–01:59 on the last Sunday of October) is its first occurrence (BST),
  unless ``later=True`` asks for the second one (GMT).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def uk_clock_to_utc(naive: dt.datetime, *, later: bool = False) -> dt.datetime:
    """Return the UTC instant of a UK clock time (see the module's rules for gaps and repeats)."""
    if naive.tzinfo is not None:
        return naive.astimezone(dt.UTC)
    return naive.replace(tzinfo=UK, fold=1 if later else 0).astimezone(dt.UTC)


def uk_day_time(day: dt.date, clock: dt.time, *, later: bool = False) -> dt.datetime:
    """Return the UTC instant of ``clock`` on ``day`` in the UK."""
    return uk_clock_to_utc(dt.datetime.combine(day, clock), later=later)


def uk_period(
    day: dt.date, start: dt.time, end: dt.time
) -> tuple[dt.datetime, dt.datetime]:
    """
    Return the UTC instants of a delivery period given as UK clock times on one day.

    An end at or before the start (``23:00``–``00:00``) is on the next day. An end repeated in
    autumn is read as its second occurrence when the first would not be after the start
    (01:00 BST–01:30 is the 90 minutes up to 01:30 GMT, not an empty period).
    """
    start_utc = uk_day_time(day, start)
    end_day = day if end > start else day + dt.timedelta(days=1)
    end_utc = uk_day_time(end_day, end)
    if end_utc <= start_utc:
        end_utc = uk_day_time(end_day, end, later=True)
    return start_utc, end_utc


def utc_to_uk_clock(moment: dt.datetime) -> dt.datetime:
    """Return a naive UK clock time for an aware instant (what Market Gateway expects to read)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UK).replace(tzinfo=None)


def uk_clock_text(moment: dt.datetime) -> str:
    """Format an aware instant as UK clock time text without a zone (``2026-03-29T02:30:00``)."""
    return utc_to_uk_clock(moment).isoformat(timespec="seconds")


def parse_uk_datetime(value: object) -> dt.datetime | None:
    """
    Read a date-time text that may lack a zone; zoneless text is UK clock time.

    Returns an aware UTC datetime, or None when the value is not a date-time text.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = f"{text[:-1]}+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return uk_clock_to_utc(parsed)


def parse_date(value: object) -> dt.date | None:
    """Read a date given as ``YYYY-MM-DD`` (a time part after it is ignored)."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_clock(value: object) -> dt.time | None:
    """Read a clock time ``HH:MM`` (or ``HH:MM:SS``); ``24:00`` is the end of the day, ``00:00``."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text in ("24:00", "24:00:00"):
        return dt.time(0, 0)
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        return None
