"""Delivery guarantees of the readings queue, against the FPP simulator over real HTTP."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.gridflex.const import DOMAIN
from custom_components.gridflex.diagnostics import async_get_config_entry_diagnostics
from custom_components.gridflex.readings.queue import BACKOFF_MAX
from tests.readings.conftest import (
    T0,
    Advance,
    accepted_timestamps,
    power_sent,
    set_power,
    set_up_entry,
)
from tests.simulators.base import Received
from tests.simulators.fpp import FppSimulator

# The queue and last-sent sensors are disabled by default; these tests watch them.
pytestmark = pytest.mark.usefixtures("london", "entity_registry_enabled_by_default")


def readings_traffic(sim: FppSimulator) -> list[Received]:
    """What the simulator received, without settlement reads (they have their own schedule)."""
    return [
        r
        for r in sim.received
        if "meterable_unit_id" not in r.query and not r.path.endswith("/invoices")
    ]


def at(minute: int, second: int = 0) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minute, seconds=second)


def entity_state(hass: HomeAssistant, platform: str, key: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(
        platform, DOMAIN, f"fpp_acme-flex_MU-1_{key}"
    )
    assert entity_id
    state = hass.states.get(entity_id)
    assert state
    return state.state


async def start(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: FppSimulator
) -> MockConfigEntry:
    freezer.move_to(at(0))
    set_power(hass, "1000")
    entry = await set_up_entry(hass, sim)
    await hass.async_block_till_done()
    return entry


async def test_fpp_down_24_hours_then_back_loses_and_duplicates_nothing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, "custom_components.gridflex")
    await start(hass, freezer, fpp_sim)
    fpp_sim.fail_next(count=100_000, status=503, path_contains="/readings")
    for hour in range(1, 25):
        set_power(hass, str(100 * hour))
        await advance(at(60 * hour))
        if hour == 1:
            assert entity_state(hass, "binary_sensor", "readings_healthy") == "on"
            assert entity_state(hass, "sensor", "readings_last_upload") == (
                "temporary_error"
            )
    assert entity_state(hass, "sensor", "readings_queued") == "1440"
    failed = len(readings_traffic(fpp_sim))
    assert failed == 1 + 24  # the token check, then one try per hour step: no hammering
    assert len(fpp_sim.fired) == 24  # each try met an injected 503
    fpp_sim.faults.clear()
    await advance(at(60 * 24, int(BACKOFF_MAX) + 1))
    stamps = accepted_timestamps(fpp_sim, "/readings")
    assert len(stamps) == len(set(stamps)) == 60 * 24 + 15
    assert fpp_sim.power["MU-1"][at(1)] == -0.1
    assert fpp_sim.power["MU-1"][at(60 * 24)] == -2.4
    assert entity_state(hass, "sensor", "readings_queued") == "0"
    assert entity_state(hass, "binary_sensor", "readings_healthy") == "off"
    assert entity_state(hass, "sensor", "readings_last_upload") == "ok"
    assert entity_state(hass, "sensor", "readings_last_sent") == (
        "2026-01-16T17:15:00+00:00"
    )
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert sum("not delivered" in m for m in said) == 1  # once, not per retry
    assert sum("FPP takes readings of MU-1 again" in m for m in said) == 1


async def test_restart_in_the_middle_keeps_the_queue_and_fills_the_gap(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
    hass_storage: dict[str, Any],
) -> None:
    entry = await start(hass, freezer, fpp_sim)
    fpp_sim.fail_next(count=100, status=503)
    await advance(at(10))
    assert await hass.config_entries.async_unload(entry.entry_id)
    (key,) = [k for k in hass_storage if k.startswith("gridflex.readings.")]
    assert len(hass_storage[key]["data"]["power"]) == 10
    # GridFlex is not running: the recorder still sees the sensor.
    await advance(at(12))
    set_power(hass, "2000")
    await advance(at(14, 30))
    set_power(hass, "3000")
    await advance(at(20))
    await async_wait_recording_done(hass)
    fpp_sim.faults.clear()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await advance(at(21))
    stamps = accepted_timestamps(fpp_sim, "/readings")
    assert len(stamps) == len(set(stamps)) == 21
    sent = power_sent(fpp_sim)
    assert sent["17:10"] == -1.0
    assert sent["17:13"] == -2.0
    assert sent["17:15"] == -2.5
    assert sent["17:21"] == -3.0


async def test_429_retry_after_is_honoured(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
) -> None:
    await start(hass, freezer, fpp_sim)
    fpp_sim.fail_next(status=429, retry_after="150", path_contains="/readings")
    await advance(at(1))
    assert [r.status for r in readings_traffic(fpp_sim)] == [
        200,
        429,
    ]  # token check, then 429
    assert entity_state(hass, "sensor", "readings_last_upload") == "rate_limited"
    await advance(at(2))
    await advance(at(3, 29))
    assert len(readings_traffic(fpp_sim)) == 2  # waits the full Retry-After
    await advance(at(3, 31))
    assert [r.status for r in readings_traffic(fpp_sim)] == [200, 429, 200]
    assert list(power_sent(fpp_sim)) == ["17:01", "17:02", "17:03"]


@pytest.mark.allow_gridflex_errors("^FPP rejected 1 readings of MU-1")
async def test_rejected_batch_is_parked_with_a_repair_issue(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
) -> None:
    entry = await start(hass, freezer, fpp_sim)
    fpp_sim.fail_next(
        status=400,
        body={"error": "invalid_reading", "detail": "readings[0].power_kw: too big"},
        path_contains="/readings",
    )
    await advance(at(1))
    await advance(at(2))
    assert list(power_sent(fpp_sim)) == ["17:02"]  # later readings still flow
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"readings_rejected_{entry.entry_id}_{next(iter(entry.subentries))}"
    )
    assert issue is not None
    assert issue.translation_placeholders == {
        "mu_id": "MU-1",
        "count": "1",
        "detail": r"readings\[0\].power\_kw: too big",  # as markdown words
    }
    assert entity_state(hass, "binary_sensor", "readings_healthy") == "on"
    assert entity_state(hass, "sensor", "readings_last_upload") == "ok"
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    unit = diagnostics["readings"]["meterable_units"]["MU-1"]
    assert unit["parked"][0]["detail"] == "readings[0].power_kw: too big"
    assert unit["parked"][0]["first"] == "2026-01-15T17:01:00+00:00"
    assert fpp_sim.token not in str(diagnostics)

    # Resubmitting the window replaces the parked batch and clears the problem.
    await async_wait_recording_done(hass)
    response = await hass.services.async_call(
        DOMAIN,
        "resubmit_readings",
        {"mu_id": "MU-1", "start": at(0), "end": at(2)},
        blocking=True,
        return_response=True,
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert response == {"mu_id": "MU-1", "queued": 2}
    assert list(power_sent(fpp_sim)) == ["17:02", "17:01"]
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue.issue_id) is None
    await advance(at(3))
    assert entity_state(hass, "binary_sensor", "readings_healthy") == "off"


async def test_401_starts_reauth_and_keeps_everything(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
) -> None:
    await start(hass, freezer, fpp_sim)
    fpp_sim.token = "rotated-in-the-portal"
    await advance(at(1))
    await advance(at(2))
    flows = hass.config_entries.flow.async_progress()
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]
    assert entity_state(hass, "sensor", "readings_queued") == "2"
    assert entity_state(hass, "sensor", "readings_last_upload") == "auth_failed"
    assert fpp_sim.power == {}
