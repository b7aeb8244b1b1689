"""Diagnostics of a GridFlex account: its configuration, then what each flow adds."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .const import (
    CONF_API_TOKEN,
    CONF_DISPATCH_SECRET,
    CONF_ENDPOINT_ID,
    CONF_HOLDER_NAME,
    CONF_STREET,
    CONF_WEBHOOK_ID,
)
from .consumption.diagnostics import consumption_diagnostics
from .dispatch.diagnostics import dispatch_diagnostics
from .market.diagnostics import (
    MARKET_TO_REDACT,
    market_gateway_diagnostics,
    settlement_diagnostics,
)
from .readings.diagnostics import readings_diagnostics
from .runtime import (
    FppRuntime,
    GridFlexConfigEntry,
    MarketGatewayRuntime,
    SwitchgridRuntime,
)

# Credentials, and the two ids that make the inbound endpoint's URL; the holder's name
# and street are personal data that a shared diagnostics file does not need.
TO_REDACT = {
    CONF_API_TOKEN,
    CONF_DISPATCH_SECRET,
    CONF_ENDPOINT_ID,
    CONF_WEBHOOK_ID,
    CONF_HOLDER_NAME,
    CONF_STREET,
    "token",
    "secret",
    "Authorization",
    "authorization",
    "X-API-Key",
    "x-api-key",
    *MARKET_TO_REDACT,
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: GridFlexConfigEntry
) -> dict[str, Any]:
    """Return the account's configuration and each loaded flow's state, secrets redacted."""
    data: dict[str, Any] = {
        "entry": {
            "title": entry.title,
            "unique_id": entry.unique_id,
            "version": entry.version,
            "state": entry.state.value,
            "data": dict(entry.data),
        },
        "subentries": [
            {
                "subentry_id": subentry.subentry_id,
                "subentry_type": subentry.subentry_type,
                "title": subentry.title,
                "unique_id": subentry.unique_id,
                "data": dict(subentry.data),
            }
            for subentry in entry.subentries.values()
        ],
    }

    # runtime_data is only set while the entry is loaded.
    runtime = getattr(entry, "runtime_data", None)
    # Each flow adds its own section here (raw inbound bodies, queue state, consents...),
    # e.g. `if runtime.dispatch: data["dispatch"] = dispatch_diagnostics(runtime.dispatch)`.
    # Everything returned passes through async_redact_data below.
    if isinstance(runtime, FppRuntime):
        data["fpp"] = {"base_url": runtime.client.base_url}
        data["readings"] = readings_diagnostics(entry)
        data["dispatch"] = dispatch_diagnostics(hass, entry)
        data["settlement"] = settlement_diagnostics(runtime)
    elif isinstance(runtime, SwitchgridRuntime):
        data["switchgrid"] = {
            "base_url": runtime.client.base_url,
            "events_url": runtime.client.events_url,
            "test_mode": runtime.client.test_mode,
        }
        data["consumption"] = consumption_diagnostics(entry)
    elif isinstance(runtime, MarketGatewayRuntime):
        data["market_gateway"] = market_gateway_diagnostics(runtime)

    return async_redact_data(data, TO_REDACT)
