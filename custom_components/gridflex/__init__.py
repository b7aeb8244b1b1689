"""GridFlex: grid flexibility (UK FPP dispatch and readings) and French metering data (Switchgrid)."""

from __future__ import annotations

from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    ConfigEntry,
    ConfigEntryChange,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.typing import ConfigType

from .api.errors import AuthError, GridFlexApiError
from .api.fpp import FppClient
from .api.switchgrid import SwitchgridClient
from .const import (
    CONF_ACCOUNT_KIND,
    CONF_API_TOKEN,
    CONF_BASE_URL,
    CONF_EVENTS_URL,
    CONF_TEST_MODE,
    DOMAIN,
    LOGGER,
    AccountKind,
)
from .consumption import async_setup_consumption, async_setup_consumption_services
from .devices import async_register_devices, is_stale_device
from .dispatch import async_setup_dispatch, async_start_dispatch
from .market import async_setup_market_gateway, async_setup_settlement
from .market.services import async_setup_market_services
from .migration import (
    async_migrate_entry as async_migrate_gridflex_entry,
    forget_removed_entry,
    update_duplicate_issue,
)
from .readings import async_setup_readings
from .readings.services import async_setup_readings_services
from .runtime import FppRuntime, GridFlexConfigEntry, SwitchgridRuntime

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.CALENDAR,
    Platform.EVENT,
    Platform.SENSOR,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register GridFlex's actions, once for every account."""
    async_setup_readings_services(hass)
    async_setup_consumption_services(hass)
    async_setup_market_services(hass)
    return True


async def async_migrate_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Migrate an entry stored by an older GridFlex (migration.py)."""
    return await async_migrate_gridflex_entry(hass, entry)


async def async_setup_entry(hass: HomeAssistant, entry: GridFlexConfigEntry) -> bool:
    """Set up one GridFlex account."""
    update_duplicate_issue(hass, entry)
    session = async_get_clientsession(hass)
    if entry.data[CONF_ACCOUNT_KIND] == AccountKind.FPP:
        fpp = FppClient(session, entry.data[CONF_API_TOKEN], entry.data[CONF_BASE_URL])
        # The dispatch endpoint must listen even while FPP's outbound API is down or the
        # token is stale: a refused token starts reauth, an outage is retried by the readings queue.
        try:
            await fpp.async_validate_token()
        except AuthError:
            entry.async_start_reauth(hass)
        except GridFlexApiError as err:
            LOGGER.warning(
                "FPP is not reachable at setup (%s); readings will be retried", err
            )
        runtime = FppRuntime(client=fpp)
        entry.runtime_data = runtime
        runtime.dispatch = await async_setup_dispatch(hass, entry)
        runtime.readings = await async_setup_readings(hass, entry)
        runtime.settlement = await async_setup_settlement(hass, entry)
    elif entry.data[CONF_ACCOUNT_KIND] == AccountKind.MARKET_GATEWAY:
        entry.runtime_data = await async_setup_market_gateway(hass, entry)
    else:
        switchgrid = SwitchgridClient(
            session,
            entry.data[CONF_API_TOKEN],
            entry.data[CONF_BASE_URL],
            test_mode=entry.data.get(CONF_TEST_MODE, False),
            events_url=entry.data[CONF_EVENTS_URL],
        )
        try:
            await switchgrid.async_validate_token()
        except AuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="switchgrid_auth_failed"
            ) from err
        except GridFlexApiError as err:
            raise ConfigEntryNotReady(
                translation_domain=DOMAIN,
                translation_key="switchgrid_unreachable",
                translation_placeholders={"error": str(err)},
            ) from err
        switchgrid_runtime = SwitchgridRuntime(client=switchgrid)
        entry.runtime_data = switchgrid_runtime
        switchgrid_runtime.consumption = await async_setup_consumption(hass, entry)

    async_register_devices(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    if isinstance(entry.runtime_data, FppRuntime) and entry.runtime_data.dispatch:
        async_start_dispatch(hass, entry.runtime_data.dispatch)
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
    """Forget what an account left behind in other accounts' repairs."""
    forget_removed_entry(hass, entry)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: GridFlexConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let the user delete a device only when no account or sub-entry stands behind it."""
    return is_stale_device(entry, device)
