"""The Connected Data Portal flow of an account: its zones, refreshed by one coordinator."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.entity import Entity

from ..api.cdp import CdpClient
from ..const import DOMAIN
from .coordinator import CdpCoordinator, token_issue_id
from .entities import zone_entities


@dataclass(slots=True)
class CdpFlow:
    """The zones of one portal account, refreshed by one coordinator."""

    coordinator: CdpCoordinator

    def entities(self, platform: Platform) -> Mapping[str | None, Sequence[Entity]]:
        """Return this flow's entities of one platform, by zone sub-entry id."""
        return zone_entities(self.coordinator, platform)

    def diagnostics(self) -> Mapping[str, Any]:
        """Return what the last refresh read (row counts, versions; no tokens)."""
        return {"connected_data_portal": self._refresh_diagnostics()}

    def _refresh_diagnostics(self) -> dict[str, Any]:
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
    def async_start(self) -> None:
        """Nothing waits for the entities: the first refresh starts at setup."""

    async def async_unload(self) -> None:
        """Stop timers and drop the account's issue (a reload raises it again if still true)."""
        self.coordinator.async_cancel_tick()
        entry_id = self.coordinator.config_entry.entry_id
        ir.async_delete_issue(self.coordinator.hass, DOMAIN, token_issue_id(entry_id))


async def async_setup_cdp(
    hass: HomeAssistant, entry: ConfigEntry, client: CdpClient
) -> CdpFlow:
    """Start following this account's zones; the first refresh runs in the background."""
    if client.has_token:
        # A token was added or renewed: the "token needed" issue no longer stands.
        ir.async_delete_issue(hass, DOMAIN, token_issue_id(entry.entry_id))
    coordinator = CdpCoordinator(hass, entry, client)
    flow = CdpFlow(coordinator)
    entry.async_on_unload(flow.async_unload)
    # A slow or refusing portal must not hold up HA's start nor make setup retry in a loop.
    entry.async_create_background_task(
        hass, coordinator.async_refresh(), "gridflex connected data portal refresh"
    )
    return flow
