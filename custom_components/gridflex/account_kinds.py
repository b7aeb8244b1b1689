"""One setup function per account kind: its client, then the flows it runs (accounts.py: which account an entry is)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from homeassistant.core import HomeAssistant

from .api.errors import AuthError, GridFlexApiError
from .api.fpp import FppClient
from .cdp.flow import async_setup_cdp
from .clients import cdp_client, fpp_client, market_gateway_client, switchgrid_client
from .const import LOGGER, AccountKind
from .consumption.flow import async_setup_consumption
from .dispatch.flow import async_setup_dispatch
from .exceptions import api_error
from .market.settlement_flow import async_setup_settlement
from .market.trading_flow import async_setup_trading
from .readings import async_setup_readings
from .runtime import Flow, GridFlexConfigEntry, GridFlexRuntime


def _runtime(
    kind: AccountKind, client: object, settings: Mapping[str, Any], *flows: Flow
) -> GridFlexRuntime:
    """Return a set-up account's runtime; its client's settings (no secrets) go in diagnostics."""
    return GridFlexRuntime(
        client=client, client_diagnostics={str(kind): settings}, flows=flows
    )


async def _async_check_fpp_token(
    hass: HomeAssistant, entry: GridFlexConfigEntry, client: FppClient
) -> None:
    """
    Check the token without failing setup.

    The dispatch endpoint must listen even while FPP's outbound API is down or the token is
    stale: a refused token starts reauth, an outage is retried by the readings queue.
    """
    try:
        await client.async_validate_token()
    except AuthError:
        entry.async_start_reauth(hass)
    except GridFlexApiError as err:
        LOGGER.warning(
            "FPP is not reachable at setup (%s); readings will be retried", err
        )


async def async_setup_fpp_account(
    hass: HomeAssistant, entry: GridFlexConfigEntry
) -> GridFlexRuntime:
    """Flexible Power Portal: dispatch in, readings out, settlement data and emergency stop."""
    client = fpp_client(hass, entry.data)
    await _async_check_fpp_token(hass, entry, client)
    dispatch = await async_setup_dispatch(hass, entry)
    readings = await async_setup_readings(hass, entry, client)
    settlement = await async_setup_settlement(
        hass, entry, client, dispatch.runtime, dispatch.saved_records
    )
    settings = {"base_url": client.base_url}
    return _runtime(AccountKind.FPP, client, settings, dispatch, readings, settlement)


async def async_setup_switchgrid_account(
    hass: HomeAssistant, entry: GridFlexConfigEntry
) -> GridFlexRuntime:
    """Switchgrid: consents, consumption statistics and demand-response events."""
    client = switchgrid_client(hass, entry.data)
    try:
        await client.async_validate_token()
    except GridFlexApiError as err:
        raise api_error(err, "switchgrid", at_setup=True) from err
    consumption = await async_setup_consumption(hass, entry, client)
    settings = {
        "base_url": client.base_url,
        "events_url": client.events_url,
        "test_mode": client.test_mode,
    }
    return _runtime(AccountKind.SWITCHGRID, client, settings, consumption)


async def async_setup_market_gateway_account(
    hass: HomeAssistant, entry: GridFlexConfigEntry
) -> GridFlexRuntime:
    """Market Gateway: trade opportunities, awards and baselines (the first read checks the token)."""
    client = market_gateway_client(hass, entry.data)
    settings = {
        "base_url": client.base_url,
        "use_api_key_header": client.use_api_key_header,
    }
    trading = await async_setup_trading(hass, entry, client)
    return _runtime(AccountKind.MARKET_GATEWAY, client, settings, trading)


async def async_setup_cdp_account(
    hass: HomeAssistant, entry: GridFlexConfigEntry
) -> GridFlexRuntime:
    """Set up a Connected Data Portal account: its zones, their trades and results."""
    client = cdp_client(hass, entry.data)
    # No token check here: a missing token is a normal state and the public portal must not
    # hold up setup; the first refresh (in the background) raises reauth or a repair issue.
    settings = {"base_url": client.base_url, "has_token": client.has_token}
    zones = await async_setup_cdp(hass, entry, client)
    return _runtime(AccountKind.CDP, client, settings, zones)


ACCOUNT_SETUP: Mapping[
    AccountKind,
    Callable[[HomeAssistant, GridFlexConfigEntry], Awaitable[GridFlexRuntime]],
] = {
    AccountKind.FPP: async_setup_fpp_account,
    AccountKind.SWITCHGRID: async_setup_switchgrid_account,
    AccountKind.MARKET_GATEWAY: async_setup_market_gateway_account,
    AccountKind.CDP: async_setup_cdp_account,
}
