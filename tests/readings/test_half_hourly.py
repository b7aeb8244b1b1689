"""Half-hourly energy readings from real sensors, across both UK DST changes."""

from __future__ import annotations

import asyncio
import datetime as dt

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.gridflex.const import CONF_ENERGY_SENSOR, CONF_GRANULARITY
from tests.readings.conftest import (
    ENERGY,
    T0,
    Advance,
    mu_subentry,
    set_energy,
    set_power,
    set_up_entry,
)
from tests.simulators.fpp import FppSimulator

pytestmark = pytest.mark.usefixtures("london")


def energy_sent(sim: FppSimulator) -> dict[str, float]:
    return {
        when.strftime("%m-%d %H:%M"): value
        for when, value in sim.energy.get("MU-1", {}).items()
    }


@pytest.mark.parametrize(
    "day",
    [dt.date(2026, 3, 29), dt.date(2026, 10, 25)],
    ids=["uk_spring_forward", "uk_fall_back"],
)
async def test_counter_half_hours_across_uk_dst_change(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
    day: dt.date,
) -> None:
    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    freezer.move_to(start)
    set_power(hass, "3000")
    set_energy(hass, "100.0")
    await set_up_entry(
        hass,
        fpp_sim,
        mu_subentry(**{CONF_ENERGY_SENSOR: ENERGY, CONF_GRANULARITY: "half_hourly"}),
    )
    # 0.5 kWh imported every 10 minutes, through the 01:00Z clock change.
    for step in range(1, 13):
        await advance(start + dt.timedelta(minutes=10 * step))
        set_energy(hass, f"{100 + 0.5 * step:.1f}")
    await advance(start + dt.timedelta(hours=2, minutes=1))
    stamp = f"{day:%m-%d}"
    assert energy_sent(fpp_sim) == {
        f"{stamp} 00:30": -1.5,
        f"{stamp} 01:00": -1.5,
        f"{stamp} 01:30": -1.5,
        f"{stamp} 02:00": -1.5,
    }
    assert fpp_sim.power == {}  # half-hourly MU: no minute readings
    stamps = [
        r["timestamp"]
        for req in fpp_sim.requests_to("/readings/energy", "PUT")
        for r in req.body["readings"]
    ]
    assert stamps == [
        f"{day:%Y-%m-%d}T00:30:00Z",
        f"{day:%Y-%m-%d}T01:00:00Z",
        f"{day:%Y-%m-%d}T01:30:00Z",
        f"{day:%Y-%m-%d}T02:00:00Z",
    ]


async def test_counter_energy_is_conserved_and_interpolated_when_possible(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
) -> None:
    start = T0
    freezer.move_to(start)
    set_power(hass, "0")
    set_energy(hass, "10000", unit="Wh")
    await set_up_entry(hass, fpp_sim, mu_subentry(**{CONF_ENERGY_SENSOR: ENERGY}))
    await advance(start + dt.timedelta(minutes=20))
    set_energy(hass, "11000", unit="Wh")
    # The first sample after 17:30 closes it: the 17:30 counter is interpolated.
    await advance(start + dt.timedelta(minutes=30, seconds=40))
    set_energy(hass, "12.05", unit="kWh")
    await advance(start + dt.timedelta(minutes=31))
    await advance(start + dt.timedelta(minutes=50))
    set_energy(hass, "400", unit="Wh")  # meter reset: 0.4 kWh counted from zero
    await advance(start + dt.timedelta(minutes=61))
    assert "01-15 18:00" not in energy_sent(fpp_sim)  # waits for a sample after 18:00
    await advance(start + dt.timedelta(minutes=65))
    set_energy(hass, "0.5", unit="kWh")
    await advance(start + dt.timedelta(minutes=66))
    sent = energy_sent(fpp_sim)
    # 1.0 kWh 17:00-17:20, then 1.05 kWh spread over 17:20-17:30:40 (600/640 before
    # 17:30), the reset's 0.4 kWh, then 0.1 kWh over 17:50-18:05 (10/15 before 18:00).
    assert sent == {"01-15 17:30": -1.984, "01-15 18:00": -0.532}
    # Minute power is sent too for a minute MU with an energy sensor.
    assert len(fpp_sim.power["MU-1"]) == 66


