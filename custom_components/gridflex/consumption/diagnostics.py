"""Consumption part of a Switchgrid account's diagnostics (no signing links, no personal data)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .coordinator import ConsumptionCoordinator


def _iso(moment: dt.date | dt.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def consumption_diagnostics(coordinator: ConsumptionCoordinator) -> dict[str, Any]:
    """Consent state, pending orders and latest data per delivery point."""
    points: dict[str, Any] = {}
    for state in coordinator.data.points.values():
        ask = state.ask
        points[state.point] = {
            "energy_type": state.energy_type.value,
            "consent": None
            if ask is None
            else {
                "id": ask.id,
                "status": ask.status,
                "created_at": _iso(ask.created_at),
                "accepted_at": _iso(ask.accepted_at),
                "expires_at": _iso(ask.expires_at),
                "duration": ask.consent_duration,
            },
            "pending_order": None
            if state.pending_order is None
            else {
                "id": state.pending_order.order_id,
                "ordered_at": _iso(state.pending_order.ordered_at),
                "polls": state.pending_order.polls,
            },
            "latest_day": _iso(state.latest_day),
            "last_error": state.last_error,
        }
    return {
        "last_update_success": coordinator.last_update_success,
        "last_exception": None
        if coordinator.last_exception is None
        else str(coordinator.last_exception),
        "events": len(coordinator.data.events),
        "points": points,
    }
