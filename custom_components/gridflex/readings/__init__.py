"""HA side of outbound FPP readings: sampling, durable queue, uploads."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.core import HomeAssistant

from ..runtime import GridFlexConfigEntry


@dataclass(slots=True)
class ReadingsRuntime:
    """Readings state of one FPP account (filled by the readings flow)."""


async def async_setup_readings(
    hass: HomeAssistant, entry: GridFlexConfigEntry
) -> ReadingsRuntime:
    """Start sampling the bound sensors and uploading readings for this account."""
    return ReadingsRuntime()
