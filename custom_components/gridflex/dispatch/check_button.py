"""The "Check endpoint" button on an FPP account's device."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity
from homeassistant.const import EntityCategory

from ..entity import GridFlexEntity
from ..runtime import FppRuntime, GridFlexConfigEntry
from .reachability import async_check_endpoint


class CheckEndpointButton(GridFlexEntity, ButtonEntity):
    """Calls the account's public address as FPP would (key check only) and says what it found."""

    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(self, entry: GridFlexConfigEntry) -> None:
        """Sit on the account device."""
        super().__init__(entry, None, "check_endpoint")

    async def async_press(self) -> None:
        """Run the check; the answer arrives as a notification."""
        await async_check_endpoint(self.hass, self._entry)


def dispatch_buttons(entry: GridFlexConfigEntry) -> list[ButtonEntity]:
    """Return the account's buttons (none for a Switchgrid account)."""
    if isinstance(entry.runtime_data, FppRuntime) and entry.runtime_data.dispatch:
        return [CheckEndpointButton(entry)]
    return []
