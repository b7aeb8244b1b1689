"""Words instead of codes: logbook lines, calendar events, device control, in English and French."""

from __future__ import annotations

import datetime as dt
import logging

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.gridflex.const import EVENT_LOGBOOK
from tests.conftest import DISPATCH_SECRET, ENDPOINT_ID, WEBHOOK_ID
from tests.logbook_reader import logbook_lines, messages

from .bodies import instruction
from .conftest import V2, Harness

pytestmark = pytest.mark.usefixtures("with_logbook")

CALENDAR = "calendar.fpp_acme_flex_dispatches"
EVENT_ENTITY = "event.mu_1001_dispatch"
T17 = dt.datetime(2026, 1, 15, 17, tzinfo=dt.UTC)
T19 = dt.datetime(2026, 1, 15, 19, tzinfo=dt.UTC)
PRODUCT = "Operational Utilisation – 15-minute instruction"


@pytest.fixture
async def london(harness: Harness) -> Harness:
    await harness.hass.config.async_set_time_zone("Europe/London")
    return harness


async def test_logbook_says_what_happened_in_words(london: Harness) -> None:
    await london.put(
        V2, instruction(start="2026-06-15T16:00:00Z", end="2026-06-15T17:30:00Z")
    )
    await london.advance_to(dt.datetime(2026, 6, 15, 16, 0, 1, tzinfo=dt.UTC))
    await london.advance_to(dt.datetime(2026, 6, 15, 17, 30, 1, tzinfo=dt.UTC))
    # British Summer Time: 16:00Z is 17:00 on the clock; the day in words, no Z, no codes.
    assert await messages(london.hass) == [
        f"received {PRODUCT}: Turn down 3.5 kW, 15 June 17:00–18:30 (instruction 7c3e0f5e)",
        f"started {PRODUCT}: Turn down 3.5 kW until 18:30 (instruction 7c3e0f5e)",
        f"finished {PRODUCT} as planned (instruction 7c3e0f5e)",
    ]
    lines = await logbook_lines(london.hass)
    assert {line.entity_id for line in lines if line.name == "MU-1001"} == {
        EVENT_ENTITY
    }
    assert "ou_15" not in " ".join(line.message for line in lines)
    # The MU's own logbook (its entity's, its device's) shows them too.
    assert len(await logbook_lines(london.hass, entity_ids=[EVENT_ENTITY])) == 3
    device_id = london.events[0].data["device_id"]
    on_device = await logbook_lines(london.hass, device_ids=[device_id])
    assert [line.name for line in on_device].count("MU-1001") == 3


async def test_a_cancel_writes_one_line(london: Harness) -> None:
    written_as_text = async_capture_events(london.hass, "logbook_entry")
    await london.put(V2, instruction())
    await london.advance_to(T17)
    await london.put(V2, instruction(status="cancelled"))
    # Automations still get both events; the logbook reads one change.
    assert london.types() == ["received", "started", "cancelled", "ended"]
    assert await messages(london.hass) == [
        f"received {PRODUCT}: Turn down 3.5 kW, 15 January 17:00–19:00 (instruction 7c3e0f5e)",
        f"started {PRODUCT}: Turn down 3.5 kW until 19:00 (instruction 7c3e0f5e)",
        f"had {PRODUCT} cancelled: Turn down 3.5 kW, 15 January 17:00–19:00 (instruction 7c3e0f5e)",
    ]
    assert written_as_text == []  # every line comes from the logbook platform


