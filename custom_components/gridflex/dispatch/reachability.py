"""
Can FPP reach this account's endpoint? Repair issues, the Cloud offer, and the "Check endpoint" probe.

The probe is the harmless request the endpoint defines for it: ``GET <dispatch base>/check`` (or
``GET`` on the webhook), with the key. It only authenticates: 200 when the key is right, 401
when not, and nothing is dispatched or stored.
"""

from __future__ import annotations

from enum import StrEnum
from http import HTTPStatus

import aiohttp
from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ..const import (
    CONF_CLOUDHOOK_URL,
    CONF_DISPATCH_SECRET,
    CONF_WEBHOOK_ID,
    DOMAIN,
    LOGGER,
)
from ..words import say
from .cloud import async_create_cloudhook, cloud_ready
from .endpoint_url import endpoint_addresses

CHECK_PATH = "check"
CHECK_TIMEOUT_S = 15


class CheckResult(StrEnum):
    """What the endpoint check found."""

    REACHABLE = "reachable"
    WRONG_KEY = "wrong_key"
    UNREACHABLE = "unreachable"
    NO_PUBLIC_URL = "no_public_url"


def private_issue_id(entry: ConfigEntry) -> str:
    """Issue shown while the account has no address FPP can reach."""
    return f"endpoint_private_{entry.entry_id}"


def cloudhook_issue_id(entry: ConfigEntry) -> str:
    """Issue offering a Home Assistant Cloud webhook address."""
    return f"cloudhook_available_{entry.entry_id}"


# Issue kinds: (translation key, fixable). The Cloud offer is fixed by its repair flow.
_CLOUDHOOK_AVAILABLE = ("cloudhook_available", True)
_ENDPOINT_PRIVATE = ("endpoint_private", False)


def _show_issue(
    hass: HomeAssistant,
    issue_id: str,
    kind: tuple[str, bool],
    placeholders: dict[str, str],
    data: dict[str, str | int | float | None] | None = None,
) -> None:
    translation_key, fixable = kind
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=fixable,
        severity=ir.IssueSeverity.WARNING,
        translation_key=translation_key,
        translation_placeholders=placeholders,
        data=data,
    )


@callback
def async_update_reachability_issues(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Raise or clear the "only a local address" and "Cloud can give an address" issues."""
    addresses = endpoint_addresses(hass, entry.data)
    if not entry.data.get(CONF_CLOUDHOOK_URL) and cloud_ready(hass):
        _show_issue(
            hass,
            cloudhook_issue_id(entry),
            _CLOUDHOOK_AVAILABLE,
            {"account": entry.title},
            {"entry_id": entry.entry_id},
        )
    else:
        ir.async_delete_issue(hass, DOMAIN, cloudhook_issue_id(entry))
    if addresses.reachable:
        ir.async_delete_issue(hass, DOMAIN, private_issue_id(entry))
        return
    LOGGER.debug("No address FPP can reach for %s", entry.title)
    _show_issue(
        hass,
        private_issue_id(entry),
        _ENDPOINT_PRIVATE,
        {
            "account": entry.title,
            "dispatch_url": addresses.dispatch_url,
            "webhook_url": addresses.webhook_url,
        },
    )


async def async_add_cloudhook(hass: HomeAssistant, entry: ConfigEntry) -> str | None:
    """Create the account's cloudhook, keep it in the entry's data, and refresh the issues."""
    url = await async_create_cloudhook(hass, entry.data[CONF_WEBHOOK_ID])
    if url is not None:
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_CLOUDHOOK_URL: url}
        )
    async_update_reachability_issues(hass, entry)
    return url


async def async_probe_endpoint(
    hass: HomeAssistant, entry: ConfigEntry
) -> tuple[CheckResult, str | None]:
    """Call the account's public address as FPP would, with the auth-only check request."""
    addresses = endpoint_addresses(hass, entry.data)
    if (public := addresses.public_url) is None:
        return CheckResult.NO_PUBLIC_URL, None
    url = public if addresses.cloudhook_url else f"{public}/{CHECK_PATH}"
    headers = {"Authorization": f"Bearer {entry.data[CONF_DISPATCH_SECRET]}"}
    session = async_get_clientsession(hass)
    try:
        async with session.get(
            url,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=CHECK_TIMEOUT_S),
            allow_redirects=False,
        ) as response:
            status = response.status
    except (aiohttp.ClientError, TimeoutError) as err:
        LOGGER.debug("Endpoint check of %s: %s", entry.title, err)
        return CheckResult.UNREACHABLE, public
    LOGGER.debug("Endpoint check of %s: HTTP %s", entry.title, status)
    if status == HTTPStatus.OK:
        return CheckResult.REACHABLE, public
    if status in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN):
        return CheckResult.WRONG_KEY, public
    return CheckResult.UNREACHABLE, public


async def async_check_endpoint(hass: HomeAssistant, entry: ConfigEntry) -> CheckResult:
    """Run the probe and say what it found in a persistent notification."""
    result, url = await async_probe_endpoint(hass, entry)
    persistent_notification.async_create(
        hass,
        say(hass, f"check_{result}", account=entry.title, url=url or ""),
        title=say(hass, "check_title", account=entry.title),
        notification_id=f"{DOMAIN}_endpoint_check_{entry.entry_id}",
    )
    async_update_reachability_issues(hass, entry)
    return result
