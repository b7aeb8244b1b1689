"""GridFlex: grid flexibility (UK FPP dispatch and readings) and French metering data (Switchgrid)."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .api.errors import AuthError, GridFlexApiError
from .api.fpp import FppClient
from .api.switchgrid import SwitchgridClient
from .const import (
    CONF_ACCOUNT_KIND,
    CONF_API_TOKEN,
    CONF_BASE_URL,
    CONF_TEST_MODE,
    DOMAIN,
    LOGGER,
    AccountKind,
)
from .consumption import async_setup_consumption
from .dispatch import async_setup_dispatch, async_start_dispatch
from .readings import async_setup_readings
from .runtime import FppRuntime, GridFlexConfigEntry, SwitchgridRuntime

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.CALENDAR,
    Platform.EVENT,
    Platform.SENSOR,
]


async def async_setup_entry(hass: HomeAssistant, entry: GridFlexConfigEntry) -> bool:
    """Set up one GridFlex account."""
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
    else:
        switchgrid = SwitchgridClient(
            session,
            entry.data[CONF_API_TOKEN],
            entry.data[CONF_BASE_URL],
            test_mode=entry.data.get(CONF_TEST_MODE, False),
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

    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    if isinstance(entry.runtime_data, FppRuntime) and entry.runtime_data.dispatch:
        async_start_dispatch(hass, entry.runtime_data.dispatch)
    entry.async_on_unload(entry.add_update_listener(_async_reload_on_change))
    return True


async def _async_reload_on_change(
    hass: HomeAssistant, entry: GridFlexConfigEntry
) -> None:
    """Reload when options or sub-entries change, so entities follow the new configuration."""
    await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: GridFlexConfigEntry) -> bool:
    """Unload one GridFlex account."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
