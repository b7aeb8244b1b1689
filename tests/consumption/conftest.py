"""Fixtures of the consumption tests: a Switchgrid account with delivery points, a frozen clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.statistics import (
    get_metadata,
    statistics_during_period,
)
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from tests.conftest import switchgrid_account_entry
from tests.simulators.switchgrid import SwitchgridSimulator
from tests.simulators.switchgrid_data import PARIS

PCE = "01427641080000"  # leading zero on purpose
PRM = "00046372994792"
NOW = dt.datetime(2026, 4, 5, 10, 0, tzinfo=PARIS)


def gas_point(pce: str = PCE, **extra: Any) -> ConfigSubentryData:
    return ConfigSubentryData(
        data={
            "energy_type": "gas",
            "pce": pce,
            "holder_name": "Jean Dupont",
            "street": "17 avenue Charles de Gaulle",
            "postcode": "75007",
            "city": "Paris",
            **extra,
        },
        subentry_type="delivery_point",
        title=f"GRDF PCE {pce}",
        unique_id=pce,
    )


def electricity_point(prm: str = PRM, **extra: Any) -> ConfigSubentryData:
    return ConfigSubentryData(
        data={
            "energy_type": "electricity",
            "prm": prm,
            "holder_name": "Jean Dupont",
            "street": "17 avenue Charles de Gaulle",
            "postcode": "75007",
            "city": "Paris",
            **extra,
        },
        subentry_type="delivery_point",
        title=f"Enedis PRM {prm}",
        unique_id=prm,
    )


@pytest.fixture
def frozen(freezer: FrozenDateTimeFactory) -> FrozenDateTimeFactory:
    freezer.move_to(NOW)
    return freezer


@pytest.fixture
def sim(
    switchgrid_sim: SwitchgridSimulator, frozen: FrozenDateTimeFactory
) -> SwitchgridSimulator:
    switchgrid_sim.today = lambda: dt.datetime.now(PARIS).date()
    return switchgrid_sim


def make_entry(
    sim: SwitchgridSimulator, *points: ConfigSubentryData
) -> MockConfigEntry:
    return switchgrid_account_entry(sim, *points)


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass)


async def settle(hass: HomeAssistant) -> None:
    await hass.async_block_till_done(wait_background_tasks=True)
    await async_wait_recording_done(hass)


async def rows(
    hass: HomeAssistant, statistic_id: str
) -> list[tuple[dt.datetime, float, float]]:
    """(start in Paris time, state, sum) of every hourly row of a statistic."""
    result = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        None,
        {statistic_id},
        "hour",
        None,
        {"state", "sum"},
    )
    return [
        (
            dt.datetime.fromtimestamp(r["start"], PARIS),
            r["state"],
            r["sum"],
        )
        for r in result.get(statistic_id, [])
    ]


async def metadata(hass: HomeAssistant, statistic_id: str) -> dict[str, Any]:
    result = await get_instance(hass).async_add_executor_job(
        lambda: get_metadata(hass, statistic_ids={statistic_id})
    )
    return dict(result[statistic_id][1])
