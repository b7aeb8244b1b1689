"""Small test helpers that work on every HA version we support."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from custom_components.gridflex.const import DOMAIN


def gridflex_device(hass: HomeAssistant, identifier: str) -> dr.DeviceEntry | None:
    """The GridFlex device with this identifier (newer HA deprecates ``async_get_device``)."""
    registry = dr.async_get(hass)
    for entry in hass.config_entries.async_entries(DOMAIN):
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
            if (DOMAIN, identifier) in device.identifiers:
                return device
    return None


async def async_setup_repairs(hass: HomeAssistant) -> None:
    """Set up HA's repairs with integration platforms loaded, on old and new HA alike."""
    from homeassistant.components.repairs import issue_handler
    from homeassistant.setup import async_setup_component

    assert await async_setup_component(hass, "repairs", {})
    # HA 2026.2 loads repairs platforms on request; newer HA loads them lazily by itself.
    process = getattr(issue_handler, "async_process_repairs_platforms", None)
    if process is not None:
        await process(hass)
