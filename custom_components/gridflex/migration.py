"""
Config entry migrations.

1.1 → 1.2: Switchgrid accounts get the events feed URL setting, at the spec's default.
1.2 → 1.3: the unique id was the account name the user typed; it becomes the account's own id
(accounts.py). Entity unique ids and device identifiers start with the entry's unique id, so
they move with it: entity ids, history and statistics stay.
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)

from .account_issue import async_set_account_issue
from .accounts import entry_of_account, entry_unique_id
from .api.switchgrid import DEFAULT_EVENTS_URL
from .const import CONF_ACCOUNT_KIND, CONF_EVENTS_URL, DOMAIN, LOGGER, AccountKind

DUPLICATE_ACCOUNT = "duplicate_account"


def _renamed(value: str, old: str, new: str) -> str | None:
    """``value`` with the ``old`` prefix replaced by ``new`` (None when it is not ours)."""
    if value == old:
        return new
    if value.startswith(f"{old}_"):
        return f"{new}{value[len(old) :]}"
    return None


@callback
def _move_registry_ids(
    hass: HomeAssistant, entry: ConfigEntry, old: str, new: str
) -> None:
    entities = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(entities, entry.entry_id):
        if (unique_id := _renamed(entity.unique_id, old, new)) is not None:
            entities.async_update_entity(entity.entity_id, new_unique_id=unique_id)
    devices = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(devices, entry.entry_id):
        identifiers = {
            (domain, renamed)
            if domain == DOMAIN and (renamed := _renamed(value, old, new)) is not None
            else (domain, value)
            for domain, value in device.identifiers
        }
        if identifiers != device.identifiers:
            devices.async_update_device(device.id, new_identifiers=identifiers)


async def async_migrate_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Bring an entry to the current version (a newer major version cannot be read)."""
    if entry.version > 1:
        return False  # a downgrade: this version cannot read the entry
    if entry.minor_version < 2:
        data = dict(entry.data)
        if data.get(CONF_ACCOUNT_KIND) == AccountKind.SWITCHGRID:
            data.setdefault(CONF_EVENTS_URL, DEFAULT_EVENTS_URL)
        hass.config_entries.async_update_entry(entry, data=data, minor_version=2)
    if entry.minor_version < 3:
        _migrate_unique_id(hass, entry)
        hass.config_entries.async_update_entry(entry, minor_version=3)
    return True


@callback
def _migrate_unique_id(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Move the entry, its entities and devices to the account's id (1.3)."""
    old, new = entry.unique_id, entry_unique_id(entry)
    if new is None or old is None or old == new:
        return
    # The first entry of an account takes its id; a second one cannot have it too.
    if any(
        other.unique_id == new
        for other in hass.config_entries.async_entries(DOMAIN)
        if other.entry_id != entry.entry_id
    ):
        # Two entries for one account (possible before 1.3): both keep running, a repair
        # issue (update_duplicate_issue) says so.
        LOGGER.warning("%s is an account already set up in another entry", entry.title)
        return
    _move_registry_ids(hass, entry, old, new)
    hass.config_entries.async_update_entry(entry, unique_id=new)


@callback
def update_duplicate_issue(
    hass: HomeAssistant, entry: ConfigEntry, *, removed: str | None = None
) -> None:
    """Show, or clear, the repair issue of an entry whose account another entry also holds."""
    own = entry_unique_id(entry)
    skip = {entry.entry_id, removed or entry.entry_id}
    other = entry_of_account(hass, own, skip=skip) if own is not None else None
    async_set_account_issue(
        hass,
        DUPLICATE_ACCOUNT,
        entry.entry_id,
        ir.IssueSeverity.ERROR,
        None if other is None else {"account": entry.title, "other": other.title},
    )


@callback
def forget_removed_entry(hass: HomeAssistant, removed: ConfigEntry) -> None:
    """Drop the removed entry's duplicate issue and those it caused in other entries."""
    ir.async_delete_issue(hass, DOMAIN, f"{DUPLICATE_ACCOUNT}_{removed.entry_id}")
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.entry_id != removed.entry_id:
            update_duplicate_issue(hass, entry, removed=removed.entry_id)
