"""Dispatch section of the account's diagnostics: endpoint, last inbound bodies, the instruction store."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant

from ..const import CONF_ENDPOINT_ID, CONF_WEBHOOK_ID
from ..runtime import FppRuntime, GridFlexConfigEntry
from .endpoint import DispatchPath
from .endpoint_url import dispatch_path
from .inbound_log import REDACTED


def dispatch_diagnostics(
    hass: HomeAssistant, entry: GridFlexConfigEntry
) -> dict[str, Any] | None:
    """Return what support needs to see of dispatch, with the secret redacted (None if not FPP)."""
    runtime = entry.runtime_data
    if not isinstance(runtime, FppRuntime) or runtime.dispatch is None:
        return None
    dispatch = runtime.dispatch
    base = dispatch_path(entry.data[CONF_ENDPOINT_ID])
    return {
        "endpoint": {
            "paths": [f"{base}/{path.value}" for path in DispatchPath],
            "webhook_path": f"/api/webhook/{entry.data[CONF_WEBHOOK_ID]}",
            "secret": REDACTED,
        },
        "meterable_units": sorted(dispatch.meterable_units),
        "last_inbound": dispatch.inbound.as_list(),
        "store": dispatch.snapshot(),
    }
