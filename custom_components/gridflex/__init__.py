"""GridFlex: grid flexibility (UK FPP dispatch and readings) and French metering data (Switchgrid)."""

from __future__ import annotations

from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    ConfigEntry,
    ConfigEntryChange,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.typing import ConfigType

from .account_kinds import ACCOUNT_SETUP
from .const import CONF_ACCOUNT_KIND, CONF_CLOUDHOOK_URL, CONF_WEBHOOK_ID, DOMAIN
from .devices import async_register_devices, is_stale_device
from .dispatch.cloud import async_delete_cloudhook
from .dispatch.flow import async_register_dispatch_views
from .migration import (
    async_migrate_entry as async_migrate_gridflex_entry,
    forget_removed_entry,
    update_duplicate_issue,
)
from .runtime import GridFlexConfigEntry
from .services import async_setup_services
from .url_check import async_check_base_url
from .words import async_follow_language, async_load_words

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CALENDAR,
    Platform.EVENT,
    Platform.SENSOR,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register GridFlex's actions and the dispatch endpoint, once for every account."""
    async_setup_services(hass)
    async_register_dispatch_views(hass)
    await async_load_words(hass)
    async_follow_language(hass)
    return True


async def async_migrate_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Migrate an entry stored by an older GridFlex (migration.py)."""
    return await async_migrate_gridflex_entry(hass, entry)


async def async_setup_entry(hass: HomeAssistant, entry: GridFlexConfigEntry) -> bool:
    """Set up one GridFlex account: its kind's client and flows, then the platforms."""
    update_duplicate_issue(hass, entry)
    async_check_base_url(hass, entry)
    entry.runtime_data = await ACCOUNT_SETUP[entry.data[CONF_ACCOUNT_KIND]](hass, entry)
    async_register_devices(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    for flow in entry.runtime_data.flows:
        flow.async_start()
    _async_reload_on_subentry_change(hass, entry)
    return True


@callback
def _async_reload_on_subentry_change(
    hass: HomeAssistant, entry: GridFlexConfigEntry
) -> None:
    """
    Reload when a sub-entry is added, changed or removed, so devices and entities follow.

    Not an update listener: Home Assistant reports entries that have one and also reload
    through ``async_update_reload_and_abort`` (reauth, reconfigure), which already reloads.
    """
    subentries_at_setup = entry.subentries

    @callback
    def _changed(change: ConfigEntryChange, changed: ConfigEntry) -> None:
        if (
            change is ConfigEntryChange.UPDATED
            and changed.entry_id == entry.entry_id
            and changed.subentries != subentries_at_setup
        ):
            hass.config_entries.async_schedule_reload(entry.entry_id)

    entry.async_on_unload(
        async_dispatcher_connect(hass, SIGNAL_CONFIG_ENTRY_CHANGED, _changed)
    )


async def async_unload_entry(hass: HomeAssistant, entry: GridFlexConfigEntry) -> bool:
    """Unload one GridFlex account."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: GridFlexConfigEntry) -> None:
    """Forget what an account left behind in other accounts' repairs; delete its Cloud address."""
    forget_removed_entry(hass, entry)
    if entry.data.get(CONF_CLOUDHOOK_URL):
        await async_delete_cloudhook(hass, entry.data[CONF_WEBHOOK_ID])


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: GridFlexConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let the user delete a device only when no account or sub-entry stands behind it."""
    return is_stale_device(entry, device)
