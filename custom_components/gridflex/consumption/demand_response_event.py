"""Event entity on the account: fires when a Switchgrid demand-response event starts or ends."""

from __future__ import annotations

import datetime as dt

from homeassistant.components.event import EventEntity
from homeassistant.core import callback
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from homeassistant.util import dt as dt_util

from ..entity import GridFlexEntity, drop_unavailable_placeholder
from ..wake_up import WakeUp
from .coordinator import ConsumptionCoordinator

STARTED = "started"
ENDED = "ended"


class DemandResponseEventEntity(
    CoordinatorEntity[ConsumptionCoordinator], GridFlexEntity, EventEntity
):
    """``started`` / ``ended`` with the event's id, summary and times."""

    _attr_event_types = [STARTED, ENDED]

    def __init__(self, coordinator: ConsumptionCoordinator) -> None:
        """Attach to the account device."""
        CoordinatorEntity.__init__(self, coordinator)
        GridFlexEntity.__init__(
            self, coordinator.config_entry, None, "demand_response_event"
        )
        self._checked_until = dt_util.utcnow()
        self._next_edge = WakeUp(coordinator.hass, self._edge_reached)

    async def async_added_to_hass(self) -> None:
        """Follow event starts and ends."""
        drop_unavailable_placeholder(self)
        await super().async_added_to_hass()
        self._track()
        self.async_on_remove(self._next_edge.cancel)

    @callback
    def _handle_coordinator_update(self) -> None:
        self._track()

    @callback
    def _track(self) -> None:
        self._next_edge.at_earliest(
            t
            for e in self.coordinator.data.events
            for t in (e.start, e.end)
            if t > self._checked_until
        )

    @callback
    def _edge_reached(self, _now: dt.datetime) -> None:
        """Fire for every start and end passed since the last check."""
        now = dt_util.utcnow()
        for event in self.coordinator.data.events:
            for kind, moment in ((STARTED, event.start), (ENDED, event.end)):
                if self._checked_until < moment <= now:
                    self._trigger_event(
                        kind,
                        {
                            "event_id": event.event_id,
                            "summary": event.summary,
                            "start": event.start.isoformat(),
                            "end": event.end.isoformat(),
                        },
                    )
        self._checked_until = now
        self.async_write_ha_state()
        self._track()
