"""Catching up after a stop: the recorder's history chunk by chunk, in the background."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from homeassistant.components.recorder import history
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from sqlalchemy.exc import OperationalError

from custom_components.gridflex.const import CONF_ENERGY_SENSOR, DOMAIN
from custom_components.gridflex.readings import catch_up
from custom_components.gridflex.readings.compute import (
    HALF_HOUR,
    MINUTE,
    Sample,
    floor_to,
    half_hour_energy_from_counter,
    minute_power,
)
from tests.readings.conftest import (
    ENERGY,
    Advance,
    mu_subentry,
    power_sent,
    set_energy,
    set_power,
    set_up_entry,
)
from tests.simulators.fpp import FppSimulator

pytestmark = pytest.mark.usefixtures("london")

T0 = dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def problem(hass: HomeAssistant) -> tuple[str, dict[str, Any]]:
    entity_id = er.async_get(hass).async_get_entity_id(
        "binary_sensor", DOMAIN, "fpp_acme-flex_MU-1_readings_healthy"
    )
    assert entity_id
    state = hass.states.get(entity_id)
    assert state
    return state.state, dict(state.attributes)


async def start_then_stop(
    hass: HomeAssistant, sim: FppSimulator, advance: Advance
) -> MockConfigEntry:
    """Run GridFlex from T0 to its first minute, then stop it (the recorder goes on)."""
    await advance(T0)
    set_power(hass, "1000")
    set_energy(hass, "100.000")
    entry = await set_up_entry(hass, sim, mu_subentry(**{CONF_ENERGY_SENSOR: ENERGY}))
    await advance(at(1))
    assert await hass.config_entries.async_unload(entry.entry_id)
    return entry


async def set_up_behind_another_catch_up(
    hass: HomeAssistant, entry: MockConfigEntry
) -> asyncio.Lock:
    """Set the entry up while another unit's catch-up holds the recorder; release to go on."""
    busy = hass.data.setdefault(catch_up._ONE_AT_A_TIME, asyncio.Lock())
    await busy.acquire()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return busy


async def test_a_gap_of_days_caught_up_chunk_by_chunk_gives_the_one_pass_numbers(
    hass: HomeAssistant, fpp_sim: FppSimulator, advance: Advance
) -> None:
    entry = await start_then_stop(hass, fpp_sim, advance)
    power: list[Sample] = [(T0.timestamp(), -1.0)]
    energy: list[Sample] = [(T0.timestamp(), 100.0)]
    # 40 hours stopped (several chunks): irregular power, a counter rising unevenly,
    # reporting across chunk ends, once unavailable for an hour.
    moment, counter, step = at(1), 100.0, 0
    while moment < at(40 * 60):
        step += 1
        moment += dt.timedelta(minutes=13, seconds=7 * (step % 9))
        await advance(moment)
        watts = 500 + 137 * (step % 11)
        set_power(hass, str(watts))
        power.append((moment.timestamp(), -watts / 1000))
        if step % 40 == 20:
            set_energy(hass, "unavailable")
            energy.append((moment.timestamp(), None))
            continue
        counter = round(counter + 0.013 * (step % 7), 3)
        set_energy(hass, f"{counter:.3f}")
        energy.append((moment.timestamp(), counter))
    await async_wait_recording_done(hass)
    restart = floor_to(moment.timestamp(), MINUTE) + 3 * MINUTE
    await advance(dt.datetime.fromtimestamp(restart, dt.UTC))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    first = int(at(1).timestamp())
    expected_power = {
        dt.datetime.fromtimestamp(p.end, dt.UTC): round(p.value, 3)
        for p in minute_power(power, first, restart)
    }
    assert len(expected_power) > 2000
    assert fpp_sim.power["MU-1"] == {at(1): -1.0, **expected_power}
    halves, _ = half_hour_energy_from_counter(
        energy, int(T0.timestamp()), floor_to(restart, HALF_HOUR)
    )
    expected_energy = {
        dt.datetime.fromtimestamp(p.end, dt.UTC): round(-p.value, 3) for p in halves
    }
    assert len(expected_energy) > 75
    assert fpp_sim.energy["MU-1"] == expected_energy


async def test_setup_does_not_wait_for_the_catch_up_and_says_readings_are_late(
    hass: HomeAssistant, fpp_sim: FppSimulator, advance: Advance
) -> None:
    entry = await start_then_stop(hass, fpp_sim, advance)
    set_power(hass, "2000")
    await advance(at(120))
    await async_wait_recording_done(hass)
    # Another unit's catch-up holds the recorder: this one waits its turn.
    busy = await set_up_behind_another_catch_up(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    state, attributes = problem(hass)
    assert (state, attributes["catching_up"]) == ("on", True)  # 2 hours not computed
    assert "02:00" not in power_sent(fpp_sim)
    # A change while catching up is kept for when the recorded samples are done.
    await hass.async_block_till_done()
    set_power(hass, "4000")
    busy.release()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert problem(hass)[1]["catching_up"] is False
    await advance(at(121))
    sent = power_sent(fpp_sim)
    assert sent["10:01"] == -1.0
    assert sent["10:02"] == -2.0
    assert sent["12:00"] == -2.0
    assert sent["12:01"] == -4.0
    assert problem(hass)[0] == "off"


async def test_a_short_gap_is_not_a_delay_while_catching_up(
    hass: HomeAssistant, fpp_sim: FppSimulator, advance: Advance
) -> None:
    entry = await start_then_stop(hass, fpp_sim, advance)
    await advance(at(10))
    busy = await set_up_behind_another_catch_up(hass, entry)
    state, attributes = problem(hass)
    assert (state, attributes["catching_up"]) == ("off", True)
    busy.release()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert power_sent(fpp_sim)["10:10"] == -1.0


async def test_unload_while_catching_up_stops_it_and_keeps_the_boundaries(
    hass: HomeAssistant,
    fpp_sim: FppSimulator,
    advance: Advance,
    hass_storage: dict[str, Any],
) -> None:
    entry = await start_then_stop(hass, fpp_sim, advance)
    await advance(at(60))
    busy = await set_up_behind_another_catch_up(hass, entry)
    assert await hass.config_entries.async_unload(entry.entry_id)
    busy.release()
    await hass.async_block_till_done(wait_background_tasks=True)
    (key,) = [k for k in hass_storage if k.startswith("gridflex.readings.")]
    assert hass_storage[key]["data"]["state"]["next_minute"] == at(1).timestamp()
    # Started again, the gap is still computed from the recorder.
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert power_sent(fpp_sim)["11:00"] == -1.0


async def test_recorder_failing_in_the_middle_carries_on_from_the_live_state(
    hass: HomeAssistant,
    fpp_sim: FppSimulator,
    advance: Advance,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = await start_then_stop(hass, fpp_sim, advance)
    set_power(hass, "3000")
    await advance(at(20 * 60))
    await async_wait_recording_done(hass)
    calls = 0
    original = history.get_significant_states

    def fails_after_the_first(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls > 1:
            raise OperationalError("SELECT", {}, Exception("database is locked"))
        return original(*args, **kwargs)

    monkeypatch.setattr(history, "get_significant_states", fails_after_the_first)
    caplog.set_level(logging.WARNING, "custom_components.gridflex")
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert "Recorder history unavailable for MU-1" in caplog.text
    await advance(at(20 * 60 + 1))
    sent = power_sent(fpp_sim)
    assert sent["10:01"] == -1.0
    assert sent["11:00"] == -3.0  # the first chunk was read
    assert sent["06:01"] == -3.0  # the next day: from the live state
    assert problem(hass)[0] == "off"
