"""The one entity base of GridFlex: naming, unique ids and devices."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.helpers.entity import Entity

from .devices import account_device_info, subentry_device_info


class GridFlexEntity(Entity):
    """Base of every GridFlex entity: on the account's device, or on a sub-entry's."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(
        self, entry: ConfigEntry, subentry: ConfigSubentry | None, key: str
    ) -> None:
        """Name the entity after its translation key and place it on its device."""
        self._entry = entry
        self._subentry = subentry
        self._attr_translation_key = key
        owner = subentry.unique_id if subentry else "account"
        self._attr_unique_id = f"{entry.unique_id}_{owner}_{key}"
        self._attr_device_info = (
            subentry_device_info(entry, subentry)
            if subentry
            else account_device_info(entry)
        )
