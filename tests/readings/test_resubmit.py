"""The gridflex.resubmit_readings action."""

from __future__ import annotations

import datetime as dt
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError, Unauthorized
import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.gridflex.const import (
    CONF_ENERGY_SENSOR,
    CONF_GRANULARITY,
    DOMAIN,
)
from tests.helpers import gridflex_device
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


def at(minute: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minute)


async def resubmit(hass: HomeAssistant, **data: Any) -> Any:
    return await hass.services.async_call(
        DOMAIN, "resubmit_readings", data, blocking=True, return_response=True
    )


@pytest.fixture
async def running(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
) -> None:
    freezer.move_to(at(0))
    set_power(hass, "1000")
    set_energy(hass, "5.0")
    await set_up_entry(
        hass,
        fpp_sim,
        mu_subentry(),
        mu_subentry(
            "MU-2",
            **{CONF_ENERGY_SENSOR: ENERGY, CONF_GRANULARITY: "half_hourly"},
        ),
    )
    for minute in range(10, 70, 10):
        await advance(at(minute))
        set_energy(hass, f"{5 + minute / 60:.3f}")
        set_power(hass, str(1000 + minute))
    await advance(at(70))
    await async_wait_recording_done(hass)


@pytest.mark.usefixtures("running")
async def test_resubmit_by_device_recomputes_from_the_recorder(
    hass: HomeAssistant, fpp_sim: FppSimulator
) -> None:
    device = gridflex_device(hass, "fpp_acme-flex_MU-2")
    assert device
    before = len(fpp_sim.requests_to("/readings/energy"))
    # Naive times are local (London: UTC in January).
    response = await resubmit(
        hass, device_id=device.id, start="2026-01-15 17:00:00", end="2026-01-15 18:05"
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert response == {"mu_id": "MU-2", "queued": 2}
    requests = fpp_sim.requests_to("/readings/energy")
    assert len(requests) == before + 1
    assert requests[-1].body["readings"] == [
        {"timestamp": "2026-01-15T17:30:00Z", "energy_kwh": -0.5},
        {"timestamp": "2026-01-15T18:00:00Z", "energy_kwh": -0.5},
    ]

    response = await resubmit(hass, mu_id="MU-1", start=at(5), end=at(7))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert response == {"mu_id": "MU-1", "queued": 2}
    assert fpp_sim.requests_to("/readings")[-1].body["readings"] == [
        {"timestamp": "2026-01-15T17:06:00Z", "power_kw": -1.0},
        {"timestamp": "2026-01-15T17:07:00Z", "power_kw": -1.0},
    ]


@pytest.mark.usefixtures("running")
@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({}, "resubmit_target_required"),
        ({"mu_id": "MU-404"}, "resubmit_unknown_mu"),
        ({"device_id": "not-a-device"}, "resubmit_unknown_device"),
        ({"mu_id": "MU-1", "end": at(0)}, "resubmit_end_before_start"),
        ({"mu_id": "MU-1", "end": at(90)}, "resubmit_end_in_future"),
        ({"mu_id": "MU-1", "start": at(-60)}, "resubmit_not_recorded"),
        (
            {"mu_id": "MU-1", "start": at(-60 * 24 * 11), "end": at(-60 * 24 * 10)},
            "resubmit_not_recorded",
        ),
    ],
)
async def test_bad_requests_are_refused_with_translated_errors(
    hass: HomeAssistant, fpp_sim: FppSimulator, data: dict[str, Any], key: str
) -> None:
    before = len(fpp_sim.received)
    with pytest.raises(ServiceValidationError) as err:
        await resubmit(hass, **{"start": at(0), "end": at(10), **data})
    assert err.value.translation_key == key
    assert err.value.translation_domain == DOMAIN
    assert len(fpp_sim.received) == before


@pytest.mark.usefixtures("running")
async def test_only_an_administrator_may_resubmit(
    hass: HomeAssistant, hass_read_only_user: Any
) -> None:
    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            DOMAIN,
            "resubmit_readings",
            {"mu_id": "MU-1", "start": at(5), "end": at(7)},
            blocking=True,
            return_response=True,
            context=Context(user_id=hass_read_only_user.id),
        )
