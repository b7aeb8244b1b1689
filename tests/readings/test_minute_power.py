"""Minute power readings from real sensor state changes, uploaded to the FPP simulator."""

from __future__ import annotations

import datetime as dt

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import history
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from sqlalchemy.exc import OperationalError

from custom_components.gridflex.const import CONF_IMPORT_POSITIVE
from custom_components.gridflex.readings import ReadingsRuntime
from tests.readings.conftest import (
    T0,
    Advance,
    accepted_timestamps,
    mu_subentry,
    power_sent,
    set_power,
    set_up_entry,
)
from tests.simulators.fpp import FppSimulator

pytestmark = pytest.mark.usefixtures("london")


def at(minute: int, second: int = 0) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minute, seconds=second)


async def test_time_weighted_average_sign_and_period_end(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
) -> None:
    freezer.move_to(at(0))
    set_power(hass, "2000")  # import-positive W: -2 kW export-positive
    entry = await set_up_entry(hass, fpp_sim)
    await hass.async_block_till_done()

    await advance(at(0, 30))
    set_power(hass, "4000")  # step change mid-minute
    await advance(at(1))
    assert power_sent(fpp_sim) == {"17:01": -3.0}
    body = fpp_sim.requests_to("/readings", "PUT")[0].body
    assert body == {
        "meterable_unit_id": "MU-1",
        "readings": [{"timestamp": "2026-01-15T17:01:00Z", "power_kw": -3.0}],
    }

    await advance(at(1, 15))
    set_power(hass, "-1.5", unit="kW")  # exporting, other unit
    await advance(at(1, 45))
    set_power(hass, "unavailable")
    await advance(at(2))
    await advance(at(3))  # a minute entirely unavailable: no reading, never a zero
    await advance(at(3, 20))
    set_power(hass, "1234.5678")
    await advance(at(4))
    # 17:02 = (15 s * -4 kW + 30 s * 1.5 kW) / 45 s known; 17:04 = -1.2345678 over 40 s.
    assert power_sent(fpp_sim) == {
        "17:01": -3.0,
        "17:02": pytest.approx(-0.333, abs=1e-9),
        "17:04": -1.235,
    }
    assert accepted_timestamps(fpp_sim, "/readings") == [
        "2026-01-15T17:01:00Z",
        "2026-01-15T17:02:00Z",
        "2026-01-15T17:04:00Z",
    ]
    partial = (
        entry.runtime_data.flow(ReadingsRuntime)
        .units[next(iter(entry.subentries))]
        .timeline.partial_minutes
    )
    assert [p["end"] for p in partial] == [
        "2026-01-15T17:02:00+00:00",
        "2026-01-15T17:04:00+00:00",
    ]


async def test_export_positive_sensor_keeps_its_sign(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
) -> None:
    freezer.move_to(at(0))
    set_power(hass, "0.75", unit="kW")
    await set_up_entry(hass, fpp_sim, mu_subentry(**{CONF_IMPORT_POSITIVE: False}))
    await advance(at(1))
    await advance(at(2))
    assert power_sent(fpp_sim) == {"17:01": 0.75, "17:02": 0.75}


async def test_recorder_failure_at_start_falls_back_to_live_states(
    hass: HomeAssistant,
    fpp_sim: FppSimulator,
    advance: Advance,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    # Every history query fails (power and counter are read through different ones).
    monkeypatch.setattr(history, "state_changes_during_period", broken)
    monkeypatch.setattr(history, "get_significant_states", broken)
    await advance(at(0))
    set_power(hass, "2000")
    await set_up_entry(hass, fpp_sim)
    assert "Recorder history unavailable for MU-1" in caplog.text
    await advance(at(1))
    assert power_sent(fpp_sim) == {"17:01": -2.0}


async def test_minute_by_minute_diagnostics_are_disabled_by_default(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, fpp_sim: FppSimulator
) -> None:
    freezer.move_to(at(0))
    entry = await set_up_entry(hass, fpp_sim)
    await hass.async_block_till_done()
    registry = er.async_get(hass)
    disabled = {
        e.unique_id.rsplit("_MU-1_", 1)[-1]
        for e in er.async_entries_for_config_entry(registry, entry.entry_id)
        if e.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    }
    assert disabled == {"readings_queued", "readings_last_sent"}
