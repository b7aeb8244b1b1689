"""Internal faults (503), open-ended legacy instructions on the calendar."""

from __future__ import annotations

from typing import Any

from homeassistant.core import Event, HomeAssistant
import pytest

from .bodies import instruction
from .conftest import V1_START, V2, Harness


@pytest.mark.allow_gridflex_errors("^Dispatch request failed inside GridFlex")
async def test_internal_fault_answers_503_with_retry_after(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_timers(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("time tracking down")

    # Home Assistant's time tracking fails (not GridFlex's code): FPP is told to retry.
    monkeypatch.setattr(
        "custom_components.gridflex.dispatch.lifecycle.async_track_point_in_utc_time",
        broken_timers,
    )
    resp = await harness.put(V2, instruction())
    assert resp.status == 503
    assert resp.headers["Retry-After"] == "5"
    assert (await resp.json())["error"] == "temporarily_unavailable"


async def test_open_ended_legacy_instruction_on_the_calendar(harness: Harness) -> None:
    await harness.put(
        V1_START, {"meterable_unit_id": "MU-1001", "start": "2026-01-15T16:40:00Z"}
    )
    state = harness.hass.states.get("calendar.fpp_acme_flex_dispatches")
    assert state.state == "on"
    assert state.attributes["message"] == "Turn down — FPP"
    assert state.attributes["description"].startswith("Meterable Units: MU-1001\n")


async def test_switchgrid_account_has_no_dispatch(
    hass: HomeAssistant, switchgrid_entry: Any
) -> None:
    switchgrid_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(switchgrid_entry.entry_id)
    await hass.async_block_till_done()
    assert [e for e in hass.states.async_entity_ids() if "dispatch" in e] == []


async def test_mu_events_carry_unknown_fields(harness: Harness) -> None:
    captured: list[Event[dict[str, Any]]] = harness.events
    await harness.put(
        V2,
        instruction(
            dso_reference="R-1",
            meterable_units=[
                {"id": "MU-1001", "power_kw": 2},
                {"id": "MU-77", "power_kw": 1},
            ],
        ),
    )
    assert [e.data["meterable_unit_id"] for e in captured] == ["MU-1001"]
    assert captured[0].data["extra"] == {"dso_reference": "R-1"}
