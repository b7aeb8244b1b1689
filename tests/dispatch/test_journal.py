"""The dispatch journal: one fsync'd line per group, compacted off the reply path, read defensively."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import copy
from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.helpers import issue_registry as ir
import pytest

from custom_components.gridflex.const import DOMAIN
from custom_components.gridflex.diagnostics import async_get_config_entry_diagnostics
from custom_components.gridflex.dispatch.journal import FIRST_JOURNAL
from custom_components.gridflex.dispatch.persistence import store_key
from custom_components.gridflex.dispatch.saved_state import state_lost_issue_id

from .bodies import instruction
from .conftest import V2, Harness, stored_ids


def _journals(harness: Harness) -> list[Path]:
    key = store_key(harness.entry.entry_id)
    return sorted(harness.journals.glob(f"{key}.journal.*"))


async def _restart_as_after_a_crash(
    harness: Harness, damage: Callable[[Path], None] | None = None
) -> None:
    """Load again from the files as they were before unload (a kill -9 writes nothing more)."""
    key = store_key(harness.entry.entry_id)
    full = copy.deepcopy(harness.hass_storage.get(key))
    journals = {path.name: path.read_bytes() for path in _journals(harness)}
    await harness.hass.config_entries.async_unload(harness.entry.entry_id)
    await harness.hass.async_block_till_done()
    for path in _journals(harness):
        path.unlink()
    for name, content in journals.items():
        (harness.journals / name).write_bytes(content)
    if full is None:
        harness.hass_storage.pop(key, None)
    else:
        harness.hass_storage[key] = full
    if damage is not None:
        damage(_journals(harness)[-1])
    await harness.hass.config_entries.async_setup(harness.entry.entry_id)
    await harness.settle()


def _issue(harness: Harness) -> ir.IssueEntry | None:
    return ir.async_get(harness.hass).async_get_issue(
        DOMAIN, state_lost_issue_id(harness.entry.entry_id)
    )


async def test_a_reply_costs_one_appended_line_not_a_full_rewrite(
    harness: Harness,
) -> None:
    assert (await harness.put(V2, instruction(id="one"))).status == 200
    assert (await harness.put(V2, instruction(id="two"))).status == 200
    # Nothing rewrote the full file: both replies waited for their journal line only.
    assert store_key(harness.entry.entry_id) not in harness.hass_storage
    lines = _journals(harness)[-1].read_bytes().splitlines()
    assert len(lines) == 2
    await _restart_as_after_a_crash(harness)
    assert sorted(harness.runtime.lifecycle.records) == ["one", "two"]
    assert _issue(harness) is None


async def test_a_torn_last_line_is_ignored_silently(harness: Harness) -> None:
    await harness.put(V2, instruction(id="kept"))

    def _cut_short(path: Path) -> None:
        with path.open("ab") as file:
            file.write(b'{"instructions": [{"id": "half-writ')

    await _restart_as_after_a_crash(harness, _cut_short)
    assert sorted(harness.runtime.lifecycle.records) == ["kept"]
    assert _issue(harness) is None  # never acknowledged: nothing was lost
    # Appends go on in a new file, never after the cut line.
    assert (await harness.put(V2, instruction(id="after"))).status == 200
    assert sorted(stored_ids(await harness.stored())) == ["after", "kept"]


@pytest.mark.allow_gridflex_errors("Saved dispatch state of .* was partly unreadable")
async def test_an_unreadable_line_costs_only_itself(harness: Harness) -> None:
    await harness.put(V2, instruction(id="before"))
    await harness.put(V2, instruction(id="lost"))
    await harness.put(V2, instruction(id="after"))

    def _garble_middle(path: Path) -> None:
        lines = path.read_bytes().splitlines()
        lines[1] = b"\x00garbage" + lines[1][8:]
        path.write_bytes(b"\n".join(lines) + b"\n")

    await _restart_as_after_a_crash(harness, _garble_middle)
    assert sorted(harness.runtime.lifecycle.records) == ["after", "before"]
    issue = _issue(harness)
    assert issue is not None
    assert issue.translation_key == "dispatch_records_lost"
    assert issue.translation_placeholders["lost"] == "1"


async def test_compaction_rewrites_the_full_file_and_drops_old_journals(
    harness: Harness,
) -> None:
    with patch(
        "custom_components.gridflex.dispatch.journaled_store.COMPACT_AFTER_RECORDS", 3
    ):
        for i in range(8):
            assert (await harness.put(V2, instruction(id=f"c{i}"))).status == 200
        await harness.hass.async_block_till_done()
    store = harness.runtime.store
    assert store.compactions >= 1
    # Support sees the rewrites in the diagnostics.
    diagnostics = await async_get_config_entry_diagnostics(harness.hass, harness.entry)
    assert diagnostics["dispatch"]["journal"]["compactions"] == store.compactions
    full = harness.hass_storage[store_key(harness.entry.entry_id)]["data"]
    first = full[FIRST_JOURNAL]
    # Only the journals after the full file are left.
    assert all(int(p.name.rsplit(".", 1)[1]) >= first for p in _journals(harness))
    expected = sorted(f"c{i}" for i in range(8))
    assert sorted(stored_ids(await harness.stored())) == expected
    await _restart_as_after_a_crash(harness)
    assert sorted(harness.runtime.lifecycle.records) == expected


async def test_a_burst_is_one_line_per_group(harness: Harness) -> None:
    replies = await asyncio.gather(
        *(harness.put(V2, instruction(id=f"b{i}")) for i in range(30))
    )
    assert [r.status for r in replies] == [200] * 30
    lines = _journals(harness)[-1].read_bytes().splitlines()
    assert len(lines) <= 5
    stored: dict[str, Any] | None = await harness.stored()
    assert sorted(stored_ids(stored)) == sorted(f"b{i}" for i in range(30))
