"""How long finished instructions are kept (calendar history, the Store)."""

from __future__ import annotations

import datetime as dt

from custom_components.gridflex.api.fpp.dispatch import Instruction, parse_v2
from custom_components.gridflex.dispatch.lifecycle import KEEP_FINISHED_FOR
from custom_components.gridflex.dispatch.records import (
    InstructionRecord,
    Phase,
    RecordBook,
)

from .bodies import instruction
from .conftest import V2, Harness, stored_ids

UTC = dt.UTC
END = dt.datetime(2026, 1, 15, 19, tzinfo=UTC)
CALENDAR = "calendar.fpp_acme_flex_dispatches"


async def test_finished_instructions_go_after_90_days_live_ones_stay(
    harness: Harness,
) -> None:
    await harness.put(V2, instruction(id="done"))
    await harness.put(
        V2,
        instruction(
            id="summer", start="2026-06-01T12:00:00Z", end="2026-06-01T13:00:00Z"
        ),
    )
    await harness.advance_to(END + KEEP_FINISHED_FOR - dt.timedelta(days=1))
    assert set(harness.runtime.lifecycle.records) == {"done", "summer"}
    await harness.advance_to(END + KEEP_FINISHED_FOR + dt.timedelta(days=1))
    assert set(harness.runtime.lifecycle.records) == {"summer"}
    assert stored_ids(await harness.stored()) == ["summer"]
    assert harness.state(CALENDAR) == "off"


async def test_a_restart_forgets_old_history(harness: Harness) -> None:
    await harness.put(V2, instruction(id="done"))
    await harness.advance_to(END)
    await harness.restart(at=END + KEEP_FINISHED_FOR + dt.timedelta(hours=1))
    assert "done" not in harness.runtime.lifecycle.records
    assert stored_ids(await harness.stored()) == []


def test_the_cap_drops_the_oldest_finished_first() -> None:
    book = RecordBook()
    at = dt.datetime(2026, 1, 1, tzinfo=UTC)
    for index in range(5):
        body = instruction(id=f"r{index}")
        (parsed,) = parse_v2(body).items
        assert isinstance(parsed, Instruction)
        phase = Phase.SCHEDULED if index == 0 else Phase.ENDED
        moment = at + dt.timedelta(hours=index)
        book.add(InstructionRecord(parsed, phase, moment, moment))
    assert book.prune(at - dt.timedelta(days=1), keep_finished=2) == 2
    assert list(book) == ["r0", "r3", "r4"]
    assert [r.id for r in book.live()] == ["r0"]
