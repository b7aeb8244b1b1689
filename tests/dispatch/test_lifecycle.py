"""The instruction lifecycle as users see it: events, entities, device control."""

from __future__ import annotations

import datetime as dt

from homeassistant.helpers import device_registry as dr
import pytest

from tests.logbook_reader import Line, logbook_lines

from .bodies import instruction
from .conftest import V1_START, V1_STOP, V2, Harness, stored_ids

UTC = dt.UTC
ACTIVE = "binary_sensor.mu_1001_dispatch_active"
POWER = "sensor.mu_1001_dispatched_power"
NEXT = "sensor.mu_1001_next_dispatch_start"
EVENT = "event.mu_1001_dispatch"
T17 = dt.datetime(2026, 1, 15, 17, tzinfo=UTC)
T18 = dt.datetime(2026, 1, 15, 18, tzinfo=UTC)
T19 = dt.datetime(2026, 1, 15, 19, tzinfo=UTC)


async def test_full_life_of_an_instruction(harness: Harness) -> None:
    hass = harness.hass
    assert (await harness.put(V2, instruction())).status == 200
    assert harness.state(ACTIVE) == "off"
    assert harness.state(NEXT) == "2026-01-15T17:00:00+00:00"
    attrs = hass.states.get(ACTIVE).attributes
    assert attrs["current"] is None
    assert attrs["next"] == {
        "id": "7c3e0f5e",
        "product": "ou_15",
        "start": "2026-01-15T17:00:00+00:00",
        "end": "2026-01-15T19:00:00+00:00",
        "power_kw": 3.5,
    }
    received = harness.events[0].data
    device = dr.async_get(hass).async_get(received["device_id"])
    assert device is not None and device.name == "MU-1001"
    assert received == {
        "type": "received",
        "instruction_id": "7c3e0f5e",
        "meterable_unit_id": "MU-1001",
        "product": "ou_15",
        "product_name": "Operational Utilisation – 15-minute instruction",
        "market_gateway_codes": ["OU_15"],
        "zone": "Bath 33kV",
        "start": "2026-01-15T17:00:00Z",
        "end": "2026-01-15T19:00:00Z",
        "power_kw": 3.5,
        "direction": "turn_down",
        "status": "instructed",
        "legacy": False,
        "extra": {},
        "config_entry_id": harness.entry.entry_id,
        "device_id": device.id,
    }

    await harness.advance_to(T17 - dt.timedelta(seconds=1))
    assert harness.state(ACTIVE) == "off"
    await harness.advance_to(T17)
    assert harness.state(ACTIVE) == "on"
    assert harness.state(POWER) == "3.5"
    assert harness.state("sensor.mu_1002_dispatched_power") == "1.2"
    assert harness.state(NEXT) == "unknown"
    assert harness.state("input_boolean.heater") == "off"
    assert harness.state("input_boolean.pump") == "off"
    started = harness.events[-1].data
    assert started["type"] == "started" and started["late"] is False
    event_state = hass.states.get(EVENT)
    assert event_state.attributes["event_type"] == "started"
    assert event_state.attributes["instruction_id"] == "7c3e0f5e"

    await harness.advance_to(T19)
    assert harness.state(ACTIVE) == "off"
    assert harness.state(POWER) == "0.0"
    assert harness.state("input_boolean.heater") == "on"
    assert harness.state("input_boolean.pump") == "on"
    assert harness.events[-1].data["type"] == "ended"
    assert harness.events[-1].data["reason"] == "completed"
    assert harness.types() == ["received", "started", "ended"]
    assert (await harness.stored())["instructions"][0]["phase"] == "ended"


async def test_same_content_again_fires_nothing(harness: Harness) -> None:
    await harness.put(V2, instruction())
    again = instruction(
        start="2026-01-15T18:00:00+01:00",
        end_time="2026-01-15T19:00:00.000Z",
        end=...,
        meterable_unit_ids=...,
    )
    resp = await harness.put(V2, again)
    assert resp.status == 200 and (await resp.json())["status"] == "accepted"
    assert harness.types() == ["received"]


async def test_update_moves_timers(harness: Harness) -> None:
    await harness.put(V2, instruction())
    await harness.put(V2, instruction(start="2026-01-15T18:00:00Z"))
    assert harness.types() == ["received", "updated"]
    assert harness.events[-1].data["start"] == "2026-01-15T18:00:00Z"
    await harness.advance_to(T17)
    assert harness.state(ACTIVE) == "off"
    await harness.advance_to(T18)
    assert harness.state(ACTIVE) == "on"
    # An update while active that drops MU-1002 and changes the power.
    await harness.put(
        V2,
        instruction(
            start="2026-01-15T18:00:00Z",
            meterable_units=[{"id": "MU-1001", "power_kw": 5}],
        ),
    )
    assert harness.state(POWER) == "5.0"
    assert harness.state("binary_sensor.mu_1002_dispatch_active") == "off"
    assert harness.types() == ["received", "updated", "started", "updated"]