async def test_an_unreadable_line_reads_as_a_generic_one(
    london: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Events from another version or damaged in the database never break the logbook."""
    hass = london.hass
    for data in (
        {"key": "logbook_from_a_newer_version", "placeholders": {}},
        {"key": "logbook_received"},
        {"key": "logbook_received", "placeholders": "not a mapping"},
        {"key": "logbook_received", "placeholders": {"instruction": "x"}},
        {"key": 7, "placeholders": {}, "entity_id": 7, "device_id": ["x"]},
        {
            "key": "logbook_started",
            "placeholders": {"product": "ou_15", "direction": "turn_down"}
            | {"instruction": "x", "start": "9999-12-31T23:59:00+00:00"}
            | {"end": "9999-12-31T23:59:59+00:00", "power_kw": "much"},
        },
    ):
        hass.bus.async_fire(EVENT_LOGBOOK, data)
    partial = {"product": "ou_15", "direction": "turn_up", "instruction": "y"}
    hass.bus.async_fire(
        EVENT_LOGBOOK,
        {
            "key": "logbook_received",
            "placeholders": partial | {"end": "2027-03-01T10:00Z"},
        },
    )
    lines = await logbook_lines(hass)
    # What is given is said: the year when it is not this one, "…" for what is missing.
    assert lines[6].message == (
        f"received {PRODUCT}: Turn up, …–1 March 2027 10:00 (instruction y)"
    )
    generic = "noted a change this version of GridFlex cannot describe"
    assert [line.message for line in lines[:5]] == [generic] * 5
    assert [line.name for line in lines[:5]] == ["GridFlex"] * 5
    # A power that is no number is left out; a time Paris cannot hold makes the line generic.
    assert (
        lines[5].message == f"started {PRODUCT}: Turn down until 23:59 (instruction x)"
    )
    await hass.config.async_update(time_zone="Europe/Paris")
    assert (await logbook_lines(hass))[5].message == generic
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_device_control_lines_name_the_device(london: Harness) -> None:
    await london.put(V2, instruction())
    await london.advance_to(T17)
    await london.hass.services.async_call(
        "input_boolean", "turn_on", {"entity_id": "input_boolean.pump"}, blocking=True
    )
    await london.advance_to(T19)
    by_device = [
        (line.entity_id, line.name, line.message)
        for line in await logbook_lines(london.hass)
        if (line.entity_id or "").startswith("input_boolean.")
    ]
    assert by_device == [
        ("input_boolean.heater", "heater", "turned off for dispatch 7c3e0f5e"),
        ("input_boolean.pump", "pump", "turned off for dispatch 7c3e0f5e"),
        (
            "input_boolean.pump",
            "pump",
            "changed by hand during dispatch 7c3e0f5e: left as it is",
        ),
        ("input_boolean.heater", "heater", "turned back on after dispatch 7c3e0f5e"),
    ]
    # The MU's device lists what its devices did, beside its own lines.
    device_id = london.events[0].data["device_id"]
    on_mu_device = await logbook_lines(london.hass, device_ids=[device_id])
    assert [line.name for line in on_mu_device] == [
        *("MU-1001", "MU-1001", "heater", "pump", "pump", "MU-1001", "heater")
    ]


async def test_lines_name_the_mu_as_it_is_called_when_read(london: Harness) -> None:
    await london.put(V2, instruction())
    devices = dr.async_get(london.hass)
    device_id = london.events[0].data["device_id"]
    devices.async_update_device(device_id, name_by_user="Loft battery")
    assert await messages(london.hass, "Loft battery") == [
        f"received {PRODUCT}: Turn down 3.5 kW, 15 January 17:00–19:00 (instruction 7c3e0f5e)"
    ]


async def test_an_update_and_a_window_past_midnight(london: Harness) -> None:
    await london.put(V2, instruction())
    units = [{"id": "MU-1001", "power_kw": 2.25}, {"id": "MU-1002", "power_kw": 1.2}]
    await london.put(
        V2,
        instruction(
            meterable_units=units,
            start="2026-01-31T23:30:00Z",
            end="2026-02-01T00:30:00Z",
        ),
    )
    assert (await messages(london.hass))[-1] == (
        f"had {PRODUCT} changed: now Turn down 2.25 kW, 31 January 23:30–1 February 00:30"
        " (instruction 7c3e0f5e)"
    )


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
    await london.put(V2, instruction())
    assert await messages(hass) == [
        f"a reçu {PRODUCT} : Baisse de 3,5 kW, 15 janvier 17:00–19:00 (instruction 7c3e0f5e)"
    ]
    await london.advance_to(T17)
    assert (
        hass.states.get(CALENDAR)
        .attributes["description"]
        .startswith(
            "Meterable Units : MU-1001 (3,5 kW), MU-1002 (1,2 kW)\nPuissance : Baisse de 4,7 kW"
        )
    )
    assert await messages(hass, "heater") == ["éteint pour l’effacement 7c3e0f5e"]


async def test_lines_are_worded_when_read(london: Harness) -> None:
    """Written while Home Assistant spoke English in London, read after it switched to French in Paris."""
    hass: HomeAssistant = london.hass
    units = [{"id": "MU-1001", "power_kw": 1234.5}, {"id": "MU-1002", "power_kw": 1}]
    await london.put(
        V2,
        instruction(
            meterable_units=units,
            start="2026-01-31T23:30:00Z",
            end="2026-02-01T01:00:00Z",
        ),
    )
    await london.advance_to(dt.datetime(2026, 1, 31, 23, 30, 1, tzinfo=dt.UTC))
    await london.put(V2, instruction(meterable_units=units, status="cancelled"))
    assert (await messages(hass))[0] == (
        f"received {PRODUCT}: Turn down 1,234.5 kW, 31 January 23:30–1 February 01:00"
        " (instruction 7c3e0f5e)"
    )
    await hass.config.async_update(language="fr", time_zone="Europe/Paris")
    await hass.async_block_till_done()
    power = "Baisse de 1\u202f234,5 kW"  # a narrow no-break space groups thousands
    window = "1er février 00:30–02:00"  # Paris time, a day later than London's 23:30
    assert await messages(hass) == [
        f"a reçu {PRODUCT} : {power}, {window} (instruction 7c3e0f5e)",
        f"a commencé {PRODUCT} : {power} jusqu’à 02:00 (instruction 7c3e0f5e)",
        f"a vu {PRODUCT} annulée : {power}, {window} (instruction 7c3e0f5e)",
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
