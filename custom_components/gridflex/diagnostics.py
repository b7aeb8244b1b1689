"""Diagnostics of a GridFlex account: each flow contributes its section."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant

from .readings.diagnostics import readings_diagnostics
from .runtime import GridFlexConfigEntry


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: GridFlexConfigEntry
) -> dict[str, Any]:
    """Return diagnostics for one account (secrets never included)."""
    return {"readings": readings_diagnostics(entry)}
