"""Row parsers, market summaries and the words of a period, on their edges."""

from __future__ import annotations

import datetime as dt

from aiohttp import ClientSession
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from custom_components.gridflex.api.cdp import Outcome, TradePeriod, Voltage, Zone
from custom_components.gridflex.api.cdp.market import (
    async_read_market,
    latest_results,
    next_closing,
    still_offered,
)
from custom_components.gridflex.api.cdp.models import SkippedRows
from custom_components.gridflex.api.cdp.rows import (
    parse_dataset,
    parse_page,
    parse_postcode_zones,
    parse_resource,
    parse_trade_result,
    zone_from_parameters,
)
from custom_components.gridflex.api.errors import ContractError
from custom_components.gridflex.api.fpp.products import market_gateway_product_name
from custom_components.gridflex.cdp.describe import (
    capacity_range,
    period_description,
    period_summary,
    uk_time,
    zone_label,
)
from custom_components.gridflex.words import async_load_words
from tests.simulators.cdp import CdpSimulator
from tests.simulators.cdp_data import ASHGROVE, MELTON

from .conftest import fast_client

UTC = dt.UTC
START = dt.datetime(2026, 12, 1, 7, tzinfo=UTC)


def _period(**changes: object) -> TradePeriod:
    fields: dict[str, object] = {
        "cmz_code": "CMZ_X",
        "cmz_name": None,
        "trade_name": None,
        "licence_area": None,
        "product": None,
        "programme": None,
        "required_service": None,
        "max_voltage_kv": None,
        "opens": None,
        "closes": None,
        "start": START,
        "end": START + dt.timedelta(minutes=30),
        "availability_ceiling": None,
        "utilisation_ceiling": None,
        "min_capacity_mw": None,
        "max_capacity_mw": None,
    }
    fields.update(changes)
    return TradePeriod(**fields)  # type: ignore[arg-type]


def test_resources_datasets_and_pages() -> None:
    with pytest.raises(ContractError):
        parse_resource({"name": "no id"})
    dataset = parse_dataset({"name": "d", "resources": [{"id": "a"}, "junk", {}]})
    assert [r.id for r in dataset.resources] == ["a"]
    assert dataset.resources[0].version == "|"
    page = parse_page({"records": [{"a": 1}, "junk"], "total": "many"})
    assert page.total == 1 and len(page.records) == 1


def test_zone_rows() -> None:
    assert parse_postcode_zones("SA1 1AA", ()) is None
    zones = parse_postcode_zones(
        "SA1 1AA",
        (
            {
                "Postcode": "SA1 1AA",
                "HV CMZ Code": "CMZ_A",
                "HV Zone Flexibility Product": "SU_HV; SAOU_DA,",
            },
        ),
    )
    assert zones is not None and zones.hv is not None
    assert zones.hv.products == ("SU_HV", "SAOU_DA")
    assert zones.lv is None
    assert zone_from_parameters({"CMZ Code": ""}) is None
    lv = zone_from_parameters({"CMZ Code": "CMZ_L", "Flexibility Product": "SU_LV_PM2"})
    assert lv is not None and lv.voltage is Voltage.LV
    bare = zone_from_parameters({"CMZ Code": "CMZ_B"})
    assert bare is not None and bare.products == () and bare.voltage is Voltage.HV


def test_result_rows() -> None:
    skipped = SkippedRows()
    assert parse_trade_result({"Trade Outcome": "Accepted"}, skipped) is None
    assert parse_trade_result({}) is None
    assert skipped.counts == {"no zone": 1}
    odd = parse_trade_result({"CMZ Code": "CMZ_A", "Trade Outcome": "Withdrawn"})
    assert odd is not None and odd.outcome is Outcome.OTHER


def test_latest_results_edges() -> None:
    assert latest_results([]) is None
    undated = parse_trade_result({"CMZ Code": "CMZ_A", "Trade Outcome": "Accepted"})
    assert undated is not None
    summary = latest_results([undated])
    assert summary is not None
    # Accepted, but neither capacity nor price given: none, not zero.
    assert summary.accepted_capacity_kw is None
    assert summary.highest_utilisation_price is None
    assert summary.outcomes[Outcome.ACCEPTED] == 1


