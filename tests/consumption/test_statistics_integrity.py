"""Issue 9 statistics rules through the simulator and the real recorder: counts, merges, Unicode."""

from __future__ import annotations

import datetime as dt
import unicodedata

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from custom_components.gridflex.const import DOMAIN
from tests.simulators.switchgrid import SwitchgridSimulator
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

ELECTRICITY = f"gridflex:enedis_{PRM}_consumption"
ENERGY = f"gridflex:grdf_{PCE}_energy"
VOLUME = f"gridflex:grdf_{PCE}_volume"


async def _refresh(hass: HomeAssistant) -> None:
    await hass.services.async_call(DOMAIN, "refresh_consumption", {}, blocking=True)
    await settle(hass)


def _curve(starts: dt.datetime, ends: dt.datetime, count: int) -> dict[str, object]:
    """A 30-minute curve of 1 kW that claims ``starts``–``ends`` and holds ``count`` values."""
    return {
        "period": "PT30M",
        "startsAt": starts.isoformat(),
        "endsAt": ends.isoformat(),
        "values": [1000.0] * count,
    }


def _midnight(day: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, tzinfo=PARIS)


async def test_load_curve_with_wrong_count_is_not_imported_and_is_a_repair_issue(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    sim.auto_accept_asks = True
    sim.load_curves[PRM] = _curve(_midnight(28), _midnight(29), 48)
    entry = make_entry(sim, electricity_point())
    await setup_entry(hass, entry)
    before = await rows(hass, ELECTRICITY)
    assert len(before) == 24
    assert before[-1] == (dt.datetime(2026, 3, 28, 23, tzinfo=PARIS), 1.0, 24.0)

    # 48 values for the spring-change day, which holds 46 half-hours in absolute time.
    sim.load_curves[PRM] = _curve(_midnight(29), _midnight(30), 48)
    await _refresh(hass)

    assert await rows(hass, ELECTRICITY) == before
    subentry_id = next(iter(entry.subentries))
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"enedis_series_mismatch_{subentry_id}"
    )
    assert issue is not None
    assert issue.translation_key == "enedis_series_mismatch"
    assert issue.translation_placeholders == {
        "point": f"Enedis PRM {PRM}",
        "expected": "46",
        "received": "48",
        "start": "2026-03-29 00:00",
        "end": "2026-03-30 00:00",
    }

    # A consistent curve imports and clears the issue.
    sim.load_curves[PRM] = _curve(_midnight(29), _midnight(30), 46)
    await _refresh(hass)
    after = await rows(hass, ELECTRICITY)
    assert len(after) == 24 + 23
    assert after[-1] == (dt.datetime(2026, 3, 29, 23, tzinfo=PARIS), 1.0, 47.0)
    assert (
        ir.async_get(hass).async_get_issue(
            DOMAIN, f"enedis_series_mismatch_{subentry_id}"
        )
        is None
    )


async def test_later_record_without_energy_keeps_the_days_energy_row(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    sim.auto_accept_asks = True
    without_energy = gas_record(PCE, dt.date(2026, 3, 21), 0, 10, status="Provisoire")
    without_energy["consommation"]["energie"] = None
    without_volume = gas_record(PCE, dt.date(2026, 3, 22), 130, 0, status="Provisoire")
    without_volume["consommation"]["volume_brut"] = None
    sim.gas_records[PCE] = [
        gas_record(PCE, dt.date(2026, 3, 20), 100, 9, status="Provisoire"),
        gas_record(PCE, dt.date(2026, 3, 21), 110, 9, status="Provisoire"),
        without_energy,
        gas_record(PCE, dt.date(2026, 3, 22), 120, 11, status="Provisoire"),
        without_volume,
    ]
    await setup_entry(hass, make_entry(sim, gas_point()))

    def six(day: int) -> dt.datetime:
        return dt.datetime(2026, 3, day, 6, tzinfo=PARIS)

    assert await rows(hass, ENERGY) == [
        (six(20), 100, 100),
        (six(21), 110, 210),  # the later null energy does not erase it
        (six(22), 130, 340),  # the later known energy wins
    ]
    assert await rows(hass, VOLUME) == [
        (six(20), 9, 9),
        (six(21), 10, 19),
        (six(22), 11, 30),  # the later null volume does not erase it
    ]


async def test_decomposed_definitive_beats_a_later_provisional(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    sim.auto_accept_asks = True
    decomposed = unicodedata.normalize("NFD", "Définitive")
    assert decomposed != "Définitive"
    sim.gas_records[PCE] = [
        gas_record(PCE, dt.date(2026, 3, 20), 118, 11, status=decomposed),
        gas_record(PCE, dt.date(2026, 3, 20), 125, 12, status="Provisoire"),
        gas_record(PCE, dt.date(2026, 3, 21), 90, 8, status="DÉFINITIVE"),
        gas_record(PCE, dt.date(2026, 3, 21), 95, 9, status="Provisoire"),
    ]
    await setup_entry(hass, make_entry(sim, gas_point()))
    assert await rows(hass, ENERGY) == [
        (dt.datetime(2026, 3, 20, 6, tzinfo=PARIS), 118, 118),
        (dt.datetime(2026, 3, 21, 6, tzinfo=PARIS), 90, 208),
    ]


async def test_point_without_city_gets_its_consent_and_its_rows(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    """A point stored without ``city`` (older GridFlex) is asked for, not a KeyError."""
    sim.auto_accept_asks = True
    sim.gas_records[PCE] = [gas_record(PCE, dt.date(2026, 3, 20), 100, 9)]
    point = gas_point()
    data = dict(point["data"])
    del data["city"]
    point["data"] = data
    await setup_entry(hass, make_entry(sim, point))

    (ask,) = [r.body for r in sim.requests_to("/v0_1/ask", "POST")]
    assert ask["contracts"][0]["address"] == {
        "rueEtNumero": "17 avenue Charles de Gaulle",
        "codePostal": "75007",
        "commune": "",
    }
    assert await rows(hass, ENERGY) == [
        (dt.datetime(2026, 3, 20, 6, tzinfo=PARIS), 100, 100)
    ]
