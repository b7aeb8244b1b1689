"""Half-hourly energy from real energy counters: slow, flat, glitchy, back from unavailable, resubmitted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.gridflex.const import (
    CONF_ENERGY_SENSOR,
    CONF_GRANULARITY,
    DOMAIN,
)
from tests.readings.conftest import (
    ENERGY,
    Advance,
    mu_subentry,
    set_energy,
    set_power,
    set_up_entry,
)
from tests.simulators.fpp import FppSimulator

pytestmark = pytest.mark.usefixtures("london")

DAY = dt.date(2026, 1, 15)


def at(hour: int, minute: int = 0, day: int = 0) -> dt.datetime:
    return dt.datetime(
        DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=dt.UTC
    ) + dt.timedelta(days=day)


def energy_sent(sim: FppSimulator) -> dict[str, float]:
    """What FPP holds for MU-1, by the period's end (UTC, day-hour:minute)."""
    return {
        when.strftime("%d %H:%M"): value
        for when, value in sorted(sim.energy.get("MU-1", {}).items())
    }


def healthy_problem(hass: HomeAssistant) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(
        "binary_sensor", DOMAIN, "fpp_acme-flex_MU-1_readings_healthy"
    )
    assert entity_id
    state = hass.states.get(entity_id)
    assert state
    return state.state


async def start_counter_mu(
    hass: HomeAssistant, sim: FppSimulator, *, half_hourly: bool = True
) -> MockConfigEntry:
    data: dict[str, Any] = {CONF_ENERGY_SENSOR: ENERGY}
    if half_hourly:
        data[CONF_GRANULARITY] = "half_hourly"
    entry = await set_up_entry(hass, sim, mu_subentry(**data))
    await hass.async_block_till_done()
    return entry


@pytest.mark.parametrize("every", [7, 20])
async def test_slow_counter_delays_half_hours_and_never_distorts_them(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
    every: int,
) -> None:
    # Constant 3 kW import; the counter (kWh) reports every 7 or 20 minutes.
    freezer.move_to(at(10, 30))
    set_power(hass, "3000")
    set_energy(hass, "100.00")
    await start_counter_mu(hass, fpp_sim)
    moment, reading = at(10, 30), 0
    while moment < at(12, 10):
        moment += dt.timedelta(minutes=every)
        reading += 1
        # Minute by minute up to the next report: the ticks must hold nothing flat.
        for minute in range(1, every + 1):
            await advance(moment - dt.timedelta(minutes=every - minute))
            assert healthy_problem(hass) == "off"
        set_energy(hass, f"{100 + 0.05 * every * reading:.2f}")
    await advance(moment + dt.timedelta(minutes=1))
    sent = energy_sent(fpp_sim)
    assert {k: sent[k] for k in ("15 11:00", "15 11:30", "15 12:00")} == {
        "15 11:00": -1.5,
        "15 11:30": -1.5,
        "15 12:00": -1.5,
    }
    assert set(sent.values()) == {-1.5}
    assert healthy_problem(hass) == "off"


async def test_a_late_half_hour_counts_as_waiting_for_fpp_from_when_it_was_queued(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
) -> None:
    freezer.move_to(at(10, 30))
    set_power(hass, "3000")
    set_energy(hass, "100.0")
    await start_counter_mu(hass, fpp_sim)
    fpp_sim.fail_next(count=1000, status=503)
    await advance(at(10, 50))
    set_energy(hass, "101.0")
    await advance(at(11, 10))
    set_energy(hass, "102.0")  # closes 11:00, ten minutes after it ended
    for minute in range(11, 26):
        await advance(at(11, minute))
        assert healthy_problem(hass) == "off"  # queued at 11:11: not 15 minutes yet
    await advance(at(11, 27))
    assert healthy_problem(hass) == "on"
    fpp_sim.faults.clear()
    await advance(at(11, 45))
    assert energy_sent(fpp_sim) == {"15 11:00": -1.5}
    assert healthy_problem(hass) == "off"


