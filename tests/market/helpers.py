"""Small helpers of the market tests."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


def entity_id(hass: HomeAssistant, platform: str, unique_id: str) -> str:
    found = er.async_get(hass).async_get_entity_id(platform, "gridflex", unique_id)
    assert found is not None, unique_id
    return found


def state_of(hass: HomeAssistant, platform: str, unique_id: str) -> Any:
    state = hass.states.get(entity_id(hass, platform, unique_id))
    assert state is not None
    return state


async def calendar_events(
    hass: HomeAssistant, calendar: str, start: str, end: str
) -> list[dict[str, Any]]:
    reply = await hass.services.async_call(
        "calendar",
        "get_events",
        {"entity_id": calendar, "start_date_time": start, "end_date_time": end},
        blocking=True,
        return_response=True,
    )
    assert reply is not None
    events: list[dict[str, Any]] = reply[calendar]["events"]  # type: ignore[index]
    return events
