"""The one entity base of GridFlex: naming, unique ids and devices."""

from __future__ import annotations

from homeassistant.config_entries import ConfigSubentry
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity

from .const import CONF_ACCOUNT_KIND, DOMAIN, SUBENTRY_METERABLE_UNIT, AccountKind
from .runtime import GridFlexConfigEntry

ACCOUNT_MAKERS = {
    AccountKind.FPP: ("National Grid DSO", "Flexible Power Portal account"),
    AccountKind.SWITCHGRID: ("Switchgrid", "Switchgrid account"),
    AccountKind.MARKET_GATEWAY: ("National Grid DSO", "Market Gateway account"),
}


def account_device_info(entry: GridFlexConfigEntry) -> DeviceInfo:
    """Device that stands for the account itself."""
    manufacturer, model = ACCOUNT_MAKERS[AccountKind(entry.data[CONF_ACCOUNT_KIND])]
    return DeviceInfo(
        identifiers={(DOMAIN, str(entry.unique_id))},
        name=entry.title,
        manufacturer=manufacturer,
        model=model,
        entry_type=DeviceEntryType.SERVICE,
    )


def subentry_device_info(
    entry: GridFlexConfigEntry, subentry: ConfigSubentry
) -> DeviceInfo:
    """Device that stands for a Meterable Unit or a delivery point."""
    if subentry.subentry_type == SUBENTRY_METERABLE_UNIT:
        model = "Meterable Unit"
    else:
        model = (
            "GRDF gas delivery point (PCE)"
            if subentry.data.get("energy_type") == "gas"
            else "Enedis delivery point (PRM)"
        )
    return DeviceInfo(
        identifiers={(DOMAIN, f"{entry.unique_id}_{subentry.unique_id}")},
        name=subentry.title,
        model=model,
        manufacturer="National Grid DSO"
        if entry.data[CONF_ACCOUNT_KIND] == AccountKind.FPP
        else "Switchgrid",
        # The link to the account device is set at setup (devices.py) with via_device_id:
        # the via_device tuple is deprecated in newer Home Assistant.
    )


class GridFlexEntity(Entity):
    """Base of every GridFlex entity: on the account's device, or on a sub-entry's."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(
        self, entry: GridFlexConfigEntry, subentry: ConfigSubentry | None, key: str
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
