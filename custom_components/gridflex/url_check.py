"""A warning for an account whose API base URL is plain ``http://`` (its token travels in clear)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .account_issue import async_set_account_issue
from .const import CONF_BASE_URL
from .runtime import GridFlexConfigEntry


def is_cleartext_remote(url: str) -> bool:
    """Whether ``url`` is ``http://`` to another machine (loopback simulators are fine)."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "http":
        return False
    host = (parts.hostname or "").lower()
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


@callback
def async_check_base_url(hass: HomeAssistant, entry: GridFlexConfigEntry) -> None:
    """Raise (or clear) the repair issue for a clear-text base URL."""
    url = entry.data.get(CONF_BASE_URL) or ""
    async_set_account_issue(
        hass,
        "insecure_base_url",
        entry.entry_id,
        ir.IssueSeverity.WARNING,
        {"account": entry.title} if is_cleartext_remote(url) else None,
    )
