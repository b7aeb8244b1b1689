"""HA side of Switchgrid consumption: consents, data refresh, long-term statistics."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import voluptuous as vol

from ..const import ATTR_CONFIG_ENTRY_ID, CONF_ACCOUNT_KIND, DOMAIN, AccountKind
from .flow import ConsumptionRuntime, async_setup_consumption, consumption_coordinator

__all__ = [
    "REFRESH_CONSUMPTION_SCHEMA",
    "ConsumptionRuntime",
    "async_refresh_consumption",
    "async_setup_consumption",
    "consumption_coordinator",
]

REFRESH_CONSUMPTION_SCHEMA = vol.Schema({vol.Optional(ATTR_CONFIG_ENTRY_ID): str})


def _loaded_switchgrid_entries(hass: HomeAssistant) -> list[ConfigEntry]:
    return [
        entry
        for entry in hass.config_entries.async_loaded_entries(DOMAIN)
        if entry.data.get(CONF_ACCOUNT_KIND) == AccountKind.SWITCHGRID
    ]


async def async_refresh_consumption(call: ServiceCall) -> None:
    """Refresh consents and data now, for one Switchgrid account or all of them."""
    hass = call.hass
    entry_id = call.data.get(ATTR_CONFIG_ENTRY_ID)
    entries = _loaded_switchgrid_entries(hass)
    if entry_id is not None:
        entry = hass.config_entries.async_get_entry(entry_id)
        if (
            entry is None
            or entry.domain != DOMAIN
            or entry.data.get(CONF_ACCOUNT_KIND) != AccountKind.SWITCHGRID
        ):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="not_a_switchgrid_account",
                translation_placeholders={"entry_id": entry_id},
            )
        if entry.state is not ConfigEntryState.LOADED:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="switchgrid_account_not_loaded",
                translation_placeholders={"account": entry.title},
            )
        entries = [entry]
    if not entries:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="no_switchgrid_account"
        )
    for entry in entries:
        coordinator = consumption_coordinator(entry)
        if coordinator is None:
            continue
        await coordinator.async_refresh()
        if not coordinator.last_update_success:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="refresh_failed",
                translation_placeholders={
                    "account": entry.title,
                    "error": str(coordinator.last_exception),
                },
            )
