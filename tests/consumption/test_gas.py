"""GRDF gas through the real recorder: backfill, late days, revisions, errors, sensors."""

from __future__ import annotations

import datetime as dt

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.gridflex.const import DOMAIN
from tests.simulators.switchgrid import SwitchgridSimulator
from tests.simulators.switchgrid_data import PARIS, gas_record

from .conftest import PCE, gas_point, make_entry, metadata, rows, settle, setup_entry

ENERGY = f"gridflex:grdf_{PCE}_energy"
VOLUME = f"gridflex:grdf_{PCE}_volume"


def _day(n: int) -> dt.date:
    return dt.date(2026, 3, n)


def _six(n: int) -> dt.datetime:
    return dt.datetime(2026, 3, n, 6, tzinfo=PARIS)


async def _refresh(hass: HomeAssistant) -> None:
    await hass.services.async_call(DOMAIN, "refresh_consumption", {}, blocking=True)
    await settle(hass)


async def test_backfill_rows_sums_metadata_and_sensors(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    sim.auto_accept_asks = True
    sim.gas_records[PCE] = [
        gas_record(PCE, _day(28), 100, 9),
        gas_record(PCE, _day(29), 80, 7),  # Paris DST day (23 hours)
        gas_record(PCE, _day(30), 90, 8, status="Provisoire", coefficient=11.25),
    ]
    await setup_entry(hass, make_entry(sim, gas_point()))

    assert await rows(hass, ENERGY) == [
        (_six(28), 100, 100),
        (_six(29), 80, 180),
        (_six(30), 90, 270),
    ]
    assert await rows(hass, VOLUME) == [
        (_six(28), 9, 9),
        (_six(29), 7, 16),
        (_six(30), 8, 24),
    ]
    meta = await metadata(hass, ENERGY)
    assert meta["source"] == "gridflex"
    assert meta["has_sum"] is True
    assert meta["mean_type"] == 0
    assert meta["unit_of_measurement"] == "kWh"
    assert meta["unit_class"] == "energy"
    vol_meta = await metadata(hass, VOLUME)
    assert (vol_meta["unit_of_measurement"], vol_meta["unit_class"]) == ("m³", "volume")

    # 3 years ordered at first setup, PCE kept with its leading zero
    order = sim.requests_to("donnees-informatives")[0].body
    assert order == {"pce": PCE, "since": "2023-04-05", "until": "2026-04-05"}

    prefix = "sensor.grdf_pce_01427641080000"
    energy = hass.states.get(f"{prefix}_gas_energy_last_day")
    assert energy is not None and energy.state == "90.0"
    assert energy.attributes["unit_of_measurement"] == "kWh"
    assert "state_class" not in energy.attributes
    assert hass.states.get(f"{prefix}_gas_volume_last_day").state == "8.0"
    assert hass.states.get(f"{prefix}_conversion_coefficient").state == "11.25"
    assert hass.states.get(f"{prefix}_latest_data").state == "2026-03-30"
    assert hass.states.get(f"{prefix}_consent").state == "accepted"
    registry = er.async_get(hass)
    for diagnostic in ("latest_data", "consent", "consent_expiry"):
        entry = registry.async_get(f"{prefix}_{diagnostic}")
        assert entry is not None and entry.entity_category is EntityCategory.DIAGNOSTIC
    for state in hass.states.async_all("sensor"):
        assert "state_class" not in state.attributes


async def test_late_day_and_revision_keep_a_continuous_sum(
    hass: HomeAssistant, sim: SwitchgridSimulator, frozen: FrozenDateTimeFactory
) -> None:
    sim.auto_accept_asks = True
    sim.gas_records[PCE] = [
        gas_record(PCE, _day(20), 100, 9, status="Provisoire"),
        gas_record(PCE, _day(22), 120, 11, status="Provisoire"),
    ]
    await setup_entry(hass, make_entry(sim, gas_point()))
    assert await rows(hass, ENERGY) == [(_six(20), 100, 100), (_six(22), 120, 220)]

    # 3 days later: day 21 arrives late, day 22 is revised (Définitive wins over a Provisoire
    # received after it), day 23 is new.
    sim.gas_records[PCE] = [
        gas_record(PCE, _day(20), 100, 9, status="Provisoire"),
        gas_record(PCE, _day(21), 50, 5, status="Provisoire"),
        gas_record(PCE, _day(22), 118, 11),
        gas_record(PCE, _day(22), 125, 11, status="Provisoire"),
        gas_record(PCE, _day(23), 60, 6, status="Provisoire"),
    ]
    frozen.tick(dt.timedelta(days=3))
    async_fire_time_changed(hass)  # the next scheduled refresh, 3 days later
    await settle(hass)
    assert await rows(hass, ENERGY) == [
        (_six(20), 100, 100),
        (_six(21), 50, 150),
        (_six(22), 118, 268),
        (_six(23), 60, 328),
    ]


async def test_sum_continues_from_row_before_window_and_missing_days_keep_values(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    sim.auto_accept_asks = True
    early = dt.date(2026, 1, 10)
    sim.gas_records[PCE] = [
        gas_record(PCE, early, 1000, 90),
        gas_record(PCE, _day(1), 40, 4),
        gas_record(PCE, _day(2), 30, 3),
    ]
    await setup_entry(hass, make_entry(sim, gas_point()))
    # Now early is outside the window (35 days before March 2): it is not sent again and
    # March 1st comes back as an error; March 2nd is revised, March 3rd is new.
    sim.gas_records[PCE] = [
        gas_record(PCE, _day(2), 35, 3),
        gas_record(PCE, _day(3), 20, 2),
    ]
    await _refresh(hass)
    jan = dt.datetime(2026, 1, 10, 6, tzinfo=PARIS)
    assert await rows(hass, ENERGY) == [
        (jan, 1000, 1000),
        (_six(1), 40, 1040),
        (_six(2), 35, 1075),
        (_six(3), 20, 1095),
    ]
    # The second order starts 45 days before the newest stored day.
    assert sim.requests_to("donnees-informatives")[1].body["since"] == "2026-01-16"


async def test_restitution_error_is_a_repair_issue_never_zero(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    sim.auto_accept_asks = True
    sim.grdf_errors[PCE] = {"code": "1003", "message": "Consentement expiré"}
    entry = make_entry(sim, gas_point())
    await setup_entry(hass, entry)
    assert await rows(hass, ENERGY) == []
    subentry_id = next(iter(entry.subentries))
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"grdf_error_{subentry_id}")
    assert issue is not None
    assert issue.translation_placeholders["message"] == "Consentement expiré"

    del sim.grdf_errors[PCE]
    sim.gas_records[PCE] = [gas_record(PCE, _day(1), 40, 4)]
    await _refresh(hass)
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, f"grdf_error_{subentry_id}") is None
    )
    assert await rows(hass, ENERGY) == [(_six(1), 40, 40)]


async def test_grdf_records_straight_in_reply_and_synthetic_history(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    sim.auto_accept_asks = True
    sim.grdf_reply_shape = "list"
    await setup_entry(hass, make_entry(sim, gas_point()))
    imported = await rows(hass, ENERGY)
    assert len(imported) == 3 * 365
    assert imported[-1][0] == dt.datetime(2026, 4, 4, 6, tzinfo=PARIS)
    assert imported[-1][2] == sum(r[1] for r in imported)
    winter = [r[1] for r in imported if r[0].month == 1]
    summer = [r[1] for r in imported if r[0].month == 7]
    assert sum(winter) > 3 * sum(summer)