async def test_update_moving_start_later_while_active(harness: Harness) -> None:
    await harness.put(V2, instruction())
    await harness.advance_to(T17)
    await harness.put(V2, instruction(start="2026-01-15T18:00:00Z"))
    assert harness.state(ACTIVE) == "off"
    assert harness.types()[-2:] == ["updated", "ended"]
    await harness.advance_to(T18)
    assert harness.state(ACTIVE) == "on"


async def test_cancel_before_start_is_final(harness: Harness) -> None:
    await harness.put(V2, instruction())
    resp = await harness.put(V2, {"id": "7c3e0f5e", "status": "cancelled"})
    assert resp.status == 200
    assert (await resp.json())["meterable_units"] == ["MU-1001", "MU-1002"]
    assert harness.types() == ["received", "cancelled"]
    await harness.advance_to(T17)
    assert harness.state(ACTIVE) == "off"
    assert (
        await harness.put(V2, {"id": "7c3e0f5e", "status": "cancelled"})
    ).status == 200
    assert (await harness.put(V2, instruction())).status == 409
    assert harness.types() == ["received", "cancelled"]


async def test_cancel_while_active_ends_now_and_restores(harness: Harness) -> None:
    await harness.put(V2, instruction())
    await harness.advance_to(T17)
    assert harness.state("input_boolean.heater") == "off"
    await harness.put(V2, {"id": "7c3e0f5e", "status": "cancelled"})
    assert harness.types() == ["received", "started", "cancelled", "ended"]
    assert harness.events[-1].data["reason"] == "cancelled"
    assert harness.state(ACTIVE) == "off"
    assert harness.state("input_boolean.heater") == "on"
    await harness.advance_to(T19)
    assert harness.types() == ["received", "started", "cancelled", "ended"]


async def test_cancel_for_unknown_id_is_recorded(harness: Harness) -> None:
    resp = await harness.put(V2, {"id": "later", "status": "cancelled"})
    assert resp.status == 200
    assert harness.events == []
    assert (await harness.put(V2, instruction(id="later"))).status == 409
    assert stored_ids(await harness.stored()) == ["later"]


async def test_late_arrival_starts_at_once(harness: Harness) -> None:
    await harness.put(V2, instruction(start="2026-01-15T16:30:00Z"))
    assert harness.types() == ["received", "started"]
    assert harness.events[-1].data["late"] is True
    assert harness.state(ACTIVE) == "on"


async def test_already_ended_is_recorded_and_fires_nothing(harness: Harness) -> None:
    resp = await harness.put(
        V2, instruction(start="2026-01-15T15:00:00Z", end="2026-01-15T16:00:00Z")
    )
    assert resp.status == 200
    assert harness.events == []
    assert harness.state(ACTIVE) == "off"
    assert (await harness.stored())["instructions"][0]["phase"] == "ended"


async def test_overlapping_instructions_add_power_and_control_once(
    harness: Harness,
) -> None:
    await harness.put(V2, instruction(id="a"))
    await harness.put(
        V2,
        instruction(id="b", start="2026-01-15T18:00:00Z", end="2026-01-15T20:00:00Z"),
    )
    await harness.advance_to(T18)
    assert harness.state(POWER) == "7.0"
    await harness.advance_to(T19)
    assert harness.state(ACTIVE) == "on"
    assert harness.state("input_boolean.heater") == "off"
    await harness.advance_to(T19 + dt.timedelta(hours=1))
    assert harness.state("input_boolean.heater") == "on"


@pytest.mark.usefixtures("with_logbook")
async def test_manual_change_during_the_window_is_respected(harness: Harness) -> None:
    hass = harness.hass
    await harness.put(V2, instruction())
    await harness.advance_to(T17)
    assert harness.state("input_boolean.heater") == "off"
    await hass.services.async_call(
        "input_boolean", "turn_on", {"entity_id": "input_boolean.heater"}, blocking=True
    )
    await hass.async_block_till_done()
    assert harness.state("input_boolean.heater") == "on"
    assert (await logbook_lines(hass))[-1] == Line(
        "heater",
        "changed by hand during dispatch 7c3e0f5e: left as it is",
        "input_boolean.heater",
    )
    await harness.advance_to(T18)
    assert harness.state("input_boolean.heater") == "on"
    # The user turns it off again before the end: GridFlex does not turn it back on.
    await hass.services.async_call(
        "input_boolean",
        "turn_off",
        {"entity_id": "input_boolean.heater"},
        blocking=True,
    )
    await harness.advance_to(T19)
    assert harness.state("input_boolean.heater") == "off"
    assert harness.state("input_boolean.pump") == "on"


