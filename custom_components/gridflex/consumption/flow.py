"""The consumption flow of a Switchgrid account: its coordinator and what it shows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity import Entity

from ..api.switchgrid import SwitchgridClient
from .coordinator import ConsumptionCoordinator
from .demand_response_event import DemandResponseEventEntity
from .diagnostics import consumption_diagnostics
from .entities import DemandResponseActive, DemandResponseCalendar, point_sensors
from .issues import remove_orphan_issues


@dataclass(slots=True)
class ConsumptionRuntime:
    """Consumption state of one Switchgrid account."""

    coordinator: ConsumptionCoordinator

    def entities(self, platform: Platform) -> Mapping[str | None, Sequence[Entity]]:
        """Return the point sensors by sub-entry, the demand-response entities on the account."""
        coordinator = self.coordinator
        if platform is Platform.SENSOR:
            return point_sensors(coordinator)
        account: dict[Platform, list[Entity]] = {
            Platform.BINARY_SENSOR: [DemandResponseActive(coordinator)],
            Platform.CALENDAR: [DemandResponseCalendar(coordinator)],
            Platform.EVENT: [DemandResponseEventEntity(coordinator)],
        }
        return {None: account.get(platform, [])}

    def diagnostics(self) -> Mapping[str, Any]:
        """Return the consumption section of the account's diagnostics."""
        return {"consumption": consumption_diagnostics(self.coordinator)}

    @callback
    def async_start(self) -> None:
        """Nothing waits for the entities: the first refresh starts at setup."""

    async def async_unload(self) -> None:
        """Stop the consent checks (the coordinator shuts its refreshes down itself)."""
        self.coordinator.async_cancel_timer()


async def async_setup_consumption(
    hass: HomeAssistant, entry: ConfigEntry, client: SwitchgridClient
) -> ConsumptionRuntime:
    """Start following consents and consumption data for this account."""
    remove_orphan_issues(hass)
    coordinator = ConsumptionCoordinator(hass, entry, client)
    await coordinator.async_load()
    consumption = ConsumptionRuntime(coordinator=coordinator)
    entry.async_on_unload(consumption.async_unload)
    # The coordinator schedules refreshes only while someone listens: statistics must
    # keep coming even when every entity of the account is disabled.
    entry.async_on_unload(coordinator.async_add_listener(_keep_refreshing))
    # The first refresh (a backfill of up to 3 years) must not hold up HA's start.
    entry.async_create_background_task(
        hass, coordinator.async_refresh(), "gridflex consumption first refresh"
    )
    return consumption


@callback
def _keep_refreshing() -> None:
    """Listen for nothing: being a listener keeps the refreshes scheduled."""


def consumption_coordinator(entry: ConfigEntry) -> ConsumptionCoordinator | None:
    """Return the consumption coordinator of a loaded Switchgrid entry (None otherwise)."""
    runtime = getattr(entry, "runtime_data", None)
    consumption = None if runtime is None else runtime.flow(ConsumptionRuntime)
    return None if consumption is None else consumption.coordinator
