"""
Cell values of the Connected Data Portal: UK clock dates and times, numbers given as text, columns.

Everything here is tolerant: a cell it cannot read is "none", never zero and never an exception.
"""

from __future__ import annotations

from collections.abc import Mapping
import datetime as dt
import functools
import math
import re
from typing import Any

from ..uk_time import uk_day_time, uk_period as uk_clock_period

_EMPTY = frozenset({"", "-", "n/a", "na", "none", "null", "tbc", "nan"})
_DATE_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")
_NUMBER_NOISE = re.compile(r"[£,\s]")
_UNIT_SUFFIX = re.compile(r"(?<=\d)[a-zA-Z/\[\]]+$")


@functools.lru_cache(maxsize=512)
def column_key(name: str) -> str:
    """Return a column name as compared: case-folded, punctuation and spacing made single spaces."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", name.casefold()).split())


def keyed_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """Index a record by :func:`column_key`; unknown columns stay in it, unread."""
    return {column_key(str(name)): value for name, value in record.items()}


def cell(row: Mapping[str, Any], *names: str) -> Any:
    """Return the first non-empty cell among ``names`` (several spellings of one column)."""
    for name in names:
        value = row.get(column_key(name))
        if value is not None and text(value) is not None:
            return value
    return None


def text(value: Any) -> str | None:
    """Return a cell as trimmed text; an empty cell is None."""
    if value is None:
        return None
    out = str(value).strip()
    return None if out.casefold() in _EMPTY else out


def number(value: Any) -> float | None:
    """Read a number given as text (``"0.564"``, ``"£7.02"``, ``"1,200 kW"``); None when unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    raw = text(value)
    if raw is None:
        return None
    try:
        result = float(_UNIT_SUFFIX.sub("", _NUMBER_NOISE.sub("", raw)))
    except ValueError:
        return None
    return result if math.isfinite(result) else None


def uk_date(value: Any) -> dt.date | None:
    """Read ``DD/MM/YYYY`` (or ISO ``YYYY-MM-DD``, also the date part of a timestamp)."""
    raw = text(value)
    if raw is None:
        return None
    raw = raw.split()[0].split("T")[0]
    try:
        if match := _DATE_UK.match(raw):
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        if match := _DATE_ISO.match(raw):
            year, month, day = (int(part) for part in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


def clock_time(value: Any) -> tuple[int, int, int] | None:
    """Read ``HH:MM[:SS]`` as (hours, minutes, seconds); ``24:00`` is kept as the day's end."""
    raw = text(value)
    if raw is None:
        return None
    match = _TIME.match(raw)
    if match is None:
        return None
    hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
    if (
        minutes > 59
        or seconds > 59
        or hours > 24
        or (hours == 24 and minutes + seconds)
    ):
        return None
    return hours, minutes, seconds


def uk_moment(day: dt.date, clock: tuple[int, int, int]) -> dt.datetime:
    """
    Place a UK wall-clock time on a day, as an aware instant; ``24:00`` is the next day's 00:00.

    The clock-change rules (a repeated autumn hour, the skipped spring hour) are api/uk_time.py's,
    shared with Market Gateway.
    """
    hours, minutes, seconds = clock
    if hours == 24:
        return uk_day_time(day + dt.timedelta(days=1), dt.time(0))
    return uk_day_time(day, dt.time(hours, minutes, seconds))


def uk_datetime(value: Any) -> dt.datetime | None:
    """Read ``DD/MM/YYYY HH:MM[:SS]`` (or ISO ``YYYY-MM-DDTHH:MM:SS``) in UK clock time."""
    raw = text(value)
    return None if raw is None else _uk_datetime(raw)


# Every period of a trade repeats its opening and closing moments: read each once.
@functools.lru_cache(maxsize=1024)
def _uk_datetime(raw: str) -> dt.datetime | None:
    parts = raw.replace("T", " ").split()
    day = uk_date(parts[0])
    if day is None:
        return None
    clock = clock_time(parts[1]) if len(parts) > 1 else (0, 0, 0)
    return None if clock is None else uk_moment(day, clock)


def uk_period(
    day: dt.date | None, start: Any, end: Any
) -> tuple[dt.datetime, dt.datetime] | None:
    """
    Turn a delivery date and its start and end clock times into aware start and end.

    An end at or before the start (``23:30``–``00:00``) ends on the next day.
    """
    start_clock, end_clock = clock_time(start), clock_time(end)
    if day is None or start_clock is None or end_clock is None:
        return None
    return _uk_period(day, start_clock, end_clock)


# A resource repeats the same days and half-hours in every zone: place each once.
@functools.lru_cache(maxsize=4096)
def _uk_period(
    day: dt.date, start_clock: tuple[int, int, int], end_clock: tuple[int, int, int]
) -> tuple[dt.datetime, dt.datetime] | None:
    if start_clock[0] == 24:  # a period starting at the day's end starts the next day
        day, start_clock = day + dt.timedelta(days=1), (0, 0, 0)
    begins, ends = uk_clock_period(day, _time(start_clock), _time(end_clock))
    return (begins, ends) if ends > begins else None


def _time(clock: tuple[int, int, int]) -> dt.time:
    hours, minutes, seconds = clock
    return dt.time(hours % 24, minutes, seconds)


def decode_text(raw: bytes) -> str:
    """Decode a CSV or text body: UTF-8 first, then latin-1 (some CDP files are latin-1)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
