"""What a user sees of an account, as plain data for snapshot tests: entities, devices, calendar.

Simulator addresses (a new port each run) and Home Assistant's random ids are replaced by stable
placeholders, so a snapshot changes only when what GridFlex shows changes.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er

from custom_components.gridflex.devices import device_subentry_id

_LOCAL_URL = re.compile(r"http://127\.0\.0\.1:\d+")
_LOCAL_HOST = re.compile(r"127\.0\.0\.1:\d+")
# Client software differs between the two Home Assistant versions the suite runs on.
_CLIENT_HEADERS = frozenset({"Accept-Encoding", "User-Agent"})
_USER_AGENT = re.compile(r"(Python|aiohttp|HomeAssistant)/[\w.]+")
_ULID = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{26}\b")
_HEX_ID = re.compile(r"\b[0-9a-f]{32}\b")
# Newer HA stamps an event a few milliseconds after the frozen clock.
_SUBSECOND = re.compile(r"(\d{2}:\d{2}:\d{2})\.\d+")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


def stable(value: Any) -> Any:
    """Return ``value`` with simulator URLs and generated ids replaced, recursively."""
    if isinstance(value, str):
        value = _LOCAL_URL.sub("http://simulator", value)
        value = _LOCAL_HOST.sub("127.0.0.1:<port>", value)
        value = _USER_AGENT.sub(r"\1/<version>", value)
        value = _ULID.sub("<ulid>", value)
        value = _UUID.sub("<uuid>", value)
        value = _SUBSECOND.sub(r"\1", value)
        return _HEX_ID.sub("<id>", value)
    if isinstance(value, dict):
        return {
            stable(k): "<client>" if k in _CLIENT_HEADERS else stable(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [stable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def entities(hass: HomeAssistant, entry: ConfigEntry) -> dict[str, Any]:
    """Each entity of the account: its device, name, state and attributes, by entity id."""
    devices = dr.async_get(hass)
    found: dict[str, Any] = {}
    for reg in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id):
        state = hass.states.get(reg.entity_id)
        device = devices.async_get(reg.device_id) if reg.device_id else None
        found[reg.entity_id] = {
            "device": device.name if device else None,
            "translation_key": reg.translation_key,
            "entity_category": reg.entity_category,
            "disabled": reg.disabled_by is not None,
            "state": state.state if state else None,
            "attributes": dict(sorted(state.attributes.items())) if state else None,
        }
    return stable(dict(sorted(found.items())))


def devices(hass: HomeAssistant, entry: ConfigEntry) -> list[dict[str, Any]]:
    """The account's devices as the device page shows them."""
    found = [
        {
            "name": d.name,
            "manufacturer": d.manufacturer,
            "model": d.model,
            "entry_type": d.entry_type,
            "via_device": d.via_device_id is not None,
            "sub_entry": device_subentry_id(d, entry) is not None,
        }
        for d in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    ]
    return stable(sorted(found, key=lambda d: str(d["name"])))


async def calendar(
    hass: HomeAssistant, entity_id: str, start: dt.datetime, end: dt.datetime
) -> list[dict[str, Any]]:
    """The calendar's events in a window, as `calendar.get_events` answers."""
    reply = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": entity_id,
            "start_date_time": start.isoformat(),
            "end_date_time": end.isoformat(),
        },
        blocking=True,
        return_response=True,
    )
    assert reply is not None
    events: list[dict[str, Any]] = reply[entity_id]["events"]  # type: ignore[index,assignment]
    return stable(events)
