"""Where FPP must send dispatch instructions for one account."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.network import NoURLAvailableError, get_url

DISPATCH_PATH_PREFIX = "/api/gridflex/fpp"
FALLBACK_BASE_URL = "http://homeassistant.local:8123"


def dispatch_path(endpoint_id: str) -> str:
    """Path of one account's dispatch base; FPP appends ``/v2/dispatch`` and ``/v1/dispatch/...``."""
    return f"{DISPATCH_PATH_PREFIX}/{endpoint_id}"


def dispatch_base_url(hass: HomeAssistant, endpoint_id: str) -> str:
    """Full dispatch base URL: HA's external URL when set, else its internal one."""
    try:
        base = get_url(hass, prefer_external=True, allow_cloud=False)
    except NoURLAvailableError:
        base = FALLBACK_BASE_URL
    return f"{base.rstrip('/')}{dispatch_path(endpoint_id)}"