async def test_energy_from_power_when_no_counter(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
) -> None:
    start = T0
    freezer.move_to(start)
    set_power(hass, "3000")
    await set_up_entry(hass, fpp_sim, mu_subentry(**{CONF_GRANULARITY: "half_hourly"}))
    await advance(start + dt.timedelta(minutes=15))
    set_power(hass, "-1", unit="kW")
    await advance(start + dt.timedelta(minutes=31))
    assert energy_sent(fpp_sim) == {"01-15 17:30": pytest.approx(-0.5)}


async def test_restart_carries_the_counter_on_and_sends_nothing_twice(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
) -> None:
    start = T0
    freezer.move_to(start)
    set_power(hass, "0")
    set_energy(hass, "10.0")
    entry = await set_up_entry(
        hass, fpp_sim, mu_subentry(**{CONF_ENERGY_SENSOR: ENERGY})
    )
    await advance(start + dt.timedelta(minutes=20))
    set_energy(hass, "11.0")
    await advance(start + dt.timedelta(minutes=35))
    assert energy_sent(fpp_sim) == {}  # 17:30 waits for the counter's next sample
    assert await hass.config_entries.async_unload(entry.entry_id)
    await advance(start + dt.timedelta(minutes=40))
    set_energy(hass, "12.0")  # only the recorder sees this
    await advance(start + dt.timedelta(minutes=65))
    await async_wait_recording_done(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    # 10 -> 11 over 17:00-17:20, 11 -> 12 over 17:20-17:40; 18:00 waits.
    assert energy_sent(fpp_sim) == {"01-15 17:30": -1.5}
    await advance(start + dt.timedelta(minutes=70))
    set_energy(hass, "12.5")
    hass.states.async_remove(ENERGY)  # the sensor disappears: unknown, not zero
    await advance(start + dt.timedelta(minutes=80))
    await advance(start + dt.timedelta(minutes=121))
    assert energy_sent(fpp_sim) == {"01-15 17:30": -1.5, "01-15 18:00": -0.833}
    # Back an hour later: the rise since 18:10 is spread over the gap.
    await advance(start + dt.timedelta(minutes=130))
    set_energy(hass, "13.5")
    await advance(start + dt.timedelta(minutes=131))
    assert energy_sent(fpp_sim) == {
        "01-15 17:30": -1.5,
        "01-15 18:00": -0.833,
        "01-15 18:30": -0.5,
        "01-15 19:00": -0.5,
    }
    stamps = [
        r["timestamp"]
        for req in fpp_sim.requests_to("/readings/energy", "PUT")
        for r in req.body["readings"]
    ]
    assert len(stamps) == len(set(stamps)) == 4


async def test_restart_after_the_recorder_purge_window_starts_inside_it(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
) -> None:
    start = T0
    freezer.move_to(start)
    set_power(hass, "500")
    entry = await set_up_entry(
        hass, fpp_sim, mu_subentry(**{CONF_GRANULARITY: "half_hourly"})
    )
    assert await hass.config_entries.async_unload(entry.entry_id)
    later = start + dt.timedelta(days=12)
    await advance(later)
    await async_wait_recording_done(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    # The catch-up runs in the background and waits on the recorder's own executor: give
    # it real time (one full-suite run in seven had not uploaded yet), then judge exactly.
    for _ in range(100):
        await hass.async_block_till_done(wait_background_tasks=True)
        if len(fpp_sim.energy.get("MU-1", {})) >= 10 * 48:
            break
        await asyncio.sleep(0.05)
    sent = sorted(fpp_sim.energy["MU-1"])
    # The recorder keeps 10 days: GridFlex reaches back no further.
    assert sent[0] == later - dt.timedelta(days=10) + dt.timedelta(minutes=30)
    assert sent[-1] == later  # integrated power is known up to the boundary
    assert len(sent) == 10 * 48
