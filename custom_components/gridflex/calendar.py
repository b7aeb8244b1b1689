"""calendar platform: each flow contributes its entities here."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .consumption.entities import consumption_calendars
from .dispatch.calendar_entity import dispatch_calendars
from .market import market_entities_by_subentry
from .runtime import GridFlexConfigEntry

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: GridFlexConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the calendar entities of this account's flows."""
    async_add_entities(dispatch_calendars(entry))
    async_add_entities(consumption_calendars(entry))
    for owner, market_entities in market_entities_by_subentry(
        entry, "calendar"
    ).items():
        async_add_entities(market_entities, config_subentry_id=owner)
