"""One MU's damaged readings file costs only that MU: the account loads, the rest is kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.gridflex.const import (
    CONF_DISPATCH_SECRET,
    CONF_ENDPOINT_ID,
    DOMAIN,
)
from tests.dispatch.bodies import instruction
from tests.readings.conftest import (
    T0,
    Advance,
    mu_subentry,
    power_sent,
    set_power,
    set_up_entry,
)
from tests.simulators.fpp import FppSimulator

pytestmark = pytest.mark.usefixtures("london")


def at(minute: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minute)


async def test_a_wrong_value_in_one_queue_costs_only_that_mu(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
    hass_storage: dict[str, Any],
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    freezer.move_to(at(0))
    set_power(hass, "1000")
    entry = await set_up_entry(hass, fpp_sim, mu_subentry("MU-1"), mu_subentry("MU-2"))
    await hass.async_block_till_done()
    fpp_sim.fail_next(count=100, status=503)
    await advance(at(10))
    assert await hass.config_entries.async_unload(entry.entry_id)
    subentry_of = {sub.title: sub.subentry_id for sub in entry.subentries.values()}
    key = f"gridflex.readings.{entry.entry_id}.{subentry_of['MU-1']}"
    # One wrong value in MU-1's readings and its saved boundaries: MU-2 is untouched.
    hass_storage[key]["data"]["power"][0][1] = "not a number"
    hass_storage[key]["data"]["state"] = {"next_minute": "soon"}
    set_power(hass, "2000")
    await advance(at(12))
    await async_wait_recording_done(hass)
    fpp_sim.faults.clear()

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    await advance(at(13))
    # MU-2 sends what it had queued; MU-1's lost readings come back from the recorder.
    assert power_sent(fpp_sim, "MU-2")["17:01"] == -1.0
    mu1 = power_sent(fpp_sim, "MU-1")
    assert mu1["17:01"] == -1.0
    assert mu1["17:05"] == -1.0
    assert mu1["17:12"] == -2.0
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"readings_state_lost_{entry.entry_id}_{subentry_of['MU-1']}"
    )
    assert issue is not None
    assert issue.translation_placeholders["mu_id"] == "MU-1"
    assert (
        ir.async_get(hass).async_get_issue(
            DOMAIN, f"readings_state_lost_{entry.entry_id}_{subentry_of['MU-2']}"
        )
        is None
    )
    # The dispatch endpoint still answers for the account.
    client = await hass_client_no_auth()
    resp = await client.put(
        f"/api/gridflex/fpp/{entry.data[CONF_ENDPOINT_ID]}/v2/dispatch",
        json=instruction(meterable_units=[{"id": "MU-2", "power_kw": 1}]),
        headers={"Authorization": f"Bearer {entry.data[CONF_DISPATCH_SECRET]}"},
    )
    assert resp.status == 200
