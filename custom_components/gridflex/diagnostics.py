"""Diagnostics of a GridFlex account: its configuration, then what each flow adds."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .const import (
    CONF_API_TOKEN,
    CONF_CITY,
    CONF_CLOUDHOOK_URL,
    CONF_DISPATCH_SECRET,
    CONF_ENDPOINT_ID,
    CONF_HOLDER_NAME,
    CONF_PCE,
    CONF_POSTCODE,
    CONF_PRM,
    CONF_STREET,
    CONF_WEBHOOK_ID,
)
from .dispatch.inbound_log import redact_url
from .privacy import masked_meter_number
from .runtime import GridFlexConfigEntry, GridFlexRuntime

# Credentials, and the ids and Cloud address that make the inbound endpoint's URL; the holder's name
# and address are personal data that a shared diagnostics file does not need.
TO_REDACT = {
    CONF_API_TOKEN,
    CONF_DISPATCH_SECRET,
    CONF_ENDPOINT_ID,
    CONF_WEBHOOK_ID,
    CONF_CLOUDHOOK_URL,
    CONF_HOLDER_NAME,
    CONF_STREET,
    CONF_POSTCODE,
    CONF_CITY,
    "token",
    "secret",
    "Authorization",
    "authorization",
    "X-API-Key",
    "x-api-key",
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
    runtime: GridFlexRuntime | None = getattr(entry, "runtime_data", None)
    if runtime is not None:
        # The client's settings, then each flow's sections (raw inbound bodies, queue
        # state, consents...); everything passes through async_redact_data below.
        data.update(runtime.client_diagnostics)
        for flow in runtime.flows:
            data.update(flow.diagnostics())

    redacted: dict[str, Any] = _masked(
        _without_userinfo(async_redact_data(data, TO_REDACT)), _meter_numbers(entry)
    )
    return redacted


def _meter_numbers(entry: GridFlexConfigEntry) -> dict[str, str]:
    """Each delivery point's number (PCE, PRM) and how diagnostics show it."""
    numbers = (
        str(subentry.data[key])
        for subentry in entry.subentries.values()
        for key in (CONF_PCE, CONF_PRM)
        if subentry.data.get(key)
    )
    return {n: masked_meter_number(n) for n in numbers}


def _masked(value: Any, numbers: dict[str, str]) -> Any:
    """Meter numbers are personal data: masked wherever they appear (keys, titles, ids, text)."""
    if not numbers:
        return value
    if isinstance(value, str):
        for number, mask in numbers.items():
            value = value.replace(number, mask)
        return value
    if isinstance(value, dict):
        return {_masked(k, numbers): _masked(v, numbers) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, numbers) for v in value]
    return value


def _without_userinfo(value: Any) -> Any:
    """Every URL anywhere in the diagnostics, without its ``user:password@``."""
    if isinstance(value, str):
        return redact_url(value) if "://" in value else value
    if isinstance(value, dict):
        return {k: _without_userinfo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_userinfo(v) for v in value]
    return value
