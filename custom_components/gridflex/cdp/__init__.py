"""
HA side of the Connected Data Portal: flexibility zones, their trades and results.

The flow offers the small interface every flow is heading to: entities of a platform keyed by
sub-entry, diagnostics, unload.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.entity import Entity

from ..api.cdp import CdpClient
from ..api.cdp.transport import DEFAULT_RETRY_DELAYS
from ..const import CONF_API_TOKEN, CONF_BASE_URL, DOMAIN
from ..runtime import CdpRuntime, GridFlexConfigEntry
from .const import REQUEST_PAUSE
from .coordinator import CdpCoordinator, token_issue_id
from .entities import zone_entities

# Backoff of the CDN's 403 bursts (module-level: tests shorten it).
RETRY_DELAYS = DEFAULT_RETRY_DELAYS


@dataclass(slots=True)
class CdpFlow:
    """The zones of one portal account, refreshed by one coordinator."""

    coordinator: CdpCoordinator

    def entities(self, platform: str) -> dict[str, list[Entity]]:
        """Return this flow's entities of one platform, by sub-entry id."""
        return zone_entities(self.coordinator, platform)

    def diagnostics(self) -> dict[str, Any]:
        """Return what the last refresh read (row counts, versions; no tokens)."""
        coordinator = self.coordinator
        interval = coordinator.update_interval
        diagnostics: dict[str, Any] = {
            "base_url": coordinator.client.base_url,
            "has_token": coordinator.client.has_token,
            "requests_made": coordinator.client.requests_made,
            "last_update_success": coordinator.last_update_success,
            "last_error": str(coordinator.last_exception or "") or None,
            "failures": coordinator.failures,
            "update_interval_s": interval.total_seconds() if interval else None,
        }
        if (data := coordinator.data) is not None:
            diagnostics["rights"] = data.rights
            diagnostics["resources"] = {
                name: {
                    "resource_id": read.resource_id,
                    "version": read.version,
                    "skipped_rows": read.skipped,
                }
                for name, read in data.reads.items()
            }
            diagnostics["zones"] = {
                code: {"periods": len(periods), "results": len(data.results[code])}
                for code, periods in data.periods.items()
            }
        return diagnostics

    @callback
    def unload(self) -> None:
        """Stop timers and drop the account's issue (a reload raises it again if still true)."""
        self.coordinator.async_cancel_tick()
        entry_id = self.coordinator.config_entry.entry_id
        ir.async_delete_issue(self.coordinator.hass, DOMAIN, token_issue_id(entry_id))


def build_client(
    hass: HomeAssistant, data: Mapping[str, Any], **transport: Any
) -> CdpClient:
    """Return a client for an account's (or a form's) token and base URL."""
    return CdpClient.create(
        async_get_clientsession(hass),
        (data.get(CONF_API_TOKEN) or "").strip() or None,
        data[CONF_BASE_URL],
        **{"pause": REQUEST_PAUSE, "retry_delays": RETRY_DELAYS, **transport},
    )


async def async_setup_cdp(hass: HomeAssistant, entry: GridFlexConfigEntry) -> CdpFlow:
    """Start following this account's zones; the first refresh runs in the background."""
    client = build_client(hass, entry.data)
    if client.has_token:
        # A token was added or renewed: the "token needed" issue no longer stands.
        ir.async_delete_issue(hass, DOMAIN, token_issue_id(entry.entry_id))
    coordinator = CdpCoordinator(hass, entry, client)
    flow = CdpFlow(coordinator)
    entry.async_on_unload(flow.unload)
    # A slow or refusing portal must not hold up HA's start nor make setup retry in a loop.
    entry.async_create_background_task(
        hass, coordinator.async_refresh(), "gridflex connected data portal refresh"
    )
    return flow


def cdp_entities_by_subentry(
    entry: GridFlexConfigEntry, platform: str
) -> dict[str, list[Entity]]:
    """Return the zone entities of one platform by sub-entry id (none for other kinds)."""
    runtime = entry.runtime_data
    return runtime.cdp.entities(platform) if isinstance(runtime, CdpRuntime) else {}
