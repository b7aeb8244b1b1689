"""Devices of an account: one for the account, one per config sub-entry (MU or delivery point)."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.util.hass_dict import HassKey

from .const import (
    CONF_ACCOUNT_KIND,
    DOMAIN,
    SUBENTRY_FLEXIBILITY_ZONE,
    SUBENTRY_METERABLE_UNIT,
    AccountKind,
)

# Device ids of each account's sub-entries (entry id -> sub-entry id -> device id), as
# registered by ``async_register_devices``: what a flow names in events and service data.
_SUBENTRY_DEVICE_IDS: HassKey[dict[str, dict[str, str]]] = HassKey(
    f"{DOMAIN}_subentry_device_ids"
)

# Who runs each kind of account, and what its account device is called.
_ACCOUNT_MODELS: dict[str, tuple[str, str]] = {
    AccountKind.FPP: ("National Grid DSO", "Flexible Power Portal account"),
    AccountKind.SWITCHGRID: ("Switchgrid", "Switchgrid account"),
    AccountKind.MARKET_GATEWAY: ("National Grid DSO", "Market Gateway account"),
    AccountKind.CDP: ("National Grid DSO", "Connected Data Portal account"),
}


def device_identifier(
    entry: ConfigEntry, subentry: ConfigSubentry | None = None
) -> tuple[str, str]:
    """Return the registry identifier of the account's device, or of one sub-entry's."""
    if subentry is None:
        return (DOMAIN, str(entry.unique_id))
    return (DOMAIN, f"{entry.unique_id}_{subentry.unique_id}")


def account_device_info(entry: ConfigEntry) -> DeviceInfo:
    """Device that stands for the account itself."""
    manufacturer, model = _ACCOUNT_MODELS[entry.data[CONF_ACCOUNT_KIND]]
    return DeviceInfo(
        identifiers={device_identifier(entry)},
        name=entry.title,
        manufacturer=manufacturer,
        model=model,
        entry_type=DeviceEntryType.SERVICE,
    )


def subentry_device_info(entry: ConfigEntry, subentry: ConfigSubentry) -> DeviceInfo:
    """Device that stands for a Meterable Unit, a delivery point or a flexibility zone."""
    if subentry.subentry_type == SUBENTRY_METERABLE_UNIT:
        model = "Meterable Unit"
    elif subentry.subentry_type == SUBENTRY_FLEXIBILITY_ZONE:
        voltage = subentry.data.get("voltage")
        model = f"{voltage.upper()} flexibility zone" if voltage else "Flexibility zone"
    else:
        model = (
            "GRDF gas delivery point (PCE)"
            if subentry.data.get("energy_type") == "gas"
            else "Enedis delivery point (PRM)"
        )
    return DeviceInfo(
        identifiers={device_identifier(entry, subentry)},
        name=subentry.title,
        model=model,
        manufacturer=_ACCOUNT_MODELS[entry.data[CONF_ACCOUNT_KIND]][0],
        # The link to the account device is set at setup (devices.py) with via_device_id:
        # the via_device tuple is deprecated in newer Home Assistant.
    )


def subentry_of_device(
    hass: HomeAssistant, entry: ConfigEntry, device_id: str
) -> str | None:
    """Return the id of the sub-entry of ``entry`` that a device stands for, if any."""
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        return None
    return device_subentry_id(device, entry)


def device_subentry_id(device: dr.DeviceEntry, entry: ConfigEntry) -> str | None:
    """
    Return the sub-entry of ``entry`` a device stands for, on every supported HA version.

    Newer Home Assistant gives a device one config entry and one sub-entry
    (``config_subentry_id``) and reports any read of the older ``config_entries_subentries``.
    """
    if hasattr(device, "config_subentry_id"):
        if getattr(device, "config_entry_id", None) != entry.entry_id:
            return None
        subentries: set[str | None] = {device.config_subentry_id}
    else:
        subentries = device.config_entries_subentries.get(entry.entry_id, set())
    return next((sub for sub in subentries if sub in entry.subentries), None)


def subentry_device_id(
    hass: HomeAssistant, entry: ConfigEntry, subentry: ConfigSubentry
) -> str | None:
    """Return the device id of one sub-entry's device (None before the devices are registered)."""
    return (
        hass.data.get(_SUBENTRY_DEVICE_IDS, {})
        .get(entry.entry_id, {})
        .get(subentry.subentry_id)
    )


def _expected_identifiers(entry: ConfigEntry) -> set[tuple[str, str]]:
    """Return the identifiers of the devices this entry should have now."""
    identifiers = set(account_device_info(entry)["identifiers"])
    for subentry in entry.subentries.values():
        identifiers |= subentry_device_info(entry, subentry)["identifiers"]
    return identifiers


def async_register_devices(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """
    Create the account and sub-entry devices, and drop those of removed sub-entries.

    Devices exist before any entity does, so a freshly added MU or delivery point
    shows up in the UI at once.
    """
    registry = dr.async_get(hass)
    account = registry.async_get_or_create(
        config_entry_id=entry.entry_id, **account_device_info(entry)
    )
    device_ids = hass.data.setdefault(_SUBENTRY_DEVICE_IDS, {})[entry.entry_id] = {}
    for subentry in entry.subentries.values():
        device = registry.async_get_or_create(
            config_entry_id=entry.entry_id,
            config_subentry_id=subentry.subentry_id,
            **subentry_device_info(entry, subentry),
        )
        # via_device_id works on every supported HA (the via_device tuple is deprecated).
        if device.via_device_id != account.id:
            registry.async_update_device(device.id, via_device_id=account.id)
        device_ids[subentry.subentry_id] = device.id

    expected = _expected_identifiers(entry)
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        if not device.identifiers & expected:
            registry.async_remove_device(device.id)


def is_stale_device(entry: ConfigEntry, device: dr.DeviceEntry) -> bool:
    """Tell whether a device of this entry no longer stands for the account or a sub-entry."""
    ours = {ident for ident in device.identifiers if ident[0] == DOMAIN}
    return not ours & _expected_identifiers(entry)
