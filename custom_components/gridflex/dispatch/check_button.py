"""The "Check endpoint" button on an FPP account's device."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EntityCategory

from ..entity import GridFlexEntity
from .reachability import async_check_endpoint


class CheckEndpointButton(GridFlexEntity, ButtonEntity):
    """Calls the account's public address as FPP would (key check only) and says what it found."""

    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(self, entry: ConfigEntry) -> None:
        """Sit on the account device."""
        super().__init__(entry, None, "check_endpoint")

    async def async_press(self) -> None:
        """Run the check; the answer arrives as a notification."""
        await async_check_endpoint(self.hass, self._entry)
