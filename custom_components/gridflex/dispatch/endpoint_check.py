"""
The auth-only check request: ``GET <dispatch base>/check``, or ``GET`` on the account's webhook.

It proves that a request reaches this account's endpoint and that the key is right: 200 when
it is, the dispatch endpoint's one 401 when not (also for an unknown endpoint id), counted by
Home Assistant's login-failure helper like a refused dispatch. It reads no body and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web
from homeassistant.core import HomeAssistant
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView

from ..const import CONF_DISPATCH_SECRET, LOGGER
from .endpoint import ENDPOINTS, note_failed_auth, unauthorized
from .endpoint_url import DISPATCH_PATH_PREFIX
from .http_guard import is_authorized

if TYPE_CHECKING:
    from . import DispatchRuntime


def auth_check(runtime: DispatchRuntime, request: web.Request) -> web.Response:
    """Answer the check request: the key is checked, nothing else happens."""
    if not is_authorized(request.headers, runtime.entry.data[CONF_DISPATCH_SECRET]):
        LOGGER.debug("Endpoint check of %s: key refused", runtime.entry.title)
        note_failed_auth(runtime.hass, request)
        return unauthorized()
    LOGGER.debug("Endpoint check of %s: key accepted", runtime.entry.title)
    return web.json_response({"status": "ok", "account": runtime.entry.title})


class DispatchCheckView(HomeAssistantView):
    """Answer ``GET /api/gridflex/fpp/{endpoint_id}/check``: is this the endpoint, is the key right."""

    url = DISPATCH_PATH_PREFIX + "/{endpoint_id}/check"
    name = "api:gridflex:fpp_check"
    requires_auth = False

    async def get(self, request: web.Request, endpoint_id: str) -> web.Response:
        """Check the key of one account's endpoint."""
        hass: HomeAssistant = request.app[KEY_HASS]
        runtime = hass.data.get(ENDPOINTS, {}).get(endpoint_id)
        if runtime is None:
            # The same answer as a wrong key: an endpoint id is not a secret to probe for.
            note_failed_auth(hass, request)
            return unauthorized()
        return auth_check(runtime, request)
