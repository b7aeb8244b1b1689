"""The trading flow of a Market Gateway account: opportunities, awards and baselines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity import Entity

from ..api.market_gateway import MarketGatewayClient
from .calendars import TradeAwardCalendar, TradeOpportunityCalendar
from .coordinator import MarketGatewayCoordinator
from .diagnostics import MARKET_TO_REDACT, trading_diagnostics
from .trading_entities import trading_sensors


@dataclass(slots=True)
class TradingFlow:
    """What one Market Gateway account reads, and the entities that show it."""

    entry: ConfigEntry
    client: MarketGatewayClient
    coordinator: MarketGatewayCoordinator

    def entities(self, platform: Platform) -> Mapping[str | None, Sequence[Entity]]:
        """Return the account's calendars and sensors (all on the account's device)."""
        entry, coordinator = self.entry, self.coordinator
        if platform is Platform.CALENDAR:
            return {
                None: [
                    TradeOpportunityCalendar(entry, coordinator, "trade_opportunities"),
                    TradeAwardCalendar(entry, coordinator, "trade_awards"),
                ]
            }
        if platform is Platform.SENSOR:
            return {None: trading_sensors(entry, coordinator)}
        return {}

    def diagnostics(self) -> Mapping[str, Any]:
        """Return what the last refresh found and the last raw replies, personal data redacted."""
        section = trading_diagnostics(self.coordinator, self.client)
        return {"trading": async_redact_data(section, MARKET_TO_REDACT)}

    @callback
    def async_start(self) -> None:
        """Nothing waits for the entities: the first read happens at setup."""

    async def async_unload(self) -> None:
        """Nothing to stop: the coordinator shuts down with its config entry."""


async def async_setup_trading(
    hass: HomeAssistant, entry: ConfigEntry, client: MarketGatewayClient
) -> TradingFlow:
    """Read the account once (reauth if refused, retry later if unreachable), then follow it."""
    coordinator = MarketGatewayCoordinator(hass, entry, client)
    await coordinator.async_config_entry_first_refresh()
    flow = TradingFlow(entry, client, coordinator)
    entry.async_on_unload(flow.async_unload)
    units_at_setup = set(coordinator.data.meterable_units)

    @callback
    def _follow_units() -> None:
        # A Meterable Unit added or decommissioned in Market Gateway: its sensors follow.
        if set(coordinator.data.meterable_units) != units_at_setup:
            # Not eagerly: the coordinator is still calling its listeners, and an eager reload
            # would remove entities that it then calls (a removed calendar would set alarms).
            hass.async_create_task(
                hass.config_entries.async_reload(entry.entry_id),
                f"gridflex reload {entry.title} for its Meterable Units",
                eager_start=False,
            )

    entry.async_on_unload(coordinator.async_add_listener(_follow_units))
    return flow


def trading_flow(entry: ConfigEntry) -> TradingFlow | None:
    """Return the trading flow of a loaded Market Gateway entry (None otherwise)."""
    runtime = getattr(entry, "runtime_data", None)
    return None if runtime is None else runtime.flow(TradingFlow)
