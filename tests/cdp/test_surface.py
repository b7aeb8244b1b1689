"""What a Connected Data Portal account shows, as snapshots: zone entities, calendar, diagnostics."""

from __future__ import annotations

import datetime as dt

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from syrupy.assertion import SnapshotAssertion

from custom_components.gridflex.diagnostics import async_get_config_entry_diagnostics
from tests.cdp.conftest import cdp_entry, setup_cdp, zone_subentry
from tests.simulators.cdp import RESULTS_SUMMARY_ID, STTP_ID, CdpSimulator
from tests.simulators.cdp_data import (
    ASHGROVE,
    DEFAULT_ZONES,
    default_results,
    trade_parameters,
)
from tests.surface import calendar, devices, entities, stable

NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)


async def test_zone_surface(
    hass: HomeAssistant,
    cdp_sim: CdpSimulator,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
) -> None:
    freezer.move_to(NOW)
    # The portal's rows as they stood that day, whatever day the suite runs.
    cdp_sim.set_records(STTP_ID, trade_parameters(DEFAULT_ZONES, NOW.date()))
    cdp_sim.set_records(RESULTS_SUMMARY_ID, default_results(NOW.date()))
    await hass.config.async_set_time_zone("Europe/London")
    entry = cdp_entry(cdp_sim, zone_subentry(ASHGROVE))
    await setup_cdp(hass, entry)

    assert entities(hass, entry) == snapshot(name="entities")
    assert devices(hass, entry) == snapshot(name="devices")
    assert await calendar(
        hass,
        "calendar.ashgrove_hv_delivery_periods",
        # This week's trade has closed: the first periods still offered are next Monday's.
        NOW + dt.timedelta(days=7),
        NOW + dt.timedelta(days=8),
    ) == snapshot(name="calendar")
    assert stable(await async_get_config_entry_diagnostics(hass, entry)) == snapshot(
        name="diagnostics"
    )
