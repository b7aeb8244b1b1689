"""Polling that respects the portal: hourly, only what moved, backoff, refusals, clock changes."""

from __future__ import annotations

import datetime as dt

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.gridflex.cdp.flow import CdpFlow
from custom_components.gridflex.const import DOMAIN
from tests.simulators.cdp import STTP_ID, CdpSimulator
from tests.simulators.cdp_data import ASHGROVE, clock_change_rows
from tests.surface import calendar

from .conftest import cdp_entry, setup_cdp, zone_subentry

NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
CLOSING = "sensor.ashgrove_hv_next_trade_closing"


async def _next_hour(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    freezer.tick(dt.timedelta(hours=1, seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_unchanged_resources_cost_one_metadata_request(
    hass: HomeAssistant, cdp_sim: CdpSimulator, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(NOW)
    await setup_cdp(hass, cdp_entry(cdp_sim, zone_subentry(ASHGROVE)))
    assert len(cdp_sim.datastore_calls()) == 2
    first = len(cdp_sim.received)

    await _next_hour(hass, freezer)
    # One package_show, no DataStore call: nothing moved.
    assert [r.path.rsplit("/", 1)[-1] for r in cdp_sim.received[first:]] == [
        "package_show"
    ]
    assert len(cdp_sim.datastore_calls()) == 2

    # A new weekly upload of the trades: only that resource is read again.
    cdp_sim.touch(STTP_ID, "2026-11-30T10:30:00.000001")
    await _next_hour(hass, freezer)
    calls = cdp_sim.datastore_calls()
    assert len(calls) == 3 and calls[-1]["resource_id"] == STTP_ID
    state = hass.states.get(CLOSING)
    assert state is not None and state.state == "2026-12-03T12:00:00+00:00"


@pytest.mark.allow_gridflex_errors(
    "^Error fetching gridflex connected data portal data: .*HTTP 403 without a CKAN reply"
)
async def test_a_cdn_burst_is_ridden_out_and_failures_back_off(
    hass: HomeAssistant, cdp_sim: CdpSimulator, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(NOW)
    cdp_sim.cdn_block_next(2)  # within the transport's backoff
    entry = cdp_entry(cdp_sim, zone_subentry(ASHGROVE))
    await setup_cdp(hass, entry)
    state = hass.states.get(CLOSING)
    assert state is not None and state.state != STATE_UNAVAILABLE
    flow = entry.runtime_data.flow(CdpFlow)
    assert flow is not None
    coordinator = flow.coordinator

    for failures, hours in ((1, 1), (2, 2), (3, 4), (4, 6), (5, 6)):
        cdp_sim.cdn_block_next(3)  # longer than the backoff: the refresh fails
        await _next_hour(hass, freezer)
        if coordinator.failures < failures:  # the longer wait had not elapsed yet
            freezer.tick(coordinator.update_interval or dt.timedelta())
            async_fire_time_changed(hass)
            await hass.async_block_till_done(wait_background_tasks=True)
        assert coordinator.failures == failures
        assert coordinator.update_interval == dt.timedelta(hours=hours)
    state = hass.states.get(CLOSING)
    assert state is not None and state.state == STATE_UNAVAILABLE

    cdp_sim.faults.clear()
    freezer.tick(dt.timedelta(hours=6))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert coordinator.failures == 0
    assert coordinator.update_interval == dt.timedelta(hours=1)


async def test_without_a_token_a_repair_issue_says_what_to_do(
    hass: HomeAssistant, cdp_sim: CdpSimulator, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(NOW)
    entry = cdp_entry(cdp_sim, zone_subentry(ASHGROVE), token=None)
    await setup_cdp(hass, entry)
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"cdp_token_needed_{entry.entry_id}"
    )
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["url"].startswith("https://")
    # Nothing to show, nothing broken: the entities stay available, without values.
    state = hass.states.get(CLOSING)
    assert state is not None and state.state == STATE_UNKNOWN
    calendar = hass.data["entity_components"]["calendar"].get_entity(
        "calendar.ashgrove_hv_delivery_periods"
    )
    assert calendar.event is None
    assert await calendar.async_get_events(hass, NOW, NOW + dt.timedelta(days=7)) == []
    flow = entry.runtime_data.flow(CdpFlow)
    assert flow is not None
    assert flow.entities(Platform.EVENT) == {}
    assert flow.diagnostics()["connected_data_portal"]["has_token"] is False
    # No reauth (there was no token to renew), and no loop: the next try is an hour away.
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    before = len(cdp_sim.received)
    freezer.tick(dt.timedelta(minutes=30))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(cdp_sim.received) == before

    # The user adds a token: the issue goes and the zone fills.
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, "api_token": "cdp-token"}
    )
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, f"cdp_token_needed_{entry.entry_id}")
        is None
    )
    state = hass.states.get(CLOSING)
    assert state is not None and state.state == "2026-12-03T12:00:00+00:00"


@pytest.mark.allow_gridflex_errors(
    "^Authentication failed while fetching gridflex connected data portal data"
)
async def test_a_revoked_token_starts_reauth_once(
    hass: HomeAssistant, cdp_sim: CdpSimulator, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(NOW)
    entry = cdp_entry(cdp_sim, zone_subentry(ASHGROVE))
    await setup_cdp(hass, entry)
    cdp_sim.token = "renewed-token"
    await _next_hour(hass, freezer)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]
    # The coordinator stops polling until the user acts.
    before = len(cdp_sim.received)
    await _next_hour(hass, freezer)
    await _next_hour(hass, freezer)
    assert len(cdp_sim.received) == before

    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {"api_token": "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {"api_token": "renewed-token"}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    state = hass.states.get(CLOSING)
    assert state is not None and state.state == "2026-12-03T12:00:00+00:00"


async def test_calendar_on_both_uk_clock_changes(
    hass: HomeAssistant, cdp_sim: CdpSimulator, freezer: FrozenDateTimeFactory
) -> None:
    await hass.config.async_set_time_zone("Europe/London")
    # Before the spring trade closes (18 March): a closed trade leaves the calendar.
    freezer.move_to(dt.datetime(2027, 3, 15, 12, 0, tzinfo=dt.UTC))
    cdp_sim.set_records(STTP_ID, clock_change_rows(ASHGROVE))
    await setup_cdp(hass, cdp_entry(cdp_sim, zone_subentry(ASHGROVE)))
    events = await calendar(
        hass,
        "calendar.ashgrove_hv_delivery_periods",
        dt.datetime.fromisoformat("2027-03-01T00:00:00+00:00"),
        dt.datetime.fromisoformat("2027-12-01T00:00:00+00:00"),
    )
    instants = [
        (
            dt.datetime.fromisoformat(e["start"]),
            dt.datetime.fromisoformat(e["end"]),
        )
        for e in events
    ]
    utc = dt.UTC
    assert instants == [
        # Spring: 00:30 GMT to 02:30 BST is one real hour.
        (
            dt.datetime(2027, 3, 28, 0, 30, tzinfo=utc),
            dt.datetime(2027, 3, 28, 1, 30, tzinfo=utc),
        ),
        # Autumn: the first 01:30 (BST) to 02:00 GMT is 90 real minutes.
        (
            dt.datetime(2027, 10, 31, 0, 30, tzinfo=utc),
            dt.datetime(2027, 10, 31, 2, 0, tzinfo=utc),
        ),
        (
            dt.datetime(2027, 10, 31, 7, 0, tzinfo=utc),
            dt.datetime(2027, 10, 31, 7, 30, tzinfo=utc),
        ),
    ]
    # Shown in local (UK) time with the right offsets.
    assert [(e["start"], e["end"]) for e in events[:2]] == [
        ("2027-03-28T00:30:00+00:00", "2027-03-28T02:30:00+01:00"),
        ("2027-10-31T01:30:00+01:00", "2027-10-31T02:00:00+00:00"),
    ]
    assert "Offers close: 18 March 12:00 GMT" in events[0]["description"]
    assert events[0]["location"] == "Ashgrove"


async def test_calendar_speaks_french(
    hass: HomeAssistant, cdp_sim: CdpSimulator, freezer: FrozenDateTimeFactory
) -> None:
    await hass.config.async_set_time_zone("Europe/Paris")
    hass.config.language = "fr"
    freezer.move_to(dt.datetime(2027, 3, 15, 12, 0, tzinfo=dt.UTC))
    cdp_sim.set_records(STTP_ID, clock_change_rows(ASHGROVE))
    await setup_cdp(hass, cdp_entry(cdp_sim, zone_subentry(ASHGROVE)))
    event = (
        await calendar(
            hass,
            "calendar.ashgrove_hv_periodes_de_livraison",
            dt.datetime.fromisoformat("2027-03-01T00:00:00+00:00"),
            dt.datetime.fromisoformat("2027-12-01T00:00:00+00:00"),
        )
    )[0]
    # French numbers: decimal comma, pounds after the amount.
    assert event["summary"] == (
        "Jusqu'à 0,564 MW, 7,02 £/MWh — "
        "Scheduled Utilisation – HV (Demand Turn Down / Generation Turn Up)"
    )
    assert event["description"].split("\n")[:5] == [
        "Appel : W/C 22/03/2027 - Scheduled Utilisation - Ashgrove",
        "Zone : Ashgrove (CMZ_T7B_SWA_0012)",
        "Service demandé : Demand Turn Down (DTD) / Generation Turn Up (GTU)",
        "Capacité demandée : jusqu'à 0,564 MW",
        "Prix plafond d'utilisation : 7,02 £/MWh",
    ]
    assert (
        "Livraison : du 28 mars 00:30 GMT au 28 mars 02:30 BST" in event["description"]
    )


async def test_removing_the_account_drops_its_issue(
    hass: HomeAssistant, cdp_sim: CdpSimulator, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(NOW)
    entry = cdp_entry(cdp_sim, zone_subentry(ASHGROVE), token=None)
    await setup_cdp(hass, entry)
    issues = ir.async_get(hass)
    assert issues.async_get_issue(DOMAIN, f"cdp_token_needed_{entry.entry_id}")
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert not issues.async_get_issue(DOMAIN, f"cdp_token_needed_{entry.entry_id}")
