"""Restarts (Store, resume, missed ends) and UK/Paris DST changes."""

from __future__ import annotations

import datetime as dt

import pytest

from .bodies import instruction
from .conftest import V2, Harness

UTC = dt.UTC
ACTIVE = "binary_sensor.mu_1001_dispatch_active"


async def test_store_holds_every_instruction(harness: Harness) -> None:
    await harness.put(V2, instruction(future_field=[1, 2]))
    stored = (await harness.stored())["instructions"][0]
    assert stored["id"] == "7c3e0f5e"
    assert stored["phase"] == "scheduled"
    assert stored["start"] == "2026-01-15T17:00:00+00:00"
    # The body is stored once; its unknown fields come back from it.
    assert "extra" not in stored
    assert stored["raw"]["future_field"] == [1, 2]
    assert stored["raw"]["issued_at"] == "2026-01-15T16:45:02Z"
    await harness.restart()
    record = harness.runtime.lifecycle.records["7c3e0f5e"]
    assert record.instruction.extra == {"future_field": [1, 2]}


async def test_scheduled_instruction_survives_a_restart(harness: Harness) -> None:
    await harness.put(V2, instruction())
    await harness.restart()
    assert harness.state(ACTIVE) == "off"
    await harness.advance_to(dt.datetime(2026, 1, 15, 17, tzinfo=UTC))
    assert harness.state(ACTIVE) == "on"
    assert harness.types() == ["received", "started"]
    assert harness.events[-1].data["late"] is False


async def test_active_instruction_is_active_again_after_restart(
    harness: Harness,
) -> None:
    await harness.put(V2, instruction())
    await harness.advance_to(dt.datetime(2026, 1, 15, 17, tzinfo=UTC))
    assert harness.state("input_boolean.heater") == "off"
    await harness.restart(at=dt.datetime(2026, 1, 15, 18, tzinfo=UTC))
    assert harness.state(ACTIVE) == "on"
    assert harness.state("sensor.mu_1001_dispatched_power") == "3.5"
    assert harness.state("input_boolean.heater") == "off"
    assert harness.types() == ["received", "started"]  # no second start
    await harness.advance_to(dt.datetime(2026, 1, 15, 19, tzinfo=UTC))
    assert harness.state(ACTIVE) == "off"
    assert (
        harness.state("input_boolean.heater") == "on"
    )  # the prior state survived the restart
    assert harness.events[-1].data["reason"] == "completed"


async def test_instruction_that_started_while_down_starts_late(
    harness: Harness,
) -> None:
    await harness.put(V2, instruction())
    await harness.restart(at=dt.datetime(2026, 1, 15, 17, 30, tzinfo=UTC))
    assert harness.state(ACTIVE) == "on"
    assert harness.events[-1].data["type"] == "started"
    assert harness.events[-1].data["late"] is True


async def test_end_missed_while_down_ends_at_once(harness: Harness) -> None:
    await harness.put(V2, instruction())
    await harness.advance_to(dt.datetime(2026, 1, 15, 17, tzinfo=UTC))
    await harness.restart(at=dt.datetime(2026, 1, 15, 19, 30, tzinfo=UTC))
    assert harness.state(ACTIVE) == "off"
    ended = harness.events[-1].data
    assert ended["type"] == "ended"
    assert ended["missed"] is True and ended["reason"] == "missed"
    assert harness.state("input_boolean.heater") == "on"
    assert (await harness.stored())["instructions"][0]["phase"] == "ended"
    assert (await harness.stored())["control"] == {}


@pytest.mark.parametrize("time_zone", ["Europe/London", "Europe/Paris"])
@pytest.mark.parametrize(
    ("start", "end", "written_end"),
    [
        # UK clocks go forward at 01:00Z on 2026-03-29 (GMT → BST).
        ("2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", "2026-03-29T02:30:00+01:00"),
        # UK clocks go back at 01:00Z on 2026-10-25 (BST → GMT).
        ("2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T01:30:00+00:00"),
    ],
)
async def test_instruction_spanning_a_dst_change(
    harness: Harness, time_zone: str, start: str, end: str, written_end: str
) -> None:
    await harness.hass.config.async_update(time_zone=time_zone)
    start_at = dt.datetime.fromisoformat(start)
    end_at = dt.datetime.fromisoformat(end)
    await harness.advance_to(start_at - dt.timedelta(minutes=20))
    await harness.put(V2, instruction(start=start, end=written_end, issued_at=None))
    await harness.advance_to(start_at - dt.timedelta(seconds=1))
    assert harness.state(ACTIVE) == "off"
    await harness.advance_to(start_at)
    assert harness.state(ACTIVE) == "on"
    # Across the change itself: still on, exactly one hour of UTC.
    await harness.advance_to(
        dt.datetime.fromisoformat(start) + dt.timedelta(minutes=30)
    )
    assert harness.state(ACTIVE) == "on"
    await harness.advance_to(end_at - dt.timedelta(seconds=1))
    assert harness.state(ACTIVE) == "on"
    await harness.advance_to(end_at)
    assert harness.state(ACTIVE) == "off"
    ended = harness.events[-1].data
    assert ended["start"] == start and ended["end"] == end
    assert harness.types() == ["received", "started", "ended"]