async def test_legacy_start_update_and_stop(harness: Harness) -> None:
    await harness.put(
        V2, instruction(id="v2", meterable_units=[{"id": "MU-1001", "power_kw": 1}])
    )
    resp = await harness.put(
        V1_START,
        {
            "meterable_unit_id": "MU-1001",
            "start": "2026-01-15T16:45:00Z",
            "power_kw": 2,
            "product": "secure",
        },
    )
    legacy_id = (await resp.json())["id"]
    assert legacy_id.startswith("v1-MU-1001-20260115T164500Z-")
    assert harness.state(ACTIVE) == "on"
    assert harness.events[-1].data["late"] is True
    assert harness.events[-1].data["product_name"] == "Secure (legacy)"
    assert harness.events[-1].data["market_gateway_codes"] == ["SECUR"]
    resp = await harness.put(
        V1_START,
        {
            "meterable_unit_id": "MU-1001",
            "start": "2026-01-15T16:46:00Z",
            "power_kw": 3,
        },
    )
    assert (await resp.json())["id"] == legacy_id
    assert harness.types("MU-1001")[-1] == "updated"
    await harness.advance_to(T17)
    assert harness.state(POWER) == "4.0"  # legacy 3 kW + v2 1 kW
    resp = await harness.put(V1_STOP, {"meterable_unit_id": "MU-1001"})
    assert (await resp.json()) == {
        "id": legacy_id,
        "status": "accepted",
        "meterable_units": ["MU-1001"],
        "unknown_meterable_units": [],
        "stopped": True,
    }
    assert harness.events[-1].data["type"] == "ended"
    assert harness.events[-1].data["reason"] == "stopped"
    assert harness.state(POWER) == "1.0"  # the v2 instruction still runs
    resp = await harness.put(V1_STOP, {"meterable_unit_id": "MU-1001"})
    assert (await resp.json())["stopped"] is False


async def test_legacy_stop_in_the_future(harness: Harness) -> None:
    await harness.put(
        V1_START, {"meterable_unit_id": "MU-1002", "start": "2026-01-15T16:45:00Z"}
    )
    await harness.put(
        V1_STOP, {"meterable_unit_id": "MU-1002", "stop": "2026-01-15T17:00:00Z"}
    )
    assert harness.state("binary_sensor.mu_1002_dispatch_active") == "on"
    await harness.advance_to(T17)
    assert harness.state("binary_sensor.mu_1002_dispatch_active") == "off"
    assert harness.events[-1].data["reason"] == "stopped"


async def test_calendar_lists_past_and_upcoming(harness: Harness) -> None:
    await harness.put(
        V2,
        instruction(
            id="past", start="2026-01-15T10:00:00Z", end="2026-01-15T11:00:00Z"
        ),
    )
    await harness.put(V2, instruction())
    await harness.put(V2, {"id": "never-seen", "status": "cancelled"})
    state = harness.hass.states.get("calendar.fpp_acme_flex_dispatches")
    assert state.state == "off"
    assert state.attributes["message"] == (
        "Turn down 4.7 kW — Operational Utilisation – 15-minute instruction"
    )
    result = await harness.hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": "calendar.fpp_acme_flex_dispatches",
            "start_date_time": "2026-01-15T00:00:00Z",
            "duration": {"hours": 24},
        },
        blocking=True,
        return_response=True,
    )
    events = result["calendar.fpp_acme_flex_dispatches"]["events"]
    assert [e["start"] for e in events] == [
        "2026-01-15T10:00:00+00:00",
        "2026-01-15T17:00:00+00:00",
    ]
    assert events[1]["description"].endswith("Product code: ou_15")
    assert events[1]["description"].splitlines()[0] == (
        "Meterable Units: MU-1001 (3.5 kW), MU-1002 (1.2 kW)"
    )
    await harness.advance_to(T17)
    assert harness.hass.states.get("calendar.fpp_acme_flex_dispatches").state == "on"


async def test_unknown_units_raise_a_repair_issue(harness: Harness) -> None:
    from homeassistant.helpers import issue_registry as ir

    await harness.put(
        V2,
        instruction(
            meterable_units=[
                {"id": "MU-7", "power_kw": 1},
                {"id": "MU-1001", "power_kw": 1},
            ]
        ),
    )
    issue = ir.async_get(harness.hass).async_get_issue(
        "gridflex", f"unknown_meterable_units_{harness.entry.entry_id}"
    )
    assert issue is not None
    assert issue.translation_placeholders["units"] == "MU-7"
