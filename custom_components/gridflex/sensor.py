"""sensor platform: each flow contributes its entities here."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .consumption.entities import async_add_consumption_sensors
from .dispatch.entities import dispatch_entities_by_subentry
from .market import market_entities_by_subentry
from .readings.entities import async_add_readings_sensors
from .runtime import GridFlexConfigEntry

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: GridFlexConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensor entities of this account's flows."""
    for subentry_id, entities in dispatch_entities_by_subentry(entry, "sensor").items():
        async_add_entities(entities, config_subentry_id=subentry_id)
    await async_add_consumption_sensors(entry, async_add_entities)
    async_add_readings_sensors(entry, async_add_entities)
    for owner, market_entities in market_entities_by_subentry(entry, "sensor").items():
        async_add_entities(market_entities, config_subentry_id=owner)
