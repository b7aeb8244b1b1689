"""Less travelled paths: failed GRDF orders, pending Enedis orders, restarts, fix flow aborts."""

from __future__ import annotations

import datetime as dt

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.gridflex.api.errors import ContractError
from custom_components.gridflex.api.switchgrid.enedis import (
    parse_contract_data,
    parse_search_results,
)
from custom_components.gridflex.api.switchgrid.grdf import parse_grdf_records
from custom_components.gridflex.const import DOMAIN
from tests.conftest import switchgrid_entry_data
from tests.helpers import async_setup_repairs
from tests.simulators.switchgrid import EVENTS_PATH, SwitchgridSimulator
from tests.simulators.switchgrid_data import PARIS, gas_record

from .conftest import (
    PCE,
    PRM,
    electricity_point,
    gas_point,
    make_entry,
    rows,
    settle,
    setup_entry,
)

ELEC = f"gridflex:enedis_{PRM}_consumption"


async def test_failed_grdf_order_is_a_repair_issue(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    sim.auto_accept_asks = True
    sim.failed_points[PCE] = "Erreur technique GRDF"
    entry = make_entry(sim, gas_point())
    await setup_entry(hass, entry)
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"grdf_error_{next(iter(entry.subentries))}"
    )
    assert issue is not None
    assert issue.translation_placeholders["message"] == "Erreur technique GRDF"


async def test_grdf_partial_error_imports_the_days_and_reports(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    sim.auto_accept_asks = True
    sim.gas_records[PCE] = [
        gas_record(PCE, dt.date(2026, 4, 1), 40, 4),
        {
            "pce": {"id_pce": PCE},
            "statut_restitution": {"code": "2", "message": "Trou"},
        },
    ]
    entry = make_entry(sim, gas_point())
    await setup_entry(hass, entry)
    assert len(await rows(hass, f"gridflex:grdf_{PCE}_energy")) == 1
    assert ir.async_get(hass).async_get_issue(
        DOMAIN, f"grdf_error_{next(iter(entry.subentries))}"
    )


async def test_pending_enedis_order_survives_a_restart(
    hass: HomeAssistant, sim: SwitchgridSimulator, frozen: FrozenDateTimeFactory
) -> None:
    sim.auto_accept_asks = True
    sim.stuck_points.add(PRM)
    sim.load_curves[PRM] = {
        "period": "PT30M",
        "startsAt": "2026-04-04T00:00:00+02:00",
        "values": [None, None, 1000, 1000],
    }
    entry = make_entry(sim, electricity_point())
    await setup_entry(hass, entry)
    assert len(sim.requests_to("/enedis/v2/order", "POST")) == 1
    await hass.config_entries.async_unload(entry.entry_id)
    await settle(hass)
    frozen.tick(dt.timedelta(seconds=5))
    async_fire_time_changed(hass)  # lets the delayed store write happen
    await settle(hass)
    sim.stuck_points.clear()
    await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass)
    assert (
        len(sim.requests_to("/enedis/v2/order", "POST")) == 1
    )  # polled, not re-ordered
    assert await rows(hass, ELEC) == [
        (dt.datetime(2026, 4, 4, 1, tzinfo=PARIS), 1.0, 1.0)
    ]


async def test_all_null_load_curve_falls_back_to_daily(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    sim.auto_accept_asks = True
    sim.load_curves[PRM] = {
        "period": "PT30M",
        "startsAt": "2026-04-04T00:00:00+02:00",
        "values": [None, None],
    }
    sim.daily_series[PRM] = {
        "period": "P1D",
        "startsAt": "2026-04-03T00:00:00+02:00",
        "values": [12500, 9750],
    }
    await setup_entry(hass, make_entry(sim, electricity_point()))
    # The load curve was asked for first, then the daily energy.
    data = sim.requests_to("/data", "GET")
    assert [r.query["period"] for r in data if "period" in r.query] == ["30min", "1d"]
    assert await rows(hass, ELEC) == [
        (dt.datetime(2026, 4, 3, 0, tzinfo=PARIS), 12.5, 12.5),
        (dt.datetime(2026, 4, 4, 0, tzinfo=PARIS), 9.75, 22.25),
    ]


def _feed_event(event_id: str, start: str, end: str) -> dict[str, str]:
    return {"eventId": event_id, "startUtc": start, "endUtc": end, "summary": event_id}


async def _calendar_summaries(hass: HomeAssistant) -> list[str]:
    calendar = "calendar.switchgrid_maison_test_demand_response_calendar"
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": calendar,
            "start_date_time": "2026-04-05T00:00:00+00:00",
            "end_date_time": "2026-04-08T00:00:00+00:00",
        },
        blocking=True,
        return_response=True,
    )
    return [e["summary"] for e in response[calendar]["events"]]


