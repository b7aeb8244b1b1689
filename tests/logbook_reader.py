"""What a person reads of GridFlex in Home Assistant's logbook, read back through the logbook itself.

The lines come from the recorder's database through the logbook's own query and describers (what
its ``logbook/get_events`` websocket command runs), so they are rendered as the logbook renders
them: in the language and time zone Home Assistant has when they are read.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from homeassistant.components.logbook.helpers import async_determine_event_types
from homeassistant.components.logbook.processor import EventProcessor
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.gridflex.const import DOMAIN

_EVER = (
    dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
    dt.datetime(2100, 1, 1, tzinfo=dt.UTC),
)


class Line(NamedTuple):
    """One logbook line: who it is about, what it says, and the entity it is shown on."""

    name: str
    message: str
    entity_id: str | None


async def logbook_lines(
    hass: HomeAssistant,
    *,
    entity_ids: list[str] | None = None,
    device_ids: list[str] | None = None,
) -> list[Line]:
    """Return GridFlex's logbook lines, oldest first (the dispatch harness's ``with_logbook``)."""
    # Newer HA freezes the HTTP router once a client started: the logbook is set up before.
    assert "logbook" in hass.config.components, "use the with_logbook fixture"
    await async_wait_recording_done(hass)
    processor = EventProcessor(
        hass,
        async_determine_event_types(hass, entity_ids, device_ids),
        entity_ids,
        device_ids,
    )
    rows = await get_instance(hass).async_add_executor_job(processor.get_events, *_EVER)
    return [
        Line(row["name"], row["message"], row.get("entity_id"))
        for row in rows
        if row.get("domain") == DOMAIN
    ]


async def messages(hass: HomeAssistant, name: str = "MU-1001") -> list[str]:
    """Return what the logbook says of one MU or device, oldest first."""
    return [line.message for line in await logbook_lines(hass) if line.name == name]
