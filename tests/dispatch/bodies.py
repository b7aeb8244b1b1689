"""The contract's example v2 body, shared by parser and endpoint tests."""

from __future__ import annotations

from typing import Any


def instruction(**changes: Any) -> dict[str, Any]:
    """The contract's example body; a change to ``...`` drops that field."""
    body: dict[str, Any] = {
        "id": "7c3e0f5e",
        "product": "ou_15",
        "zone": "Bath 33kV",
        "start": "2026-01-15T17:00:00Z",
        "end": "2026-01-15T19:00:00Z",
        "meterable_units": [
            {"id": "MU-1001", "power_kw": 3.5},
            {"id": "MU-1002", "power_kw": 1.2},
        ],
        "direction": "turn_down",
        "status": "instructed",
        "issued_at": "2026-01-15T16:45:02Z",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}
