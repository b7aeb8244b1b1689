"""The one entity base of GridFlex: naming, unique ids and devices."""

from __future__ import annotations

from collections.abc import Iterable
import datetime as dt

from homeassistant.components.calendar import CalendarEvent
from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.const import ATTR_RESTORED, STATE_UNAVAILABLE
from homeassistant.core import callback
from homeassistant.helpers.entity import Entity

from .devices import account_device_info, subentry_device_info


class GridFlexEntity(Entity):
    """Base of every GridFlex entity: on the account's device, or on a sub-entry's."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(
        self, entry: ConfigEntry, subentry: ConfigSubentry | None, key: str
    ) -> None:
        """Name the entity after its translation key and place it on its device."""
        self._entry = entry
        self._subentry = subentry
        self._attr_translation_key = key
        owner = subentry.unique_id if subentry else "account"
        self._attr_unique_id = f"{entry.unique_id}_{owner}_{key}"
        self._attr_device_info = (
            subentry_device_info(entry, subentry)
            if subentry
            else account_device_info(entry)
        )


@callback
def drop_unavailable_placeholder(entity: Entity) -> None:
    """
    Remove the "unavailable" placeholder Home Assistant wrote while the entity was away.

    An event entity restores its last event when an account reloads (or HA restarts); going
    from that placeholder to the restored event would read as a new "detected an event" line
    in the logbook. Without the placeholder, the restored state is a first state: no line.
    """
    state = entity.hass.states.get(entity.entity_id)
    if (
        state is not None
        and state.state == STATE_UNAVAILABLE
        and state.attributes.get(ATTR_RESTORED)
    ):
        entity.hass.states.async_remove(entity.entity_id)


def events_overlapping(
    events: Iterable[CalendarEvent], start: dt.datetime, end: dt.datetime
) -> list[CalendarEvent]:
    """Return the calendar events that overlap ``start``–``end`` (a calendar view's window)."""
    return [
        e
        for e in events
        if e.end_datetime_local > start and e.start_datetime_local < end
    ]
