"""Where FPP must send dispatch instructions for one account, and whether FPP can get there."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import ipaddress
from typing import Any
from urllib.parse import urlsplit

from homeassistant.components import webhook
from homeassistant.core import HomeAssistant
from homeassistant.helpers.network import NoURLAvailableError, get_url

from ..const import CONF_CLOUDHOOK_URL, CONF_ENDPOINT_ID, CONF_WEBHOOK_ID

DISPATCH_PATH_PREFIX = "/api/gridflex/fpp"
FALLBACK_BASE_URL = "http://homeassistant.local:8123"
# Host names that only resolve inside a home network.
_PRIVATE_SUFFIXES = (".local", ".lan", ".home", ".internal", ".localdomain", ".arpa")


def dispatch_path(endpoint_id: str) -> str:
    """Path of one account's dispatch base; FPP appends ``/v2/dispatch`` and ``/v1/dispatch/...``."""
    return f"{DISPATCH_PATH_PREFIX}/{endpoint_id}"


def _base_url(hass: HomeAssistant) -> str:
    """Return the URL Home Assistant says it is reached at: external, then Cloud, then internal."""
    try:
        return get_url(hass, prefer_external=True, allow_cloud=True)
    except NoURLAvailableError:
        return FALLBACK_BASE_URL


def dispatch_base_url(hass: HomeAssistant, endpoint_id: str) -> str:
    """Full dispatch base URL, built on the URL Home Assistant considers reachable."""
    return f"{_base_url(hass).rstrip('/')}{dispatch_path(endpoint_id)}"


def is_private_url(url: str) -> bool:
    """Tell whether a URL can only be reached from inside a home network (FPP cannot reach it)."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if not host or host == "localhost" or "." not in host.strip("[]"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host.endswith(_PRIVATE_SUFFIXES)
    return not address.is_global


@dataclass(frozen=True, slots=True)
class EndpointAddresses:
    """The addresses of one FPP account's endpoint, as the user should see them."""

    dispatch_url: str
    webhook_url: str
    cloudhook_url: str | None

    @property
    def public_url(self) -> str | None:
        """An address FPP can reach: the Cloud webhook first, else a public dispatch base URL."""
        if self.cloudhook_url:
            return self.cloudhook_url
        if not is_private_url(self.dispatch_url):
            return self.dispatch_url
        return None

    @property
    def reachable(self) -> bool:
        """Whether FPP can reach the endpoint through at least one address shown."""
        return self.public_url is not None


def endpoint_addresses(
    hass: HomeAssistant, data: Mapping[str, Any]
) -> EndpointAddresses:
    """Return an account's dispatch base URL and webhook URL (Cloud's when one was created)."""
    cloudhook = data.get(CONF_CLOUDHOOK_URL)
    webhook_id = data[CONF_WEBHOOK_ID]
    if cloudhook:
        webhook_url = cloudhook
    else:
        try:
            webhook_url = webhook.async_generate_url(hass, webhook_id)
        except NoURLAvailableError:
            webhook_url = (
                f"{FALLBACK_BASE_URL}{webhook.async_generate_path(webhook_id)}"
            )
    return EndpointAddresses(
        dispatch_url=dispatch_base_url(hass, data[CONF_ENDPOINT_ID]),
        webhook_url=webhook_url,
        cloudhook_url=cloudhook or None,
    )
