"""What a Market Gateway account shows, as snapshots: entities, devices, calendars, diagnostics.

A change in any of them shows as a diff in review (`pytest --snapshot-update` writes the new one).
"""

from __future__ import annotations

import datetime as dt

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.gridflex.diagnostics import async_get_config_entry_diagnostics
from tests.market.conftest import NOW
from tests.market.helpers import entity_id, setup_entry
from tests.surface import calendar, devices, entities, stable

UID = "market_gateway_acme-flex"


async def test_market_gateway_account_surface(
    hass: HomeAssistant, mg_entry: MockConfigEntry, snapshot: SnapshotAssertion
) -> None:
    await hass.config.async_set_time_zone("Europe/London")
    await setup_entry(hass, mg_entry)

    assert entities(hass, mg_entry) == snapshot(name="entities")
    assert devices(hass, mg_entry) == snapshot(name="devices")
    for name in ("trade_opportunities", "trade_awards"):
        assert await calendar(
            hass,
            entity_id(hass, "calendar", f"{UID}_account_{name}"),
            NOW,
            NOW + dt.timedelta(days=8),
        ) == snapshot(name=f"calendar {name}")
    assert stable(await async_get_config_entry_diagnostics(hass, mg_entry)) == snapshot(
        name="diagnostics"
    )
