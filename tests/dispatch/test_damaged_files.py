"""A damaged dispatch file costs only itself: the rest loads, switched devices are put back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from homeassistant.helpers import issue_registry as ir
import pytest

from custom_components.gridflex.const import DOMAIN
from custom_components.gridflex.dispatch.persistence import store_key
from custom_components.gridflex.dispatch.saved_state import (
    control_key,
    state_lost_issue_id,
)

from .bodies import instruction
from .conftest import V2, Harness, stored_ids

ACTIVE_NOW = {"start": "2026-01-15T16:00:00Z", "end": "2026-01-15T19:00:00Z"}


async def _reload_with(harness: Harness, damage: Any) -> None:
    """Unload, damage what is on disk, load again."""
    hass = harness.hass
    await hass.config_entries.async_unload(harness.entry.entry_id)
    await hass.async_block_till_done()
    damage(harness.hass_storage[store_key(harness.entry.entry_id)])
    await hass.config_entries.async_setup(harness.entry.entry_id)
    await harness.settle()


def _issue(harness: Harness) -> ir.IssueEntry | None:
    return ir.async_get(harness.hass).async_get_issue(
        DOMAIN, state_lost_issue_id(harness.entry.entry_id)
    )


@pytest.mark.allow_gridflex_errors("Saved dispatch state of .* was partly unreadable")
async def test_a_wrong_typed_file_loses_its_instructions_not_the_devices(
    harness: Harness,
) -> None:
    await harness.put(V2, instruction(**ACTIVE_NOW))
    assert harness.state("input_boolean.heater") == "off"
    assert harness.hass_storage[control_key(harness.entry.entry_id)]["data"]["control"]

    def _garbage(saved: dict[str, Any]) -> None:
        saved["data"] = ["not", "a", "dispatch", "file"]

    await _reload_with(harness, _garbage)
    # The instruction is gone: nothing keeps the devices off, they are put back.
    assert harness.state("input_boolean.heater") == "on"
    assert harness.state("input_boolean.pump") == "on"
    issue = _issue(harness)
    assert issue is not None
    assert issue.translation_key == "dispatch_file_lost"
    devices = issue.translation_placeholders["devices"]
    assert devices == "input_boolean.heater, input_boolean.pump"
    # New instructions are taken and saved as before.
    assert (await harness.put(V2, instruction(id="next"))).status == 200
    assert stored_ids(await harness.stored()) == ["next"]


@pytest.mark.allow_gridflex_errors("Saved dispatch state of .* was partly unreadable")
async def test_one_bad_record_costs_only_itself(harness: Harness) -> None:
    await harness.put(V2, instruction(id="good"))
    await harness.put(V2, instruction(id="broken", **ACTIVE_NOW))
    assert harness.state("input_boolean.heater") == "off"

    def _break_one(saved: dict[str, Any]) -> None:
        for item in saved["data"]["instructions"]:
            if item["id"] == "broken":
                item["start"] = 12345
        saved["data"]["control"] = "wrong type"  # the control file still knows

    await _reload_with(harness, _break_one)
    assert sorted(harness.runtime.lifecycle.records) == ["good"]
    assert harness.state("input_boolean.heater") == "on"
    issue = _issue(harness)
    assert issue is not None
    assert issue.translation_key == "dispatch_records_lost"
    assert issue.translation_placeholders["lost"] == "1"
    await harness.advance_to(dt.datetime(2026, 1, 15, 17, tzinfo=dt.UTC))
    assert harness.state("input_boolean.heater") == "off"  # "good" starts on time
