"""One API client factory per account kind, shared by setup, config flows and reauth."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .api.cdp import CdpClient
from .api.cdp.transport import DEFAULT_RETRY_DELAYS
from .api.fpp import FppClient
from .api.market_gateway import DEFAULT_MG_BASE_URL, MarketGatewayClient
from .api.switchgrid import DEFAULT_EVENTS_URL, SwitchgridClient
from .cdp.const import REQUEST_PAUSE
from .const import (
    CONF_API_TOKEN,
    CONF_BASE_URL,
    CONF_EVENTS_URL,
    CONF_TEST_MODE,
    CONF_USE_API_KEY_HEADER,
)

# The Connected Data Portal's politeness: a pause between requests, backoff on the CDN's 403
# bursts (module-level: tests shorten them).
CDP_REQUEST_PAUSE = REQUEST_PAUSE
CDP_RETRY_DELAYS = DEFAULT_RETRY_DELAYS


def fpp_client(hass: HomeAssistant, data: Mapping[str, Any]) -> FppClient:
    """Return a Flexible Power Portal client for an account's settings."""
    return FppClient(
        async_get_clientsession(hass), data[CONF_API_TOKEN], data[CONF_BASE_URL]
    )


def switchgrid_client(hass: HomeAssistant, data: Mapping[str, Any]) -> SwitchgridClient:
    """Return a Switchgrid client for an account's settings."""
    return SwitchgridClient(
        async_get_clientsession(hass),
        data[CONF_API_TOKEN],
        data[CONF_BASE_URL],
        test_mode=data.get(CONF_TEST_MODE, False),
        events_url=data.get(CONF_EVENTS_URL, DEFAULT_EVENTS_URL),
    )


def market_gateway_client(
    hass: HomeAssistant, data: Mapping[str, Any]
) -> MarketGatewayClient:
    """Return a Market Gateway client for an account's settings."""
    return MarketGatewayClient(
        async_get_clientsession(hass),
        data[CONF_API_TOKEN],
        data.get(CONF_BASE_URL) or DEFAULT_MG_BASE_URL,
        use_api_key_header=bool(data.get(CONF_USE_API_KEY_HEADER, False)),
    )


def cdp_client(
    hass: HomeAssistant,
    data: Mapping[str, Any],
    *,
    pause: float | None = None,
    retry_delays: tuple[float, ...] | None = None,
) -> CdpClient:
    """Return a Connected Data Portal client for an account's (or a form's) token and base URL."""
    return CdpClient.create(
        async_get_clientsession(hass),
        (data.get(CONF_API_TOKEN) or "").strip() or None,
        data[CONF_BASE_URL],
        pause=CDP_REQUEST_PAUSE if pause is None else pause,
        retry_delays=CDP_RETRY_DELAYS if retry_delays is None else retry_delays,
    )
