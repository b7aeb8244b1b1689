"""Words instead of codes: logbook lines, calendar events, device control, in English and French."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from homeassistant.core import Event, HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from tests.conftest import DISPATCH_SECRET, ENDPOINT_ID, WEBHOOK_ID

from .bodies import instruction
from .conftest import V2, Harness

CALENDAR = "calendar.fpp_acme_flex_dispatches"
EVENT_ENTITY = "event.mu_1001_dispatch"
T17 = dt.datetime(2026, 1, 15, 17, tzinfo=dt.UTC)
T19 = dt.datetime(2026, 1, 15, 19, tzinfo=dt.UTC)
PRODUCT = "Operational Utilisation – 15-minute instruction"


@pytest.fixture
async def london(harness: Harness) -> Harness:
    await harness.hass.config.async_set_time_zone("Europe/London")
    return harness


def lines(book: list[Event[dict[str, Any]]], name: str = "MU-1001") -> list[str]:
    return [e.data["message"] for e in book if e.data["name"] == name]


async def test_logbook_says_what_happened_in_words(london: Harness) -> None:
    book = async_capture_events(london.hass, "logbook_entry")
    await london.put(
        V2, instruction(start="2026-06-15T16:00:00Z", end="2026-06-15T17:30:00Z")
    )
    await london.advance_to(dt.datetime(2026, 6, 15, 16, 0, 1, tzinfo=dt.UTC))
    await london.advance_to(dt.datetime(2026, 6, 15, 17, 30, 1, tzinfo=dt.UTC))
    # British Summer Time: 16:00Z is 17:00 on the clock; no microseconds, no Z, no codes.
    assert lines(book) == [
        f"received {PRODUCT}: Turn down 3.5 kW, 2026-06-15 17:00–18:30 (instruction 7c3e0f5e)",
        f"started {PRODUCT}: Turn down 3.5 kW until 2026-06-15 18:30 (instruction 7c3e0f5e)",
        f"finished {PRODUCT} as planned (instruction 7c3e0f5e)",
    ]
    entry = next(e for e in book if e.data["name"] == "MU-1001")
    assert entry.data["entity_id"] == EVENT_ENTITY
    assert "ou_15" not in " ".join(lines(book))


async def test_a_cancel_writes_one_line(london: Harness) -> None:
    book = async_capture_events(london.hass, "logbook_entry")
    await london.put(V2, instruction())
    await london.advance_to(T17)
    await london.put(V2, instruction(status="cancelled"))
    assert london.types() == ["received", "started", "cancelled", "ended"]
    mu_lines = lines(book)
    assert len(mu_lines) == 3
    assert mu_lines[-1] == (
        f"had {PRODUCT} cancelled: Turn down 3.5 kW, 2026-01-15 17:00–19:00 (instruction 7c3e0f5e)"
    )


async def test_device_control_lines_name_the_device(london: Harness) -> None:
    book = async_capture_events(london.hass, "logbook_entry")
    await london.put(V2, instruction())
    await london.advance_to(T17)
    await london.hass.services.async_call(
        "input_boolean", "turn_on", {"entity_id": "input_boolean.pump"}, blocking=True
    )
    await london.advance_to(T19)
    by_device = [
        (e.data["name"], e.data["message"])
        for e in book
        if e.data.get("entity_id", "").startswith("input_boolean.")
    ]
    assert by_device == [
        ("heater", "turned off for dispatch 7c3e0f5e"),
        ("pump", "turned off for dispatch 7c3e0f5e"),
        ("pump", "changed by hand during dispatch 7c3e0f5e: left as it is"),
        ("heater", "turned back on after dispatch 7c3e0f5e"),
    ]


async def test_calendar_event_in_words(london: Harness) -> None:
    await london.put(V2, instruction())
    state = london.hass.states.get(CALENDAR)
    assert state.attributes["message"] == f"Turn down 4.7 kW — {PRODUCT}"
    assert state.attributes["description"].splitlines() == [
        "Meterable Units: MU-1001 (3.5 kW), MU-1002 (1.2 kW)",
        "Power: Turn down 4.7 kW",
        f"Product: {PRODUCT}",
        "Zone: Bath 33kV",
        "Instruction: 7c3e0f5e",
        "Product code: ou_15",
    ]
    await london.put(V2, instruction(status="cancelled"))
    events = (
        await london.hass.data["calendar"]
        .get_entity(CALENDAR)
        .async_get_events(london.hass, T17 - dt.timedelta(hours=1), T19)
    )
    assert events[0].summary == f"Cancelled: Turn down 4.7 kW — {PRODUCT}"


async def test_french(london: Harness) -> None:
    hass: HomeAssistant = london.hass
    await hass.config.async_update(language="fr")
    await hass.async_block_till_done()
    book = async_capture_events(hass, "logbook_entry")
    await london.put(V2, instruction())
    assert lines(book) == [
        f"a reçu {PRODUCT} : Baisse de 3,5 kW, 2026-01-15 17:00–19:00 (instruction 7c3e0f5e)"
    ]
    await london.advance_to(T17)
    assert (
        hass.states.get(CALENDAR)
        .attributes["description"]
        .startswith(
            "Meterable Units : MU-1001 (3,5 kW), MU-1002 (1,2 kW)\nPuissance : Baisse de 4,7 kW"
        )
    )
    assert [e.data["message"] for e in book if e.data["name"] == "heater"] == [
        "éteint pour l’effacement 7c3e0f5e"
    ]


async def test_reload_does_not_announce_the_restored_event_again(
    london: Harness,
) -> None:
    hass = london.hass
    await london.put(V2, instruction())
    before = hass.states.get(EVENT_ENTITY)
    assert before.attributes["event_type"] == "received"
    changes = async_capture_events(hass, "state_changed")
    await hass.config_entries.async_reload(london.entry.entry_id)
    await london.settle()
    after = hass.states.get(EVENT_ENTITY)
    assert after.state == before.state
    assert after.attributes["event_type"] == "received"
    # The logbook shows a state change only when both old and new state exist and differ.
    shown = [
        e
        for e in changes
        if e.data["entity_id"] == EVENT_ENTITY
        and e.data["old_state"] is not None
        and e.data["new_state"] is not None
        and e.data["old_state"].state != e.data["new_state"].state
        and e.data["new_state"].state != "unavailable"
    ]
    assert shown == []


async def test_debug_log_tells_each_instruction_and_reply_without_secrets(
    london: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, "custom_components.gridflex")
    await london.put(V2, instruction())
    await london.put(V2, instruction(), headers={"X-API-Key": "wrong"})
    said = "\n".join(
        r.getMessage() for r in caplog.records if r.name.startswith("custom_components")
    )
    assert "Instruction 7c3e0f5e (instructed) for MU-1001, MU-1002: HTTP 200" in said
    assert "Dispatch request PUT v2/dispatch answered HTTP 200" in said
    assert "Dispatch request PUT v2/dispatch answered HTTP 401 (unauthorized)" in said
    assert "Dispatch received: instruction 7c3e0f5e, MU MU-1001" in said
    for secret in (DISPATCH_SECRET, ENDPOINT_ID, WEBHOOK_ID):
        assert secret not in said