def test_next_closing_ignores_past_and_missing_closes() -> None:
    now = START - dt.timedelta(days=1)
    assert (
        next_closing([_period(), _period(closes=now - dt.timedelta(hours=1))], now)
        is None
    )
    soon = _period(closes=now + dt.timedelta(hours=1))
    assert next_closing([_period(), soon], now) is soon


def test_only_open_and_upcoming_trades_are_offered() -> None:
    now = START - dt.timedelta(days=2)
    closed = _period(closes=now - dt.timedelta(seconds=1))
    closing_now = _period(closes=now)
    still_open = _period(closes=now + dt.timedelta(hours=1))
    not_said = _period()
    assert still_offered([closed, closing_now, still_open, not_said], now) == (
        still_open,
        not_said,
    )


async def test_words_of_a_period(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to("2026-11-20T12:00:00+00:00")
    await async_load_words(hass)
    bare = _period()
    assert period_summary(hass, bare) == "Flexibility trade"
    assert capacity_range(hass, bare) is None
    assert (
        capacity_range(hass, _period(min_capacity_mw=0.1, max_capacity_mw=0.5))
        == "0.1–0.5 MW"
    )
    assert capacity_range(hass, _period(min_capacity_mw=0.2)) == "0.2–? MW"
    assert capacity_range(hass, _period(max_capacity_mw=0.5)) == "up to 0.5 MW"
    assert uk_time(hass, None) == "not given"
    description = period_description(hass, bare)
    assert "Utilisation ceiling price: not given" in description
    assert "Delivery: 1 December 07:00 GMT to 1 December 07:30 GMT" in description
    # Another year's day says its year.
    assert (
        uk_time(hass, dt.datetime(2027, 7, 1, 6, tzinfo=dt.UTC))
        == "1 July 2027 07:00 BST"
    )
    assert description.endswith("Supported by NGED Open Data")
    summary = period_summary(
        hass,
        _period(
            product="SU_LV_AM1",
            utilisation_ceiling=1234.5,
            required_service="Demand Turn Up (DTU)",
        ),
    )
    assert (
        summary == "£1,234.50/MWh — Scheduled Utilisation – LV Night (Demand Turn Up)"
    )
    assert zone_label(hass, Zone("CMZ_X", None, None, None, ())) == (
        "Zone CMZ_X — CMZ_X"
    )
    hass.config.language = "fr"
    await async_load_words(hass)
    assert period_summary(hass, bare) == "Appel de flexibilité"
    assert period_summary(
        hass,
        _period(utilisation_ceiling=1234.5, min_capacity_mw=0.1, max_capacity_mw=2.25),
    ) == ("0,1–2,25 MW, 1\u202f234,50 £/MWh — Appel de flexibilité")
    assert uk_time(hass, None) == "non indiqué"
    assert zone_label(hass, Zone("CMZ_X", Voltage.HV, "Ashgrove", None, ())) == (
        "Zone HV Ashgrove — CMZ_X"
    )
    assert market_gateway_product_name(" su_hv ") == "Scheduled Utilisation – HV"
    assert market_gateway_product_name("NEW_ONE") == "NEW_ONE"


async def test_market_reads_again_when_a_zone_is_added(
    session: ClientSession, cdp_sim: CdpSimulator
) -> None:
    client = fast_client(session, cdp_sim)
    empty = await async_read_market(client, [])
    assert empty.periods == {} and not cdp_sim.datastore_calls()
    first = await async_read_market(client, [ASHGROVE.code], empty)
    assert first.reread == ("Short Term Trade Parameters", "Trade Results Summary")
    more = await async_read_market(client, [ASHGROVE.code, MELTON.code], first)
    assert more.reread == ("Short Term Trade Parameters", "Trade Results Summary")
    assert len(more.periods[MELTON.code]) == 42
    fewer = await async_read_market(client, [MELTON.code], more)
    assert fewer.reread == ()
    assert set(fewer.periods) == {MELTON.code}
