"""Readings part of an FPP account's diagnostics (no secrets: only MU ids and readings)."""

from __future__ import annotations

from collections.abc import Iterable
import datetime as dt
from typing import Any

from .manager import MeterableUnitReadings


def _iso(epoch: float | None) -> str | None:
    return (
        None if epoch is None else dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat()
    )


def readings_diagnostics(units: Iterable[MeterableUnitReadings]) -> dict[str, Any]:
    """Queue sizes, parked batches with FPP's message, partial minutes, per MU."""
    by_mu: dict[str, Any] = {}
    for unit in units:
        queue = unit.queue
        by_mu[unit.config.mu_id] = {
            "power_sensor": unit.config.power_sensor,
            "energy_sensor": unit.config.energy_sensor,
            "send_power": unit.config.send_power,
            "send_energy": unit.config.send_energy,
            "queued": {kind.value: len(p) for kind, p in queue.pending.items()},
            "oldest_queued": _iso(queue.oldest_pending()),
            "last_sent": _iso(queue.last_sent),
            "last_result": queue.last_result,
            "last_error": queue.last_error,
            "retry_scheduled": unit.uploader.retry_scheduled,
            "failures": unit.uploader.failures,
            "next_minute": _iso(unit.timeline.next_minute),
            "next_half_hour": _iso(unit.timeline.next_half_hour),
            "parked": [
                {
                    "kind": batch.kind.value,
                    "count": len(batch.readings),
                    "first": _iso(batch.readings[0][0]),
                    "last": _iso(batch.readings[-1][0]),
                    "status": batch.status,
                    "detail": batch.detail,
                    "parked_at": _iso(batch.parked_at),
                }
                for batch in queue.parked
            ],
            "partial_minutes": list(unit.timeline.partial_minutes),
        }
    return {"meterable_units": by_mu}
