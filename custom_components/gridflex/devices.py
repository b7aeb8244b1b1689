"""Devices of an account: one for the account, one per config sub-entry (MU or delivery point)."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .const import DOMAIN
from .entity import account_device_info, subentry_device_info


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
    for subentry in entry.subentries.values():
        device = registry.async_get_or_create(
            config_entry_id=entry.entry_id,
            config_subentry_id=subentry.subentry_id,
            **subentry_device_info(entry, subentry),
        )
        # via_device_id works on every supported HA (the via_device tuple is deprecated).
        if device.via_device_id != account.id:
            registry.async_update_device(device.id, via_device_id=account.id)

    expected = _expected_identifiers(entry)
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        if not device.identifiers & expected:
            registry.async_remove_device(device.id)


def is_stale_device(entry: ConfigEntry, device: dr.DeviceEntry) -> bool:
    """Tell whether a device of this entry no longer stands for the account or a sub-entry."""
    ours = {ident for ident in device.identifiers if ident[0] == DOMAIN}
    return not ours & _expected_identifiers(entry)
