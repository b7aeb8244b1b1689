"""A Connected Data Portal account from the UI: token, postcode lookup, zones, entities."""

from __future__ import annotations

import datetime as dt

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import ATTR_ATTRIBUTION
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest

from custom_components.gridflex.const import DOMAIN
from tests.simulators.cdp import POSTCODES_ID, CdpSimulator
from tests.simulators.cdp_data import ASHGROVE, PEN_Y_BRYN

from .conftest import cdp_entry, setup_cdp, zone_subentry

NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen(freezer: FrozenDateTimeFactory) -> FrozenDateTimeFactory:
    freezer.move_to(NOW)
    return freezer


async def _add_account(
    hass: HomeAssistant, sim: CdpSimulator, token: str | None
) -> str:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert "cdp" in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "cdp"}
    )
    assert result["step_id"] == "cdp"
    assert "token_url" in result["description_placeholders"]
    answers = {"base_url": sim.url} | ({"api_token": token} if token else {})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], answers)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    assert result["title"] == "Connected Data Portal"
    await hass.async_block_till_done(wait_background_tasks=True)
    return str(result["result"].entry_id)


async def _zone_flow(hass: HomeAssistant, entry_id: str, how: str) -> dict[str, object]:
    result = await hass.config_entries.subentries.async_init(
        (entry_id, "flexibility_zone"), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    return await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"next_step_id": how}
    )


async def test_postcode_lookup_adds_both_zones_with_their_entities(
    hass: HomeAssistant, cdp_sim: CdpSimulator, frozen: FrozenDateTimeFactory
) -> None:
    entry_id = await _add_account(hass, cdp_sim, "cdp-token")
    # The token was proven on a registered-only resource.
    assert cdp_sim.requests_to("/resource_show")[-1].query == {"id": POSTCODES_ID}

    result = await _zone_flow(hass, entry_id, "postcode")
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"postcode": "not one"}
    )
    assert result["errors"] == {"postcode": "invalid_uk_postcode"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"postcode": "ZZ9 9ZZ"}
    )
    assert result["errors"] == {"postcode": "postcode_not_found"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"postcode": "sa11aa"}
    )
    assert result["step_id"] == "choose_zones"
    zones = result["description_placeholders"]["zones"]
    assert "HV zone Ashgrove — South Wales — Scheduled Utilisation – HV" in zones
    assert "LV zone Pen-y-Bryn Café Row" in zones
    assert "Scheduled Utilisation – LV Evening" in zones
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"zones": []}
    )
    assert result["errors"] == {"zones": "choose_a_zone"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"zones": [ASHGROVE.code, PEN_Y_BRYN.code]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)

    entry = hass.config_entries.async_get_entry(entry_id)
    assert entry is not None
    titles = sorted(sub.title for sub in entry.subentries.values())
    assert titles == ["Ashgrove (HV)", "Pen-y-Bryn Café Row (LV)"]

    # A device per zone, each with its calendar and sensors, all attributed.
    registry = er.async_get(hass)
    devices = dr.async_get(hass)
    ours = er.async_entries_for_config_entry(registry, entry_id)
    assert len(ours) == 2 * 8
    for entity in ours:
        state = hass.states.get(entity.entity_id)
        assert state is not None, entity.entity_id
        assert state.attributes[ATTR_ATTRIBUTION] == "Supported by NGED Open Data"
        device = devices.async_get(str(entity.device_id))
        assert device is not None and device.name in titles
    ashgrove = next(
        d
        for d in dr.async_entries_for_config_entry(devices, entry_id)
        if d.name == "Ashgrove (HV)"
    )
    assert ashgrove.model == "HV flexibility zone"

    # Adding the same postcode again finds nothing new.
    result = await _zone_flow(hass, entry_id, "postcode")
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"postcode": "SA1 1AA"}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"zones": [ASHGROVE.code]}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_sensors_and_calendar_of_a_zone(
    hass: HomeAssistant, cdp_sim: CdpSimulator, frozen: FrozenDateTimeFactory
) -> None:
    await hass.config.async_set_time_zone("Europe/London")
    await setup_cdp(hass, cdp_entry(cdp_sim, zone_subentry(ASHGROVE)))
    # Trades of the week of 30 Nov close on Thursday 26 Nov (past); next week's on 3 Dec.
    closing = hass.states.get("sensor.ashgrove_hv_next_trade_closing")
    assert closing is not None
    assert closing.state == "2026-12-03T12:00:00+00:00"
    assert closing.attributes["trade"].startswith("W/C 07/12/2026")
    # This week's trade has closed: its periods are no longer offered, so next week's come first.
    start = hass.states.get("sensor.ashgrove_hv_next_delivery_period_start")
    assert start is not None and start.state == "2026-12-07T07:00:00+00:00"
    price = hass.states.get(
        "sensor.ashgrove_hv_highest_utilisation_ceiling_price_7_days"
    )
    assert price is not None and price.attributes["unit_of_measurement"] == "GBP/MWh"
    capacity = hass.states.get("sensor.ashgrove_hv_largest_required_capacity_7_days")
    assert capacity is not None and capacity.attributes["unit_of_measurement"] == "MW"
    # The latest trade (W/C 23/11): 180 + 95.5 kW accepted, awarded up to £7.00/MWh.
    accepted = hass.states.get("sensor.ashgrove_hv_latest_trade_accepted_capacity")
    assert accepted is not None and float(accepted.state) == 275.5
    awarded = hass.states.get(
        "sensor.ashgrove_hv_latest_trade_awarded_utilisation_price"
    )
    assert awarded is not None and float(awarded.state) == 7.0
    offers = hass.states.get("sensor.ashgrove_hv_latest_trade_accepted_offers")
    assert offers is not None and offers.state == "2"
    assert offers.attributes["rejected"] == 1
    assert offers.attributes["no_response"] == 1
    assert offers.attributes["lowest_awarded_utilisation_price"] == 6.5

    calendar = hass.states.get("calendar.ashgrove_hv_delivery_periods")
    assert calendar is not None and calendar.state == "off"
    assert calendar.attributes["message"].startswith("Up to ")
    assert calendar.attributes["message"].endswith(
        " — Scheduled Utilisation – HV (Demand Turn Down / Generation Turn Up)"
    )
    assert calendar.attributes["start_time"] == "2026-12-07 07:00:00"
