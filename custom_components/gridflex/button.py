"""button platform: each flow contributes its buttons here."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .dispatch.check_button import dispatch_buttons
from .runtime import GridFlexConfigEntry

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: GridFlexConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the button entities of this account's flows."""
    async_add_entities(dispatch_buttons(entry))
