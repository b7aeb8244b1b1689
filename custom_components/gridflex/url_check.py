"""A warning for an account whose API base URL is plain ``http://`` (its token travels in clear)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import CONF_BASE_URL, DOMAIN
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
    issue_id = f"insecure_base_url_{entry.entry_id}"
    url = entry.data.get(CONF_BASE_URL) or ""
    if not is_cleartext_remote(url):
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="insecure_base_url",
        translation_placeholders={"account": entry.title},
    )
