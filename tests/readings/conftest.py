"""Fixtures of the readings tests: an FPP account with Meterable Units bound to sensors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import datetime as dt
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.gridflex.const import (
    CONF_GRANULARITY,
    CONF_IMPORT_POSITIVE,
    CONF_MU_ID,
    CONF_POWER_SENSOR,
    CONF_PRODUCTS,
    SUBENTRY_METERABLE_UNIT,
)
from tests.conftest import fpp_account_entry
from tests.simulators.fpp import FppSimulator

POWER = "sensor.mu_power"
ENERGY = "sensor.mu_energy"
T0 = dt.datetime(2026, 1, 15, 17, 0, tzinfo=dt.UTC)

type Advance = Callable[[dt.datetime], Awaitable[None]]


def mu_subentry(mu_id: str = "MU-1", **data: Any) -> ConfigSubentryData:
    return ConfigSubentryData(
        data={
            CONF_MU_ID: mu_id,
            CONF_PRODUCTS: ["ou_15"],
            CONF_POWER_SENSOR: POWER,
            CONF_GRANULARITY: "minute",
            CONF_IMPORT_POSITIVE: True,
            **data,
        },
        subentry_type=SUBENTRY_METERABLE_UNIT,
        title=mu_id,
        unique_id=mu_id,
    )


def make_entry(sim: FppSimulator, *subentries: ConfigSubentryData) -> MockConfigEntry:
    return fpp_account_entry(sim, *(subentries or [mu_subentry()]))


async def set_up_entry(
    hass: HomeAssistant, sim: FppSimulator, *subentries: ConfigSubentryData
) -> MockConfigEntry:
    """Add the account with these MUs (one default MU when none) and set it up."""
    entry = make_entry(sim, *subentries)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    return entry


def set_power(hass: HomeAssistant, value: str, unit: str = "W") -> None:
    hass.states.async_set(
        POWER, value, {"unit_of_measurement": unit, "device_class": "power"}
    )


def set_energy(hass: HomeAssistant, value: str, unit: str = "kWh") -> None:
    hass.states.async_set(
        ENERGY,
        value,
        {
            "unit_of_measurement": unit,
            "device_class": "energy",
            "state_class": "total_increasing",
        },
    )


@pytest.fixture
async def london(hass: HomeAssistant) -> None:
    await hass.config.async_set_time_zone("Europe/London")


@pytest.fixture
def advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> Advance:
    """Move the frozen clock to a moment and let every timer due by then fire."""

    async def _advance(moment: dt.datetime) -> None:
        await (
            hass.async_block_till_done()
        )  # state changes are seen before time moves on
        freezer.move_to(moment)
        async_fire_time_changed(hass, moment)
        await hass.async_block_till_done(wait_background_tasks=True)

    return _advance


def power_sent(sim: FppSimulator, mu_id: str = "MU-1") -> dict[str, float]:
    return {
        when.strftime("%H:%M"): value
        for when, value in sim.power.get(mu_id, {}).items()
    }


def accepted_timestamps(sim: FppSimulator, path: str) -> list[str]:
    """Every timestamp FPP received in the requests it answered 200."""
    return [
        r["timestamp"]
        for request in sim.requests_to(path, "PUT")
        if request.status == 200
        for r in request.body["readings"]
    ]
