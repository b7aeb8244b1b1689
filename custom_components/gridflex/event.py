"""event platform: each flow contributes its entities here."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .consumption.demand_response_event import consumption_events
from .dispatch.entities import dispatch_entities_by_subentry
from .runtime import GridFlexConfigEntry

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: GridFlexConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the event entities of this account's flows."""
    for subentry_id, entities in dispatch_entities_by_subentry(entry, "event").items():
        async_add_entities(entities, config_subentry_id=subentry_id)
    async_add_entities(consumption_events(entry))
