"""Enedis electricity through the real recorder: load curve, DST days, gaps, daily, C68."""

from __future__ import annotations

import datetime as dt

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from custom_components.gridflex.const import DOMAIN
from tests.simulators.switchgrid import SwitchgridSimulator
from tests.simulators.switchgrid_data import PARIS

from .conftest import PRM, electricity_point, make_entry, metadata, rows, setup_entry

STAT = f"gridflex:enedis_{PRM}_consumption"


def _curve(day: dt.date, values: list[float | None]) -> dict[str, object]:
    start = dt.datetime.combine(day, dt.time(0), PARIS)
    # In absolute time: wall-clock arithmetic would miss the DST change.
    end = start.astimezone(dt.UTC) + dt.timedelta(minutes=30 * len(values))
    return {
        "period": "PT30M",
        "startsAt": start.isoformat(),
        "endsAt": end.astimezone(PARIS).isoformat(),
        "values": values,
    }


async def test_spring_dst_day_46_half_hours_with_gaps(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    sim.auto_accept_asks = True
    values: list[float | None] = [1000.0] * 46
    values[0] = None  # 00:00-00:30 gap: the hour keeps its other half
    values[2] = values[3] = None  # 01:00-02:00 gap: no row at all
    sim.load_curves[PRM] = _curve(dt.date(2026, 3, 29), values)
    await setup_entry(hass, make_entry(sim, electricity_point()))

    imported = await rows(hass, STAT)
    assert len(imported) == 22  # 23 local hours, one fully missing
    assert imported[0] == (dt.datetime(2026, 3, 29, 0, tzinfo=PARIS), 0.5, 0.5)
    assert imported[1][0] == dt.datetime(
        2026, 3, 29, 3, tzinfo=PARIS
    )  # 02:00 does not exist
    assert imported[-1] == (dt.datetime(2026, 3, 29, 23, tzinfo=PARIS), 1.0, 21.5)
    meta = await metadata(hass, STAT)
    assert (meta["unit_class"], meta["mean_type"], meta["has_sum"]) == (
        "energy",
        0,
        True,
    )


async def test_autumn_dst_day_50_half_hours(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    sim.auto_accept_asks = True
    sim.load_curves[PRM] = _curve(dt.date(2026, 10, 25), [2000.0] * 50)
    sim.today = lambda: dt.date(2026, 10, 26)
    await setup_entry(hass, make_entry(sim, electricity_point()))
    imported = await rows(hass, STAT)
    assert len(imported) == 25
    assert {r[1] for r in imported} == {2.0}
    assert imported[-1][2] == 50.0
    starts = [r[0].astimezone(dt.UTC) for r in imported]
    assert starts[0] == dt.datetime(2026, 10, 24, 22, tzinfo=dt.UTC)
    assert starts[-1] == dt.datetime(2026, 10, 25, 22, tzinfo=dt.UTC)


async def test_daily_energy_when_no_load_curve_and_contract_data(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    sim.auto_accept_asks = True
    sim.no_load_curve.add(PRM)
    sim.daily_series[PRM] = {
        "period": "P1D",
        "startsAt": "2026-04-01T00:00:00+02:00",
        "values": [10500, None, 9000],
    }
    sim.contract_data[PRM] = {
        "puissanceSouscrite": {"valeur": 6, "unite": "kVA"},
        "plagesHeuresCreuses": "HC (22H30-6H30)",
    }
    await setup_entry(hass, make_entry(sim, electricity_point()))
    assert await rows(hass, STAT) == [
        (dt.datetime(2026, 4, 1, 0, tzinfo=PARIS), 10.5, 10.5),
        (dt.datetime(2026, 4, 3, 0, tzinfo=PARIS), 9.0, 19.5),
    ]
    prefix = "sensor.enedis_prm_00046372994792"
    power = hass.states.get(f"{prefix}_subscribed_power")
    assert power is not None and power.state == "6.0"
    assert power.attributes["unit_of_measurement"] == "kVA"
    assert hass.states.get(f"{prefix}_off_peak_hours").state == "HC (22H30-6H30)"
    assert hass.states.get(f"{prefix}_latest_data").state == "2026-04-03"
    order = sim.requests_to("/enedis/v2/order", "POST")[0].body
    assert [r["type"] for r in order["requests"]] == ["LOADCURVE", "C68_ASYNC"]
    assert order["requests"][0]["prms"] == [PRM]


async def test_failed_request_is_a_repair_issue(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    sim.auto_accept_asks = True
    sim.failed_points[PRM] = "Le point n'est pas communicant"
    entry = make_entry(sim, electricity_point())
    await setup_entry(hass, entry)
    subentry_id = next(iter(entry.subentries))
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"enedis_failed_{subentry_id}")
    assert issue is not None
    assert issue.translation_placeholders["message"] == "Le point n'est pas communicant"
    assert await rows(hass, STAT) == []
