"""Safe device control: no short-cycling, a longest control, direction and products honoured."""

from __future__ import annotations

import datetime as dt
from typing import Any

from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.gridflex.const import (
    CONF_CONTROL_LISTED_PRODUCTS_ONLY,
    CONF_MAX_DISPATCH_MINUTES,
    CONF_MIN_SWITCH_MINUTES,
    CONF_MU_ID,
)
from tests.logbook_reader import Line, logbook_lines

from .bodies import instruction
from .conftest import V1_START, V2, Harness

UTC = dt.UTC
T17 = dt.datetime(2026, 1, 15, 17, tzinfo=UTC)
HEATER = "input_boolean.heater"
EVENT_ENTITY = "event.mu_1001_dispatch"


async def _set_options(harness: Harness, **options: Any) -> None:
    """Change MU-1001's options as its reconfigure step would, then reload."""
    entry = harness.entry
    sub = next(s for s in entry.subentries.values() if s.data[CONF_MU_ID] == "MU-1001")
    harness.hass.config_entries.async_update_subentry(
        entry, sub, data={**sub.data, **options}
    )
    await harness.hass.async_block_till_done()
    await harness.restart()


def _switchings(events: list[Event[Any]]) -> list[str]:
    return [
        e.data["new_state"].state
        for e in events
        if e.data["entity_id"] == HEATER
        and e.data["old_state"] is not None
        and e.data["old_state"].state != e.data["new_state"].state
    ]


async def test_start_cancel_pairs_never_short_cycle_a_device(harness: Harness) -> None:
    await _set_options(harness, **{CONF_MIN_SWITCH_MINUTES: 5})
    changes = async_capture_events(harness.hass, EVENT_STATE_CHANGED)
    for i in range(10):
        await harness.put(V2, instruction(id=f"pair-{i}", start="2026-01-15T16:00:00Z"))
        await harness.put(V2, {"id": f"pair-{i}", "status": "cancelled"})
    assert _switchings(changes) == ["off"]  # once, then it waits
    await harness.advance_to(dt.datetime(2026, 1, 15, 16, 54, 59, tzinfo=UTC))
    assert harness.state(HEATER) == "off"
    await harness.advance_to(dt.datetime(2026, 1, 15, 16, 55, 1, tzinfo=UTC))
    assert harness.state(HEATER) == "on"
    assert _switchings(changes) == ["off", "on"]


@pytest.mark.usefixtures("with_logbook")
async def test_control_ends_after_the_longest_time_set(harness: Harness) -> None:
    await _set_options(harness, **{CONF_MAX_DISPATCH_MINUTES: 60})
    await harness.put(V2, instruction())
    await harness.advance_to(T17)
    assert harness.state(HEATER) == "off"
    await harness.advance_to(T17 + dt.timedelta(minutes=60, seconds=1))
    assert harness.state(HEATER) == "on"
    assert harness.state("binary_sensor.mu_1001_dispatch_active") == "on"
    assert Line(
        "MU-1001",
        "put its devices back: they were controlled for the longest time allowed",
        EVENT_ENTITY,
    ) in await logbook_lines(harness.hass)
    await harness.advance_to(T17 + dt.timedelta(minutes=90))
    assert harness.state(HEATER) == "on"  # not switched off again by the same dispatch


async def test_a_legacy_start_without_end_ends_at_the_longest_time(
    harness: Harness,
) -> None:
    await _set_options(harness, **{CONF_MAX_DISPATCH_MINUTES: 90})
    resp = await harness.put(
        V1_START, {"meterable_unit_id": "MU-1001", "start": "2026-01-15T17:00:00Z"}
    )
    record = harness.runtime.lifecycle.records[(await resp.json())["id"]]
    assert record.instruction.end == T17 + dt.timedelta(minutes=90)


@pytest.mark.usefixtures("with_logbook")
async def test_turn_up_never_turns_devices_off(harness: Harness) -> None:
    await harness.put(
        V2, instruction(direction="turn_up", start="2026-01-15T16:00:00Z")
    )
    assert harness.state("binary_sensor.mu_1001_dispatch_active") == "on"
    assert harness.state(HEATER) == "on"
    assert Line(
        "MU-1001",
        "left its devices as they are for instruction 7c3e0f5e:"
        " a turn-up instruction never turns devices off",
        EVENT_ENTITY,
    ) in await logbook_lines(harness.hass)


@pytest.mark.usefixtures("with_logbook")
async def test_skipped_control_is_said_in_the_users_language(harness: Harness) -> None:
    await harness.hass.config.async_update(language="fr")
    await harness.hass.async_block_till_done()
    await harness.put(
        V2, instruction(direction="turn_up", start="2026-01-15T16:00:00Z")
    )
    assert harness.state(HEATER) == "on"
    skipped = [
        line.message
        for line in await logbook_lines(harness.hass)
        if "appareils" in line.message
    ]
    assert skipped == [
        (
            "a laissé ses appareils tels quels pour l’instruction 7c3e0f5e :"
            " une instruction de hausse n’éteint jamais d’appareil"
        )
    ]


@pytest.mark.usefixtures("with_logbook")
async def test_an_mu_may_act_only_for_its_products(harness: Harness) -> None:
    await _set_options(harness, **{CONF_CONTROL_LISTED_PRODUCTS_ONLY: True})
    await harness.put(
        V2, instruction(id="other", product="su", start="2026-01-15T16:00:00Z")
    )
    assert harness.state(HEATER) == "on"
    assert (await logbook_lines(harness.hass))[-1].message == (
        "left its devices as they are for instruction other: Scheduled Utilisation"
        " (product su)"
        " is not one it controls devices for"
    )
    await harness.put(V2, instruction(id="mine", start="2026-01-15T16:00:00Z"))
    assert harness.state(HEATER) == "off"
