"""HA side of inbound FPP dispatch: endpoint, instruction lifecycle, device control."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.core import HomeAssistant

from ..runtime import GridFlexConfigEntry


@dataclass(slots=True)
class DispatchRuntime:
    """Dispatch state of one FPP account (filled by the dispatch flow)."""


async def async_setup_dispatch(
    hass: HomeAssistant, entry: GridFlexConfigEntry
) -> DispatchRuntime:
    """Start receiving dispatch instructions for this account."""
    return DispatchRuntime()