async def _refresh(hass: HomeAssistant) -> None:
    await hass.services.async_call(DOMAIN, "refresh_consumption", {}, blocking=True)
    await settle(hass)


async def test_events_feed_outage_keeps_the_last_events_and_recovery_reads_new_ones(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    first = _feed_event("Effacement 1", "2026-04-06T17:00:00Z", "2026-04-06T19:00:00Z")
    second = _feed_event("Effacement 2", "2026-04-07T17:00:00Z", "2026-04-07T19:00:00Z")
    sim.events = [first, {"eventId": "x"}]  # unusable items are skipped
    await setup_entry(hass, make_entry(sim))
    assert await _calendar_summaries(hass) == ["Effacement 1"]

    sim.events = [first, second]
    sim.fail_next(status=500, path_contains=EVENTS_PATH)
    await _refresh(hass)
    assert [r.status for r in sim.requests_to(EVENTS_PATH)] == [200, 500]
    assert [f.status for f in sim.fired] == [500]
    # The events read before the outage are kept; the one added meanwhile is not seen yet.
    assert await _calendar_summaries(hass) == ["Effacement 1"]
    state = hass.states.get("calendar.switchgrid_maison_test_demand_response_calendar")
    assert state is not None
    assert state.attributes["message"] == "Effacement 1"

    await _refresh(hass)
    assert [r.status for r in sim.requests_to(EVENTS_PATH)] == [200, 500, 200]
    assert await _calendar_summaries(hass) == ["Effacement 1", "Effacement 2"]


async def test_renew_fix_flow_reports_outage_and_unloaded_account(
    hass: HomeAssistant, sim: SwitchgridSimulator, hass_client: ClientSessionGenerator
) -> None:
    await async_setup_repairs(hass)
    sim.add_ask(PCE)
    entry = make_entry(sim, gas_point())
    await setup_entry(hass, entry)
    sim.set_ask_status(next(iter(sim.asks)), "REVOKED")
    await hass.services.async_call(DOMAIN, "refresh_consumption", {}, blocking=True)
    issue_id = f"consent_revoked_{next(iter(entry.subentries))}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    http = await hass_client()
    resp = await http.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    flow = await resp.json()
    assert flow["step_id"] == "renew"
    sim.fail_next(status=503, path_contains="/v0_1/ask")
    resp = await http.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    assert (await resp.json())["errors"] == {"base": "cannot_connect"}
    await hass.config_entries.async_unload(entry.entry_id)
    resp = await http.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    result = await resp.json()
    assert (result["type"], result["reason"]) == ("abort", "account_not_loaded")


def test_parsers_skip_what_they_cannot_read() -> None:
    with pytest.raises(ContractError):
        parse_search_results({"results": "x"})
    assert parse_search_results([{"id": None}, "x", {"id": "a", "prm": 1}])[0].prm == (
        "00000000000001"
    )
    data = parse_contract_data(
        [{"x": {"puissanceSouscrite": {"value": 12}}}, {"offPeak": {"libelle": "HC"}}],
        PRM,
    )
    assert (data.subscribed_power_kva, data.off_peak_hours) == (12.0, "HC")
    assert parse_contract_data({"nothing": [1, 2]}, PRM).subscribed_power_kva is None
    record = gas_record(PCE, dt.date(2026, 1, 2), 1, 1)
    record["consommation"]["journee_gaziere"] = "bad"
    no_day = gas_record(PCE, dt.date(2026, 1, 2), 1, 1)
    del no_day["consommation"]["journee_gaziere"]
    no_day["consommation"]["date_debut_consommation"] = None
    reply = parse_grdf_records(
        [record, no_day, {"pce": PCE}, {"statut_restitution": "refus"}]
    )
    assert [r.gas_day for r in reply.records] == [dt.date(2026, 1, 2)]
    assert reply.errors[0].message == "refus"


async def test_diagnostics_show_consent_without_signing_link(
    hass: HomeAssistant, sim: SwitchgridSimulator, hass_client: ClientSessionGenerator
) -> None:
    from pytest_homeassistant_custom_component.components.diagnostics import (
        get_diagnostics_for_config_entry,
    )

    sim.stuck_points.add(PCE)
    sim.auto_accept_asks = True
    entry = make_entry(sim, gas_point())
    await setup_entry(hass, entry)
    data = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    # The meter number is personal data: only its last four digits show.
    assert PCE not in str(data)
    point = data["consumption"]["points"]["…" + PCE[-4:]]
    assert point["consent"]["status"] == "ACCEPTED"
    assert point["pending_order"]["polls"] == 1
    assert "sign/" not in str(data)


async def test_a_refused_order_is_shown_and_other_points_keep_flowing(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    sim.auto_accept_asks = True
    sim.gas_records[PCE] = [gas_record(PCE, dt.date(2026, 4, 1), 40, 4)]
    sim.fail_next(
        status=400,
        body={"message": "PRM inconnu"},
        path_contains="/enedis/v2/order",
    )
    entry = make_entry(sim, electricity_point(), gas_point())
    await setup_entry(hass, entry)
    elec_id = next(iter(entry.subentries))
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"enedis_failed_{elec_id}")
    assert issue is not None
    assert issue.translation_placeholders["message"] == "PRM inconnu"
    assert len(await rows(hass, f"gridflex:grdf_{PCE}_energy")) == 1


async def test_events_feed_is_read_from_its_own_url_not_the_base_url(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    feed = SwitchgridSimulator()  # the feed on another host than the API
    await feed.start()
    try:
        feed.events = [
            _feed_event("Effacement", "2026-04-06T17:00:00Z", "2026-04-06T19:00:00Z")
        ]
        sim.events = [
            _feed_event("Wrong host", "2026-04-06T17:00:00Z", "2026-04-06T19:00:00Z")
        ]
        entry = MockConfigEntry(
            domain=DOMAIN,
            title="Switchgrid maison (test)",
            unique_id="switchgrid_maison",
            data=switchgrid_entry_data(sim, events_url=feed.events_url),
        )
        await setup_entry(hass, entry)
        assert await _calendar_summaries(hass) == ["Effacement"]
        assert [r.status for r in feed.requests_to(EVENTS_PATH)] == [200]
        assert sim.requests_to(EVENTS_PATH) == []
    finally:
        await feed.stop()


async def test_an_order_pending_too_long_is_placed_again_and_logged_without_the_meter(
    hass: HomeAssistant,
    sim: SwitchgridSimulator,
    frozen: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sim.auto_accept_asks = True
    sim.stuck_points.add(PRM)
    await setup_entry(hass, make_entry(sim, electricity_point()))
    assert len(sim.requests_to("/enedis/v2/order", "POST")) == 1
    frozen.tick(dt.timedelta(hours=13))
    async_fire_time_changed(hass)
    await settle(hass)
    assert len(sim.requests_to("/enedis/v2/order", "POST")) == 2
    (warning,) = [
        r.getMessage() for r in caplog.records if "still pending" in r.getMessage()
    ]
    assert f"…{PRM[-4:]}" in warning
    ours = [
        r for r in caplog.records if r.name.startswith("custom_components.gridflex")
    ]
    assert not [r for r in ours if PRM in r.getMessage()]
