"""
HA side of the market around dispatch.

Market Gateway accounts (trading, awards, baselines), and the FPP account's settlement
data (performance, invoices) and emergency stop.

Independent of the other flows: it reads their configuration, never their internals, except
through ``dispatch.end_control_now`` and ``DispatchRuntime.event_notes``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.entity import Entity

from ..api.market_gateway import DEFAULT_MG_BASE_URL, MarketGatewayClient
from ..const import CONF_API_TOKEN, CONF_BASE_URL, CONF_USE_API_KEY_HEADER
from ..runtime import FppRuntime, GridFlexConfigEntry, MarketGatewayRuntime
from .coordinator import MarketGatewayCoordinator
from .emergency import async_restore_emergency_stops
from .settlement import SettlementCoordinator, SettlementData, performance_lines
from .settlement_entities import settlement_sensors
from .trading_entities import market_gateway_entities


def market_gateway_client(
    session: aiohttp.ClientSession, data: Mapping[str, Any]
) -> MarketGatewayClient:
    """Return a client for the Market Gateway account described by ``data``."""
    return MarketGatewayClient(
        session,
        data[CONF_API_TOKEN],
        data.get(CONF_BASE_URL) or DEFAULT_MG_BASE_URL,
        use_api_key_header=bool(data.get(CONF_USE_API_KEY_HEADER, False)),
    )


async def async_setup_market_gateway(
    hass: HomeAssistant, entry: GridFlexConfigEntry
) -> MarketGatewayRuntime:
    """Check the token with a first read (reauth if refused, retry later if unreachable)."""
    client = market_gateway_client(async_get_clientsession(hass), entry.data)
    coordinator = MarketGatewayCoordinator(hass, entry, client)
    await coordinator.async_config_entry_first_refresh()
    units_at_setup = set(coordinator.data.meterable_units)

    @callback
    def _follow_units() -> None:
        # A Meterable Unit added or decommissioned in Market Gateway: its sensors follow.
        if set(coordinator.data.meterable_units) != units_at_setup:
            hass.config_entries.async_schedule_reload(entry.entry_id)

    entry.async_on_unload(coordinator.async_add_listener(_follow_units))
    return MarketGatewayRuntime(client=client, coordinator=coordinator)


async def async_setup_settlement(
    hass: HomeAssistant, entry: GridFlexConfigEntry
) -> SettlementCoordinator:
    """Start reading an FPP account's settlement data, without holding up its setup."""
    runtime = entry.runtime_data
    if not isinstance(runtime, FppRuntime):
        raise TypeError("settlement data belongs to FPP accounts")
    coordinator = SettlementCoordinator(hass, entry, runtime.client)
    entry.async_on_unload(coordinator.follow_dispatch())
    if runtime.dispatch is not None:
        await async_restore_emergency_stops(hass, runtime.dispatch)

        def _notes(instruction_id: str) -> list[str]:
            data: SettlementData | None = coordinator.data
            if data is None:
                return []
            return [
                line
                for event in data.by_instruction(instruction_id)
                for line in performance_lines(event)
            ]

        runtime.dispatch.event_notes.append(_notes)
    entry.async_create_background_task(
        hass, coordinator.async_refresh(), "gridflex settlement first read"
    )
    return coordinator


def market_entities_by_subentry(
    entry: GridFlexConfigEntry, platform: str
) -> dict[str | None, list[Entity]]:
    """Return this flow's entities of one platform, grouped by sub-entry id (None: the account's)."""
    runtime = getattr(entry, "runtime_data", None)
    if isinstance(runtime, MarketGatewayRuntime):
        return {None: market_gateway_entities(entry, runtime.coordinator, platform)}
    if (
        isinstance(runtime, FppRuntime)
        and runtime.settlement is not None
        and platform == "sensor"
    ):
        return dict(settlement_sensors(entry, runtime.settlement))
    return {}
