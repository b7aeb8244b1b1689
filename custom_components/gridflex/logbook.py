"""
logbook platform: GridFlex's lines are ``gridflex_logbook`` events, put into words when read.

The event holds a sentence key and raw values; the line is written here in Home Assistant's
language and time zone of the moment, naming the MU or device as it is called now. An event
this version cannot read (an unknown key, damaged data) still gets a line, a generic one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.components.logbook.models import LazyEventPartialState
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .const import DOMAIN, EVENT_LOGBOOK
from .dispatch.describe import UNKNOWN_LINE, line_words
from .words import say

DescribeEvent = Callable[[LazyEventPartialState], dict[str, Any]]


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, DescribeEvent], None],
) -> None:
    """Tell the logbook how to read ``gridflex_logbook`` events (``gridflex_dispatch`` has none)."""
    devices, entities = dr.async_get(hass), er.async_get(hass)

    @callback
    def describe(event: LazyEventPartialState) -> dict[str, Any]:
        # Runs in the recorder's thread for history: registries and caches are only read.
        data = event.data
        entity_id = data.get("entity_id")
        entity_id = entity_id if isinstance(entity_id, str) else None
        line = {
            LOGBOOK_ENTRY_NAME: _name(hass, devices, entities, data, entity_id),
            LOGBOOK_ENTRY_MESSAGE: line_message(hass, data),
        }
        if entity_id is not None:
            line[LOGBOOK_ENTRY_ENTITY_ID] = entity_id
        return line

    async_describe_event(DOMAIN, EVENT_LOGBOOK, describe)


@callback
def line_message(hass: HomeAssistant, data: Mapping[str, Any]) -> str:
    """Return the words of one ``gridflex_logbook`` event, a generic line when it is unreadable."""
    key, placeholders = data.get("key"), data.get("placeholders")
    if isinstance(key, str) and isinstance(placeholders, Mapping):
        try:
            return line_words(hass, key, placeholders)
        except (ValueError, OverflowError):  # a time out of any calendar's range
            pass
    return say(hass, UNKNOWN_LINE)


def _name(
    hass: HomeAssistant,
    devices: dr.DeviceRegistry,
    entities: er.EntityRegistry,
    data: Mapping[str, Any],
    entity_id: str | None,
) -> str:
    """Name the controlled entity, or the MU's device, as it is called now (else as it was)."""
    entry = entities.async_get(entity_id) if entity_id is not None else None
    if entity_id is not None and (entry is None or entry.platform != DOMAIN):
        if (state := hass.states.get(entity_id)) is not None:
            return state.name
        return (entry and (entry.name or entry.original_name)) or entity_id
    fallback = str(data.get("meterable_unit_id") or entity_id or "GridFlex")
    device_id = data.get("device_id")
    if isinstance(device_id, str) and (device := devices.async_get(device_id)):
        return device.name_by_user or device.name or fallback
    return fallback
