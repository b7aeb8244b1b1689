"""
The long-term statistics rules of the Switchgrid contract, as pure functions (no Home Assistant).

Hourly rows only; times are aware UTC datetimes at the top of an hour (Paris offsets are whole
hours, so a UTC hour is also a local hour).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
import datetime as dt
import unicodedata
from zoneinfo import ZoneInfo

from ..api.switchgrid.models import GasDayRecord, MeterSeries

PARIS = ZoneInfo("Europe/Paris")
GAS_DAY_START = dt.time(6)
GAS_WINDOW_DAYS = 35
ELECTRICITY_WINDOW_DAYS = 7
BACKFILL_DAYS = 3 * 365 + 1
DEFINITIVE = unicodedata.normalize("NFC", "définitive")
HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class StatRow:
    """One hourly row: the hour's value (``state``) and the running total (``sum``)."""

    start: dt.datetime
    state: float
    sum: float


def local_midnight(day: dt.date) -> dt.datetime:
    """Return 00:00 Paris time of ``day``, in UTC."""
    return dt.datetime.combine(day, dt.time(0), PARIS).astimezone(dt.UTC)


def gas_day_start(day: dt.date) -> dt.datetime:
    """Return the hour a gas day starts (06:00 Paris time), in UTC."""
    return dt.datetime.combine(day, GAS_DAY_START, PARIS).astimezone(dt.UTC)


def status_word(status: str | None) -> str:
    """Return a status as compared: NFC-normalised, case-folded (GRDF may decompose it)."""
    return unicodedata.normalize("NFC", (status or "").strip()).casefold()


def _is_definitive(record: GasDayRecord) -> bool:
    return status_word(record.status) in (DEFINITIVE, "definitive")


def _merge(winner: GasDayRecord, other: GasDayRecord) -> GasDayRecord:
    """Return the winner, each of its missing (None) fields filled from the other."""
    missing = {
        f.name: getattr(other, f.name)
        for f in fields(winner)
        if getattr(winner, f.name) is None and getattr(other, f.name) is not None
    }
    return replace(winner, **missing) if missing else winner


def select_gas_days(records: Iterable[GasDayRecord]) -> dict[dt.date, GasDayRecord]:
    """
    Merge the records of each gas day.

    ``Définitive`` beats ``Provisoire``, else the later one received wins; field by field, a
    ``None`` (e.g. ``energie: null``) never replaces a value known for that day.
    """
    chosen: dict[dt.date, GasDayRecord] = {}
    for record in records:
        current = chosen.get(record.gas_day)
        if current is None:
            chosen[record.gas_day] = record
        elif not _is_definitive(current) or _is_definitive(record):
            chosen[record.gas_day] = _merge(record, current)
        else:
            chosen[record.gas_day] = _merge(current, record)
    return chosen


def gas_hourly(
    days: Mapping[dt.date, GasDayRecord],
    value: Callable[[GasDayRecord], float | None],
) -> dict[dt.datetime, float]:
    """Put each gas day's value in the hour starting 06:00 Paris time (days without a value: no row)."""
    rows: dict[dt.datetime, float] = {}
    for day, record in days.items():
        amount = value(record)
        if amount is not None:
            rows[gas_day_start(day)] = amount
    return rows


@dataclass(frozen=True, slots=True)
class SeriesMismatch:
    """A load curve whose value count does not fit the span it claims."""

    expected: int
    received: int
    starts_at: dt.datetime
    ends_at: dt.datetime


def series_count_mismatch(series: MeterSeries) -> SeriesMismatch | None:
    """
    Describe how a sub-daily series' value count does not fit its span (None when it fits).

    The span is measured in absolute time: a Paris spring-change day holds 46 half-hours, an
    autumn one 50. Without ``endsAt`` (or for daily series) there is nothing to check.
    """
    if series.ends_at is None or series.period >= dt.timedelta(days=1):
        return None
    span = series.ends_at.astimezone(dt.UTC) - series.starts_at.astimezone(dt.UTC)
    expected, remainder = divmod(span, series.period)
    if remainder or expected != len(series.values):
        return SeriesMismatch(
            expected, len(series.values), series.starts_at, series.ends_at
        )
    return None


def series_hourly(series: MeterSeries) -> dict[dt.datetime, float]:
    """
    Turn a metering series into hourly kWh.

    Sub-daily values are average W over intervals stamped by their end: each is shifted to its
    start, converted to kWh and summed per hour; ``None`` is a gap (an hour with no known value
    gets no row, an hour with one known half-hour gets that half). Daily values (Wh) go in the
    hour starting 00:00 Paris time of their day.
    """
    rows: dict[dt.datetime, float] = {}
    if series.period >= dt.timedelta(days=1):
        first_day = series.starts_at.astimezone(PARIS).date()
        for i, wh in enumerate(series.values):
            if wh is not None:
                rows[local_midnight(first_day + dt.timedelta(days=i))] = wh / 1000
        return rows
    start = series.starts_at.astimezone(dt.UTC)
    hours = series.period.total_seconds() / 3600
    for i, watts in enumerate(series.values):
        if watts is None:
            continue
        interval_start = start + i * series.period
        hour = interval_start.replace(minute=0, second=0, microsecond=0)
        rows[hour] = rows.get(hour, 0.0) + watts * hours / 1000
    return {hour: round(kwh, 6) for hour, kwh in rows.items()}


def gas_window_start(newest_day: dt.date) -> dt.datetime:
    """Return where the gas window starts: 35 gas days before the newest day received."""
    return gas_day_start(newest_day - dt.timedelta(days=GAS_WINDOW_DAYS))


def electricity_window_start(newest_hour: dt.datetime) -> dt.datetime:
    """Return where the electricity window starts: 00:00 Paris, 7 days before the newest day received."""
    newest_day = newest_hour.astimezone(PARIS).date()
    return local_midnight(newest_day - dt.timedelta(days=ELECTRICITY_WINDOW_DAYS))


def plan_rows(
    received: Mapping[dt.datetime, float],
    *,
    window_start: dt.datetime | None,
    sum_before: float,
    stored: Mapping[dt.datetime, float],
) -> list[StatRow]:
    """
    Rows to (re-)import.

    ``window_start`` None means the first import: every received hour, from a sum of 0.
    Otherwise the window from ``window_start`` on is rebuilt from ``sum_before`` (the sum of the
    last row strictly before it): received values win, hours stored before and not received
    again keep their stored value.
    """
    if window_start is None:
        values = dict(received)
        total = 0.0
    else:
        values = {h: v for h, v in stored.items() if h >= window_start}
        values.update({h: v for h, v in received.items() if h >= window_start})
        total = sum_before
    rows = []
    for hour in sorted(values):
        total += values[hour]
        rows.append(StatRow(start=hour, state=values[hour], sum=round(total, 6)))
    return rows
