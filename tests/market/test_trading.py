"""A Market Gateway account through the real path: setup, sensors, calendars, errors, diagnostics."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.gridflex.const import CONF_ZONES, DOMAIN
from custom_components.gridflex.diagnostics import async_get_config_entry_diagnostics
from custom_components.gridflex.market.calendars import direction_words
from custom_components.gridflex.market.trading_flow import TradingFlow
from custom_components.gridflex.words import async_load_words
from tests.market.conftest import NOW, mg_entry_data
from tests.market.helpers import calendar_events, entity_id, setup_entry, state_of
from tests.simulators.market_gateway import MarketGatewaySimulator

UID = "market_gateway_acme-flex"


async def test_account_sensors(hass: HomeAssistant, mg_entry: MockConfigEntry) -> None:
    await setup_entry(hass, mg_entry)
    assert (
        state_of(hass, "sensor", f"{UID}_account_open_trade_opportunities").state == "2"
    )
    closing = state_of(hass, "sensor", f"{UID}_account_next_trade_closing")
    assert dt.datetime.fromisoformat(closing.state) == NOW + dt.timedelta(hours=5)
    best = state_of(hass, "sensor", f"{UID}_account_best_utilisation_ceiling_price")
    assert best.state == "600.0"
    assert best.attributes["opportunity_id"] == "OPP-2001"
    assert best.attributes["unit_of_measurement"] == "GBP/MWh"
    listed = state_of(
        hass, "sensor", f"{UID}_account_open_trade_opportunities"
    ).attributes
    assert [o["id"] for o in listed["opportunities"]] == ["OPP-2002", "OPP-2001"]
    assert listed["zones"] == ["CMZ_T10A_EM_0097"]


async def test_award_and_baseline_sensors_per_unit(
    hass: HomeAssistant, mg_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    await setup_entry(hass, mg_entry)
    capacity = state_of(hass, "sensor", f"{UID}_MU-1001_awarded_capacity")
    assert capacity.state == "0.004"
    assert capacity.attributes["award_id"] == "AW-3001"
    assert capacity.attributes["under_way"] is False
    assert "Heat pump" in capacity.attributes["friendly_name"]
    assert (
        state_of(hass, "sensor", f"{UID}_MU-1001_award_utilisation_price").state
        == "480.0"
    )
    assert state_of(hass, "sensor", f"{UID}_MU-1002_awarded_capacity").state == "0.0"
    assert (
        state_of(hass, "sensor", f"{UID}_MU-1002_award_utilisation_price").state
        == "unknown"
    )
    baseline = state_of(hass, "sensor", f"{UID}_MU-1001_baseline")
    assert baseline.state == "-0.8"
    assert len(baseline.attributes["today"]) == 48
    assert baseline.attributes["today"]["16:00"] == -1.4

    # Tomorrow 16:30 UK (GMT): the award's delivery period is under way; the peak baseline applies.
    freezer.move_to(dt.datetime(2026, 3, 24, 16, 40, tzinfo=dt.UTC))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (
        state_of(hass, "sensor", f"{UID}_MU-1001_awarded_capacity").attributes[
            "under_way"
        ]
        is True
    )
    assert state_of(hass, "sensor", f"{UID}_MU-1001_baseline").state == "-1.4"


async def test_baseline_is_uk_clock_and_period_beginning_in_summer(
    hass: HomeAssistant,
    mg_sim: MarketGatewaySimulator,
    mg_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    mg_sim.baselines["MU-1002"] = [
        {"dayOfWeek": "MONDAY", "localTime": "16:30", "powerKw": -2.0},
        {"dayOfWeek": "MONDAY", "localTime": "17:00", "powerKw": -3.0},
    ]
    # Monday 30 March 2026 15:59 UTC is 16:59 BST: the half-hour that began at 16:30 UK.
    freezer.move_to(dt.datetime(2026, 3, 30, 15, 59, tzinfo=dt.UTC))
    await setup_entry(hass, mg_entry)
    assert state_of(hass, "sensor", f"{UID}_MU-1002_baseline").state == "-2.0"
    freezer.move_to(dt.datetime(2026, 3, 30, 16, 0, tzinfo=dt.UTC))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass, "sensor", f"{UID}_MU-1002_baseline").state == "-3.0"


async def test_opportunity_calendar_across_the_spring_change(
    hass: HomeAssistant, mg_sim: MarketGatewaySimulator, mg_entry: MockConfigEntry
) -> None:
    mg_sim.opportunities.append(
        {
            "opportunityId": "OPP-DST",
            "opportunityName": "Weekend peak",
            "cmzCode": "CMZ_T10A_EM_0097",
            "serviceResponseDirection": "DTD/GTU",
            "utilisationCeilingPrice": 700,
            "tradeClosingDate": "2026-03-27T12:00:00",
            "windows": [
                {
                    "windowId": "W1",
                    "deliveryPeriods": [
                        {
                            "startDate": "2026-03-28",
                            "startTime": "17:00",
                            "endTime": "18:00",
                            "minRequiredCapacityMw": 0.01,
                        },
                        {
                            "startDate": "2026-03-29",
                            "startTime": "17:00",
                            "endTime": "18:00",
                        },
                    ],
                }
            ],
        }
    )
    await hass.config.async_update(time_zone="Europe/London")
    await setup_entry(hass, mg_entry)
    calendar = entity_id(hass, "calendar", f"{UID}_account_trade_opportunities")
    events = await calendar_events(
        hass, calendar, "2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z"
    )
    starts = [dt.datetime.fromisoformat(e["start"]) for e in events]
    assert [s.astimezone(dt.UTC) for s in starts] == [
        dt.datetime(2026, 3, 28, 17, tzinfo=dt.UTC),  # GMT
        dt.datetime(2026, 3, 29, 16, tzinfo=dt.UTC),  # BST
    ]
    london = ZoneInfo("Europe/London")
    assert [s.astimezone(london).strftime("%H:%M") for s in starts] == [
        "17:00",
        "17:00",
    ]
    assert events[0]["summary"] == "Weekend peak (open)"
    assert "Minimum capacity: 0.01 MW" in events[0]["description"]
    # The direction in words, not its code.
    assert (
        "Direction: Demand turn down / Generation turn up" in events[0]["description"]
    )
    # The state shows the next delivery period (OPP-1999, closed, tomorrow 16:30 GMT).
    state = hass.states.get(calendar)
    assert (
        state is not None
        and state.attributes["message"] == "Bath evening peak, day ahead (closed)"
    )


async def test_award_calendar(hass: HomeAssistant, mg_entry: MockConfigEntry) -> None:
    await setup_entry(hass, mg_entry)
    calendar = entity_id(hass, "calendar", f"{UID}_account_trade_awards")
    events = await calendar_events(
        hass, calendar, "2026-03-23T00:00:00Z", "2026-03-31T00:00:00Z"
    )
    assert [(e["summary"], e["start"], e["end"]) for e in events] == [
        (
            "Heat pump: 0.004 MW awarded",
            "2026-03-24T16:30:00+00:00",
            "2026-03-24T18:00:00+00:00",
        )
    ]
    assert "Utilisation price: £480.00/MWh" in events[0]["description"]


async def test_award_calendar_in_french(
    hass: HomeAssistant, mg_entry: MockConfigEntry
) -> None:
    await hass.config.async_update(language="fr")
    await setup_entry(hass, mg_entry)
    calendar = entity_id(hass, "calendar", f"{UID}_account_trade_awards")
    [event] = await calendar_events(
        hass, calendar, "2026-03-23T00:00:00Z", "2026-03-31T00:00:00Z"
    )
    assert event["summary"] == "Heat pump : 0,004 MW attribués"
    assert "Prix d'utilisation : 480,00 £/MWh" in event["description"]


async def test_directions_in_words(hass: HomeAssistant) -> None:
    await async_load_words(hass)
    assert direction_words(hass, "DTU") == "Demand turn up"
    assert direction_words(hass, "gtd") == "Generation turn down"
    assert direction_words(hass, "XYZ") == "XYZ"  # unknown: shown as it is
    assert direction_words(hass, None) == "not given"
    await hass.config.async_update(language="fr")
    await async_load_words(hass)
    assert direction_words(hass, "DTD, GTU") == (
        "Baisse de consommation / Hausse de production"
    )


async def test_chosen_zones_replace_the_units_zones(
    hass: HomeAssistant, mg_sim: MarketGatewaySimulator
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        minor_version=3,
        unique_id=UID,
        title="Market Gateway acme-flex",
        data=mg_entry_data(mg_sim, **{CONF_ZONES: ["CMZ_B", "CMZ_A"]}),
    )
    await setup_entry(hass, entry)
    zones = [
        r.query.get("cmzCode") for r in mg_sim.requests_to("/getTradeOpportunities")
    ]
    assert zones == ["CMZ_A", "CMZ_B"]
    assert (
        state_of(hass, "sensor", f"{UID}_account_open_trade_opportunities").state == "0"
    )
    assert (
        state_of(hass, "sensor", f"{UID}_account_next_trade_closing").state == "unknown"
    )
    assert (
        state_of(hass, "sensor", f"{UID}_account_best_utilisation_ceiling_price").state
        == "unknown"
    )


async def test_refused_token_at_setup_starts_reauth(
    hass: HomeAssistant, mg_sim: MarketGatewaySimulator, mg_entry: MockConfigEntry
) -> None:
    mg_sim.token = "rotated"
    mg_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mg_entry.entry_id)
    await hass.async_block_till_done()
    assert mg_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress()
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]


async def test_unreachable_at_setup_retries(
    hass: HomeAssistant, mg_sim: MarketGatewaySimulator, mg_entry: MockConfigEntry
) -> None:
    mg_sim.fail_next(status=503)
    mg_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mg_entry.entry_id)
    await hass.async_block_till_done()
    assert mg_entry.state is ConfigEntryState.SETUP_RETRY


@pytest.mark.allow_gridflex_errors(
    r"Market Gateway .* slow down", r"Authentication failed .* Market Gateway"
)
async def test_rate_limit_waits_as_asked_then_refuses_token_starts_reauth(
    hass: HomeAssistant,
    mg_sim: MarketGatewaySimulator,
    mg_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, mg_entry)
    runtime = mg_entry.runtime_data.flow(TradingFlow)
    assert runtime is not None
    mg_sim.fail_next(status=429, retry_after="3600")
    freezer.tick(dt.timedelta(minutes=31))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert runtime.coordinator.last_update_success is False
    calls = len(mg_sim.requests_to("/getMeterableUnits"))
    # Not at the usual 30 minutes: an hour, as Market Gateway asked.
    freezer.tick(dt.timedelta(minutes=31))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(mg_sim.requests_to("/getMeterableUnits")) == calls
    freezer.tick(dt.timedelta(minutes=30))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert runtime.coordinator.last_update_success is True
    # Entities kept their values meanwhile.
    assert (
        state_of(hass, "sensor", f"{UID}_account_open_trade_opportunities").state == "2"
    )

    mg_sim.token = "rotated"
    freezer.tick(dt.timedelta(minutes=31))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    flows = hass.config_entries.flow.async_progress()
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]


async def test_diagnostics_keep_raw_replies_without_the_token(
    hass: HomeAssistant, mg_sim: MarketGatewaySimulator, mg_entry: MockConfigEntry
) -> None:
    mg_sim.meterable_units[0]["siteAddress"] = "1 Private Lane"
    await setup_entry(hass, mg_entry)
    data = await async_get_config_entry_diagnostics(hass, mg_entry)
    text = str(data)
    assert mg_sim.token not in text
    assert "1 Private Lane" not in text
    assert data["market_gateway"]["base_url"] == mg_sim.url
    section = data["trading"]
    assert section["meterable_units"] == ["MU-1001", "MU-1002"]
    raw = section["last_replies"]["getTradeOpportunities"]
    assert raw["ok"] is True
    assert raw["body"]["items"][0]["opportunityId"] == "OPP-1999"


async def test_a_new_unit_in_market_gateway_gets_its_sensors(
    hass: HomeAssistant,
    mg_sim: MarketGatewaySimulator,
    mg_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, mg_entry)
    mg_sim.meterable_units.append(
        {"meterableUnitId": "MU-1003", "name": "Battery", "cmzCode": "CMZ_T10A_EM_0097"}
    )
    freezer.tick(dt.timedelta(minutes=31))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert mg_entry.state is ConfigEntryState.LOADED
    assert state_of(hass, "sensor", f"{UID}_MU-1003_awarded_capacity").state == "0.0"
