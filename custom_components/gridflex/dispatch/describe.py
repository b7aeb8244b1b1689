"""Readable one-line descriptions of ``gridflex_dispatch`` events (logbook)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def describe_dispatch_event(data: Mapping[str, Any]) -> str:
    """Say what happened, e.g. ``ou_15 dispatch of MU-1001 (3.5 kW, 17:00Z–19:00Z) started late``."""
    kind = str(data.get("type", ""))
    power = data.get("power_kw")
    span = f"{data.get('start') or '?'} to {data.get('end') or 'open end'}"
    details = f"{power:g} kW, {span}" if isinstance(power, int | float) else span
    text = (
        f"{data.get('product') or 'Dispatch'} instruction {data.get('instruction_id')} "
        f"for {data.get('meterable_unit_id')} ({details}) {kind}"
    )
    if data.get("late"):
        text += " late (it arrived after its start)"
    if kind == "ended" and data.get("reason"):
        text += f": {data['reason']}"
    if data.get("missed"):
        text += " while Home Assistant was not running"
    return text