async def test_counter_reporting_an_unchanged_value_closes_the_half_hour(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
) -> None:
    freezer.move_to(at(17))
    set_power(hass, "0")
    set_energy(hass, "5.0")
    entry = await start_counter_mu(hass, fpp_sim)
    await advance(at(17, 31))
    assert energy_sent(fpp_sim) == {}  # no sample at or after 17:30 yet
    set_energy(hass, "5.0")  # reported again, unchanged: known at 17:31
    await advance(at(17, 32))
    assert energy_sent(fpp_sim) == {"15 17:30": 0.0}
    # After a restart the recorder's report time counts the same way.
    assert await hass.config_entries.async_unload(entry.entry_id)
    await advance(at(18, 5))
    set_energy(hass, "5.0")
    await advance(at(18, 10))
    await async_wait_recording_done(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert energy_sent(fpp_sim) == {"15 17:30": 0.0, "15 18:00": 0.0}


@pytest.mark.parametrize("back_at", ["124.5", "24.0"], ids=["rise", "reset_in_gap"])
async def test_counter_back_from_unavailable_spreads_the_rise_over_the_gap(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
    back_at: str,
) -> None:
    freezer.move_to(at(11))
    set_power(hass, "1000")
    await start_counter_mu(hass, fpp_sim)
    await advance(at(11, 10))
    set_energy(hass, "100.0")  # the counter first appears inside 11:00-11:30
    await advance(at(11, 30))
    set_energy(hass, "100.5")
    await advance(at(11, 40))
    set_energy(hass, "unavailable")
    for hour in range(1, 24):
        await advance(at(11, 40) + dt.timedelta(hours=hour))
        assert healthy_problem(hass) == "off"
    await advance(at(11, 30, day=1))
    # 24 kWh in 24 hours (from zero after a reset), whichever way it comes back.
    set_energy(hass, back_at)
    await advance(at(12, day=1))
    set_energy(hass, f"{float(back_at) + 0.5}")
    await advance(at(12, 1, day=1))
    # Nothing for 11:30 on the first day: no sample before the counter's first half-hour.
    expected = {
        (at(12) + dt.timedelta(minutes=30 * i)).strftime("%d %H:%M"): -0.5
        for i in range(49)
    }
    assert energy_sent(fpp_sim) == expected


@pytest.mark.parametrize(
    ("readings", "expected"),
    [
        (("kWh", "1.39", "1.251", "1.6"), -0.21),  # exactly 10 %: a glitch
        (("Wh", "1390", "1251", "1600"), -0.21),
        (("kWh", "1.39", "1.2509", "1.6"), -1.6),  # just over: a reset
    ],
)
async def test_a_drop_of_exactly_10_percent_is_a_glitch_not_a_reset(
    hass: HomeAssistant,
    fpp_sim: FppSimulator,
    advance: Advance,
    readings: tuple[str, str, str, str],
    expected: float,
) -> None:
    unit, before, glitch, after = readings
    await advance(at(17))
    set_power(hass, "0")
    set_energy(hass, before, unit)
    await start_counter_mu(hass, fpp_sim)
    await advance(at(17, 10))
    set_energy(hass, glitch, unit)
    await advance(at(17, 20))
    set_energy(hass, after, unit)
    await advance(at(17, 30))
    set_energy(hass, after, unit)
    await advance(at(17, 31))
    assert energy_sent(fpp_sim) == {"15 17:30": expected}


async def test_resubmission_uses_the_samples_true_times(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
) -> None:
    freezer.move_to(at(11, 20))
    set_power(hass, "0")
    set_energy(hass, "98.5")
    await start_counter_mu(hass, fpp_sim)
    for moment, value in ((at(11, 55), "99"), (at(12, 5), "100"), (at(12, 35), "101")):
        await advance(moment)
        set_energy(hass, value)
    await advance(at(13))
    await async_wait_recording_done(hass)

    async def resubmit(start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
        await hass.services.async_call(
            DOMAIN,
            "resubmit_readings",
            {"mu_id": "MU-1", "start": start, "end": end},
            blocking=True,
        )
        await hass.async_block_till_done(wait_background_tasks=True)
        body: list[dict[str, Any]] = fpp_sim.requests_to("/readings/energy")[-1].body[
            "readings"
        ]
        return body

    # 99 @11:55, 100 @12:05, 101 @12:35: 0.5 + 25/30 kWh fall in 12:00-12:30.
    assert await resubmit(at(12), at(12, 30)) == [
        {"timestamp": "2026-01-15T12:30:00Z", "energy_kwh": -1.333}
    ]
    first = await resubmit(at(11, 30), at(12))
    second = await resubmit(at(12), at(12, 30))
    assert [r["timestamp"] for r in first + second] == [
        "2026-01-15T12:00:00Z",
        "2026-01-15T12:30:00Z",
    ]
    # The counter at 11:30 and at 12:30, interpolated between its true samples.
    rise = (100 + 25 / 30) - (98.5 + 0.5 * 10 / 35)
    total = sum(r["energy_kwh"] for r in first + second)
    assert total == pytest.approx(-rise, abs=0.001)
    # Live, the same half-hours were sent with the same values.
    assert energy_sent(fpp_sim) == {"15 12:00": -0.857, "15 12:30": -1.333}
    # 13:00 has no sample after it yet: a resubmission cannot send it either.
    response = await hass.services.async_call(
        DOMAIN,
        "resubmit_readings",
        {"mu_id": "MU-1", "start": at(12, 30), "end": at(13)},
        blocking=True,
        return_response=True,
    )
    assert response == {"mu_id": "MU-1", "queued": 0}


async def test_resubmitting_the_half_hour_a_counter_first_appears_in_sends_nothing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
) -> None:
    freezer.move_to(at(10))
    set_power(hass, "0")
    set_energy(hass, "unavailable")
    await start_counter_mu(hass, fpp_sim)
    for moment, value in (
        (at(12, 10), "100"),
        (at(12, 40), "101"),
        (at(13, 10), "102"),
    ):
        await advance(moment)
        set_energy(hass, value)
    await advance(at(13, 20))
    await async_wait_recording_done(hass)
    response = await hass.services.async_call(
        DOMAIN,
        "resubmit_readings",
        {"mu_id": "MU-1", "start": at(12), "end": at(13)},
        blocking=True,
        return_response=True,
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    # Unknown before 12:10: 12:00-12:30 is not sent; 12:30-13:00 is 1/3 + 2/3.
    assert response == {"mu_id": "MU-1", "queued": 1}
    assert fpp_sim.requests_to("/readings/energy")[-1].body["readings"] == [
        {"timestamp": "2026-01-15T13:00:00Z", "energy_kwh": -1.0}
    ]
