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
    _check_size(readings)
    return {
        "meterable_unit_id": mu_id,
        "readings": [
            {
                "timestamp": _stamp(r.timestamp, 1),
                "power_kw": round(r.power_kw, DECIMALS),
            }
            for r in readings
        ],
    }


def energy_body(mu_id: str, readings: Sequence[EnergyReading]) -> dict[str, Any]:
    """Build the JSON body of one ``PUT readings/energy`` request."""
    _check_size(readings)
    return {
        "meterable_unit_id": mu_id,
        "readings": [
            {
                "timestamp": _stamp(r.timestamp, 30),
                "energy_kwh": round(r.energy_kwh, DECIMALS),
            }
            for r in readings
        ],
    }


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
