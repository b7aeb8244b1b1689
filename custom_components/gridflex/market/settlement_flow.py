"""
The settlement flow of an FPP account: performance and invoices, and the emergency stop.

It reads FPP's settlement API with the account's client, adds performance lines to the dispatch
calendar's past events, and keeps emergency stops across a restart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity import Entity

from ..api.fpp import FppClient
from ..dispatch.records import InstructionRecord
from ..dispatch.state import DispatchRuntime
from .diagnostics import MARKET_TO_REDACT, settlement_diagnostics
from .emergency import async_restore_emergency_stops
from .settlement import SettlementCoordinator, SettlementData, performance_lines
from .settlement_entities import settlement_sensors


@dataclass(slots=True)
class SettlementFlow:
    """FPP settlement data of one account, and what an emergency stop needs."""

    entry: ConfigEntry
    client: FppClient
    coordinator: SettlementCoordinator
    dispatch: DispatchRuntime
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    def entities(self, platform: Platform) -> Mapping[str | None, Sequence[Entity]]:
        """Return the invoice sensors on the account, the performance sensors on each MU."""
        if platform is Platform.SENSOR:
            return settlement_sensors(self.entry, self.coordinator)
        return {}

    def diagnostics(self) -> Mapping[str, Any]:
        """Return whether reads work and their last raw replies, personal data redacted."""
        section = settlement_diagnostics(self.coordinator, self.client)
        return {"settlement": async_redact_data(section, MARKET_TO_REDACT)}

    @callback
    def async_start(self) -> None:
        """Nothing waits for the entities: the first read starts at setup."""

    async def async_unload(self) -> None:
        """Stop following dispatch and take the performance lines off its calendar."""
        while self.cleanups:
            self.cleanups.pop()()

    def event_notes(self, instruction_id: str) -> list[str]:
        """Return each MU's performance in one instruction, as lines of its calendar event."""
        data: SettlementData | None = self.coordinator.data
        if data is None:
            return []
        return [
            line
            for event in data.by_instruction(instruction_id)
            for line in performance_lines(self.coordinator.hass, event)
        ]


async def async_setup_settlement(
    hass: HomeAssistant,
    entry: ConfigEntry,
    client: FppClient,
    dispatch: DispatchRuntime,
    saved_records: Iterable[InstructionRecord],
) -> SettlementFlow:
    """Start reading an FPP account's settlement data, without holding up its setup."""
    coordinator = SettlementCoordinator(hass, entry, client)
    flow = SettlementFlow(entry, client, coordinator, dispatch)
    entry.async_on_unload(flow.async_unload)
    flow.cleanups.append(coordinator.follow_dispatch())
    # Before dispatch starts: the instructions saved before a restart are still to resume.
    await async_restore_emergency_stops(hass, dispatch, saved_records)
    dispatch.event_notes.append(flow.event_notes)
    flow.cleanups.append(lambda: dispatch.event_notes.remove(flow.event_notes))
    entry.async_create_background_task(
        hass, coordinator.async_refresh(), "gridflex settlement first read"
    )
    return flow


def settlement_flow(entry: ConfigEntry) -> SettlementFlow | None:
    """Return the settlement flow of a loaded FPP entry (None otherwise)."""
    runtime = getattr(entry, "runtime_data", None)
    return None if runtime is None else runtime.flow(SettlementFlow)
