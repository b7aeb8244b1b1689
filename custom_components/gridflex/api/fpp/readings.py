"""
Outbound readings wire format (contract: *proposal*): the ONE place that knows it.

``PUT {base}/readings`` carries minute power, ``PUT {base}/readings/energy`` half-hourly
energy; each body is ``{"meterable_unit_id", "readings": [...]}`` with UTC ``Z``
timestamps marking the END of the period, values rounded to 3 decimals, export positive,
at most :data:`MAX_READINGS_PER_REQUEST` readings per request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import datetime as dt
from functools import lru_cache
import json
import math
from typing import Any

from ..utc import utc_z

POWER_PATH = "readings"
ENERGY_PATH = "readings/energy"
MAX_READINGS_PER_REQUEST = 1440
DECIMALS = 3


@dataclass(frozen=True, slots=True)
class PowerReading:
    """Time-weighted average power over the minute ending at ``timestamp`` (export > 0)."""

    timestamp: dt.datetime
    power_kw: float


@dataclass(frozen=True, slots=True)
class EnergyReading:
    """Net energy over the half-hour ending at ``timestamp`` (export > 0)."""

    timestamp: dt.datetime
    energy_kwh: float


def _as_utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment if moment.tzinfo is dt.UTC else moment.astimezone(dt.UTC)


def _stamp(moment: dt.datetime, minutes: int) -> str:
    """Format a period end, refusing one that is not on a ``minutes`` boundary."""
    utc = _as_utc(moment)
    if utc.second or utc.microsecond or utc.minute % minutes:
        raise ValueError(f"{utc_z(utc)} is not on a {minutes}-minute boundary")
    return utc_z(utc)


def power_body(mu_id: str, readings: Sequence[PowerReading]) -> dict[str, Any]:
    """Build the JSON body of one ``PUT readings`` request."""
    return _body(mu_id, [(r.timestamp, r.power_kw) for r in readings], 1, "power_kw")


def energy_body(mu_id: str, readings: Sequence[EnergyReading]) -> dict[str, Any]:
    """Build the JSON body of one ``PUT readings/energy`` request."""
    return _body(
        mu_id, [(r.timestamp, r.energy_kwh) for r in readings], 30, "energy_kwh"
    )


def _body(
    mu_id: str,
    readings: Sequence[tuple[dt.datetime, float]],
    minutes: int,
    field: str,
) -> dict[str, Any]:
    """Build a readings body: period ends on ``minutes`` boundaries, values rounded."""
    _check_size(readings)
    return {
        "meterable_unit_id": mu_id,
        "readings": [
            {"timestamp": _stamp(moment, minutes), field: round(value, DECIMALS)}
            for moment, value in readings
        ],
    }


@lru_cache(maxsize=64)
def _day_prefix(day: int) -> str:
    """``YYYY-MM-DDT`` of a UTC day counted from the epoch (a batch spans one or two)."""
    return (dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=day)).strftime(
        "%Y-%m-%dT"
    )


# ``HH:MM:00Z`` of each minute of a day.
_MINUTES_OF_DAY = tuple(f"{m // 60:02d}:{m % 60:02d}:00Z" for m in range(1440))


def _encode(
    mu_id: str, field: str, minutes: int, readings: Sequence[tuple[int, float]]
) -> bytes:
    """
    Encode one request body straight from ``(period end epoch, value)`` pairs.

    The same body :func:`power_body` / :func:`energy_body` build, without a dict and a
    datetime per reading: a backfill sends hundreds of thousands.
    """
    _check_size(readings)
    period = minutes * 60
    isfinite = math.isfinite
    parts = []
    day = -1
    head = ""
    for when, value in readings:
        if when % period or not isfinite(value):
            raise ValueError(_refusal(when, value, minutes))
        if when // 86400 != day:
            day = int(when // 86400)
            head = f'{{"timestamp":"{_day_prefix(day)}'
        parts.append(
            f'{head}{_MINUTES_OF_DAY[int(when % 86400) // 60]}",'
            f'"{field}":{round(value, DECIMALS)!r}}}'
        )
    body = f'{{"meterable_unit_id":{json.dumps(mu_id)},"readings":['
    return (body + ",".join(parts) + "]}").encode()


def _refusal(when: int, value: float, minutes: int) -> str:
    if not math.isfinite(value):
        return f"{value} is not a number FPP takes"
    moment = utc_z(dt.datetime.fromtimestamp(when, dt.UTC))
    return f"{moment} is not on a {minutes}-minute boundary"


def encode_power_body(mu_id: str, readings: Sequence[tuple[int, float]]) -> bytes:
    """Encode one ``PUT readings`` body from (minute end epoch, kW) pairs."""
    return _encode(mu_id, "power_kw", 1, readings)


def encode_energy_body(mu_id: str, readings: Sequence[tuple[int, float]]) -> bytes:
    """Encode one ``PUT readings/energy`` body from (half-hour end epoch, kWh) pairs."""
    return _encode(mu_id, "energy_kwh", 30, readings)


def _check_size(readings: Sequence[object]) -> None:
    if not readings:
        raise ValueError("no readings")
    if len(readings) > MAX_READINGS_PER_REQUEST:
        raise ValueError(
            f"{len(readings)} readings; at most {MAX_READINGS_PER_REQUEST} per request"
        )


def accepted_count(reply: Any, sent: int) -> int:
    """How many readings FPP says it accepted (tolerant: a missing count means all)."""
    if isinstance(reply, dict) and isinstance(reply.get("accepted"), int):
        return int(reply["accepted"])
    return sent
