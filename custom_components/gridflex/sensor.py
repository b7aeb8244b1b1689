"""sensor platform: each flow of the account contributes its entities here."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .runtime import GridFlexConfigEntry, async_add_flow_entities

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: GridFlexConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensor entities of this account's flows."""
    async_add_flow_entities(entry, Platform.SENSOR, async_add_entities)
