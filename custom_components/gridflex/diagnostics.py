"""Diagnostics of a GridFlex account: each flow adds its section; secrets are redacted."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .const import CONF_API_TOKEN, CONF_DISPATCH_SECRET
from .dispatch.diagnostics import dispatch_diagnostics
from .runtime import GridFlexConfigEntry

TO_REDACT = {CONF_API_TOKEN, CONF_DISPATCH_SECRET}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: GridFlexConfigEntry
) -> dict[str, Any]:
    """Return the account's diagnostics."""
    return {
        "entry": {
            "title": entry.title,
            "data": async_redact_data(dict(entry.data), TO_REDACT),
        },
        "dispatch": dispatch_diagnostics(hass, entry),
    }
