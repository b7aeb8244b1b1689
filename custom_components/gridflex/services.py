"""GridFlex's actions, registered once for every account (``async_setup``)."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, SupportsResponse
from homeassistant.helpers.service import async_register_admin_service

from .const import DOMAIN, SERVICE_REFRESH_CONSUMPTION
from .consumption import REFRESH_CONSUMPTION_SCHEMA, async_refresh_consumption
from .market.services import (
    RESPOND_SCHEMA,
    SERVICE_EMERGENCY_STOP,
    SERVICE_RESPOND,
    STOP_SCHEMA,
    async_emergency_stop,
    async_respond_to_trade_opportunity,
)
from .readings.services import (
    RESUBMIT_SCHEMA,
    SERVICE_RESUBMIT_READINGS,
    async_resubmit_readings,
)


def async_setup_services(hass: HomeAssistant) -> None:
    """Register GridFlex's actions: readings, consumption, trading and emergency stop."""
    # Resubmitting rewrites what FPP pays on: an administrator's action.
    async_register_admin_service(
        hass,
        DOMAIN,
        SERVICE_RESUBMIT_READINGS,
        async_resubmit_readings,
        schema=RESUBMIT_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_REFRESH_CONSUMPTION,
        async_refresh_consumption,
        schema=REFRESH_CONSUMPTION_SCHEMA,
    )
    # A trade response commits the participant financially: an administrator's action
    # (automations still run it, they act with no user; docs/decisions/market-gateway.md).
    async_register_admin_service(
        hass,
        DOMAIN,
        SERVICE_RESPOND,
        async_respond_to_trade_opportunity,
        schema=RESPOND_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    # Any user may stop their devices: safety must not wait for an administrator.
    hass.services.async_register(
        DOMAIN,
        SERVICE_EMERGENCY_STOP,
        async_emergency_stop,
        schema=STOP_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
