"""HA side of Switchgrid consumption: consents, data refresh, long-term statistics."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.core import HomeAssistant

from ..runtime import GridFlexConfigEntry


@dataclass(slots=True)
class ConsumptionRuntime:
    """Consumption state of one Switchgrid account (filled by the consumption flow)."""


async def async_setup_consumption(
    hass: HomeAssistant, entry: GridFlexConfigEntry
) -> ConsumptionRuntime:
    """Start following consents and consumption data for this account."""
    return ConsumptionRuntime()
