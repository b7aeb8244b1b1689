"""The CDP client against the real simulator: envelope, discovery, paging, typed rows, errors."""

from __future__ import annotations

import datetime as dt
import json

from aiohttp import ClientSession
import pytest

from custom_components.gridflex.api.cdp import (
    ALL_POSTCODES,
    FORECASTS_DATASET,
    TRADE_PARAMETERS,
    TRADES_DATASET,
    AccessRefusedError,
    Outcome,
    Voltage,
    postcode_forms,
)
from custom_components.gridflex.api.errors import (
    ContractError,
    NotAvailableError,
    RateLimitedError,
    RejectedError,
    TemporaryError,
)
from tests.simulators.cdp import POSTCODES_ID, RESULTS_SUMMARY_ID, STTP_ID, CdpSimulator
from tests.simulators.cdp_data import ASHGROVE, PEN_Y_BRYN, postcode_row, trade_row

from .conftest import fast_client

UK_OFFSET_WINTER = dt.timedelta(0)


async def test_raw_token_and_discovery_by_name(
    session: ClientSession, cdp_sim: CdpSimulator
) -> None:
    client = fast_client(session, cdp_sim)
    sttp = await client.async_find_resource(TRADES_DATASET, TRADE_PARAMETERS)
    assert sttp.id == STTP_ID
    assert sttp.datastore_active
    assert sttp.url and sttp.url.startswith("https://")
    # Punctuation and case do not matter: "Trade Results (Summary)" is the same resource.
    summary = await client.async_find_resource(
        TRADES_DATASET, "trade results (summary)"
    )
    assert summary.id == RESULTS_SUMMARY_ID
    (first, *_) = cdp_sim.requests_to("/package_show")
    assert first.headers["Authorization"] == "cdp-token"  # raw, no "Bearer"
    assert first.query == {"id": TRADES_DATASET}


async def test_without_a_token_urls_are_redacted_and_restricted_reads_refused_on_200(
    session: ClientSession, cdp_sim: CdpSimulator
) -> None:
    client = fast_client(session, cdp_sim, token=None)
    await client.async_status()
    dataset = await client.async_dataset(FORECASTS_DATASET)
    where = next(r for r in dataset.resources if r.name == ALL_POSTCODES)
    assert where.url is None  # "redacted"
    assert "Authorization" not in cdp_sim.received[-1].headers
    with pytest.raises(AccessRefusedError) as refused:
        await client.async_check_access()
    assert refused.value.token_sent is False
    assert cdp_sim.received[-1].status == 200  # the quirk: refused with HTTP 200


async def test_a_revoked_token_is_refused_as_sent(
    session: ClientSession, cdp_sim: CdpSimulator
) -> None:
    client = fast_client(session, cdp_sim, token="revoked")
    with pytest.raises(AccessRefusedError) as refused:
        await client.async_status()
    assert refused.value.token_sent is True


async def test_a_resource_missing_from_its_dataset_falls_back_to_todays_id(
    session: ClientSession, cdp_sim: CdpSimulator
) -> None:
    cdp_sim.resources[STTP_ID].dataset = "moved-elsewhere"
    client = fast_client(session, cdp_sim)
    found = await client.async_find_resource(TRADES_DATASET, TRADE_PARAMETERS)
    assert found.id == STTP_ID
    assert cdp_sim.requests_to("/resource_show")[-1].query == {"id": STTP_ID}
    with pytest.raises(NotAvailableError):
        await client.async_find_resource(TRADES_DATASET, "Nothing of that name")
    with pytest.raises(NotAvailableError):
        await client.async_dataset("no-such-dataset")


async def test_paging_follows_total_across_three_pages(
    session: ClientSession, cdp_sim: CdpSimulator
) -> None:
    client = fast_client(session, cdp_sim)
    periods, skipped = await client.async_trade_periods(
        STTP_ID, [ASHGROVE.code, PEN_Y_BRYN.code], page_size=40
    )
    # Two weeks of trades: Ashgrove 3 periods a day, Pen-y-Bryn 4: 98 rows, 3 pages of 40.
    assert len(periods) == 98
    assert not skipped.counts
    calls = cdp_sim.datastore_calls()
    assert [c["offset"] for c in calls] == ["0", "40", "80"]
    assert json.loads(calls[0]["filters"]) == {
        "CMZ Code": sorted([ASHGROVE.code, PEN_Y_BRYN.code])
    }
    assert {p.cmz_code for p in periods} == {ASHGROVE.code, PEN_Y_BRYN.code}
    # Latin-1 text arrives intact.
    assert {p.cmz_name for p in periods} == {"Ashgrove", "Pen-y-Bryn Café Row"}


async def test_trade_period_row_is_typed_in_uk_time(
    session: ClientSession, cdp_sim: CdpSimulator
) -> None:
    cdp_sim.set_records(
        STTP_ID,
        [
            trade_row(
                ASHGROVE,
                dt.date(2026, 12, 7),
                dt.date(2026, 12, 8),
                "07:00",
                utilisation="£7.02",
                capacity=("", "0.564"),
            ),
            {"CMZ Code": "", "Delivery Date": "08/12/2026"},
            {"CMZ Code": ASHGROVE.code, "Delivery Date": "31/02/2026"},
        ],
    )
    client = fast_client(session, cdp_sim)
    (period,), skipped = await client.async_trade_periods(STTP_ID, [ASHGROVE.code])
    assert skipped.counts == {
        "no delivery time": 1
    }  # the row without a zone is filtered out
    assert period.start == dt.datetime(2026, 12, 8, 7, 0, tzinfo=dt.UTC)
    assert period.end - period.start == dt.timedelta(minutes=30)
    assert period.closes == dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)
    assert period.opens is not None and period.opens.utcoffset() == UK_OFFSET_WINTER
    assert period.utilisation_ceiling == 7.02
    assert period.availability_ceiling == 0
    assert period.min_capacity_mw is None  # empty is none, never zero
    assert period.max_capacity_mw == 0.564
    assert period.max_voltage_kv == 11
    assert period.product == "SU_HV"


async def test_postcode_lookup_tries_spaced_then_compact(
    session: ClientSession, cdp_sim: CdpSimulator
) -> None:
    client = fast_client(session, cdp_sim)
    zones = await client.async_lookup_postcode("sa1 1aa", POSTCODES_ID)
    assert zones is not None and zones.hv is not None and zones.lv is not None
    assert zones.hv.cmz_code == ASHGROVE.code
    assert zones.hv.products == ("SU_HV",)  # from the misspelt "HV Zonne" column
    assert zones.hv.voltage is Voltage.HV
    assert zones.lv.name == "Pen-y-Bryn Café Row"
    assert zones.lv.licence_area == "South Wales"
    assert zones.gsp_name == "Swansea North"
    compact = await client.async_lookup_postcode("SA2 0QQ", POSTCODES_ID)
    assert compact is not None and compact.lv is None and compact.hv is not None
    assert compact.zones == (compact.hv,)
    assert await client.async_lookup_postcode("ZZ9 9ZZ", POSTCODES_ID) is None
    assert await client.async_lookup_postcode("not a postcode", POSTCODES_ID) is None
    assert postcode_forms("ec1a1bb") == ("EC1A 1BB", "EC1A1BB")


async def test_find_zone_by_code(session: ClientSession, cdp_sim: CdpSimulator) -> None:
    client = fast_client(session, cdp_sim)
    lv = await client.async_find_zone(PEN_Y_BRYN.code, POSTCODES_ID, STTP_ID)
    assert lv is not None and lv.voltage is Voltage.LV and lv.name == PEN_Y_BRYN.name
    # A zone no postcode names is still found from its trades.
    cdp_sim.set_records(POSTCODES_ID, [postcode_row("SA1 1AA", None, None)])
    from_trades = await client.async_find_zone(ASHGROVE.code, POSTCODES_ID, STTP_ID)
    assert from_trades is not None and from_trades.licence_area == "South Wales"
    assert await client.async_find_zone("CMZ_NONE", POSTCODES_ID, STTP_ID) is None


async def test_trade_results_are_typed(
    session: ClientSession, cdp_sim: CdpSimulator
) -> None:
    client = fast_client(session, cdp_sim)
    results, _ = await client.async_trade_results(RESULTS_SUMMARY_ID, [ASHGROVE.code])
    assert len(results) == 5
    latest = [r for r in results if r.trade_name and "23/11/2026" in r.trade_name]
    assert [r.outcome for r in latest] == [
        Outcome.ACCEPTED,
        Outcome.ACCEPTED,
        Outcome.REJECTED,
        Outcome.NO_RESPONSE,
    ]
    assert latest[1].company == "Énergie Flex Ltd"
    assert latest[1].accepted_capacity_kw == 95.5
    assert latest[2].accepted_capacity_kw is None
    assert latest[0].awarded_utilisation_price == 6.5
    assert latest[0].delivery_start == dt.date(2026, 11, 23)
    assert latest[0].closes == dt.datetime(2026, 11, 19, 12, 0, tzinfo=dt.UTC)


async def test_cdn_403_burst_is_retried_with_backoff(
    session: ClientSession, cdp_sim: CdpSimulator
) -> None:
    waits: list[float] = []
    client = fast_client(session, cdp_sim, waits=waits)
    client.transport.pause = 0
    cdp_sim.cdn_block_next(3)
    dataset = await client.async_dataset(TRADES_DATASET)
    assert dataset.rights == "NGED Open Data Licence"
    assert waits == [2.0, 4.0, 8.0]
    assert client.requests_made == 4


async def test_backoff_gives_up_after_16_seconds_and_honours_retry_after(
    session: ClientSession, cdp_sim: CdpSimulator
) -> None:
    waits: list[float] = []
    client = fast_client(session, cdp_sim, waits=waits)
    client.transport.pause = 0
    cdp_sim.cdn_block_next(5)
    with pytest.raises(TemporaryError):
        await client.async_status()
    assert waits == [2.0, 4.0, 8.0, 16.0]
    waits.clear()
    cdp_sim.fail_next(1, status=429, retry_after="30", body="slow down")
    cdp_sim.fail_next(1, status=503, body="maintenance")
    await client.async_status()
    assert waits == [30.0, 4.0]
    client.transport.retry_delays = ()
    cdp_sim.fail_next(1, status=429, body="slow down")
    with pytest.raises(RateLimitedError):
        await client.async_status()


async def test_requests_are_one_at_a_time_with_a_pause(
    session: ClientSession, cdp_sim: CdpSimulator
) -> None:
    waits: list[float] = []
    client = fast_client(session, cdp_sim, waits=waits)
    await client.async_status()
    await client.async_status()
    assert len(waits) == 1 and 0 < waits[0] <= 0.25


async def test_envelope_errors_are_typed(
    session: ClientSession, cdp_sim: CdpSimulator
) -> None:
    client = fast_client(session, cdp_sim)
    client.transport.retry_delays = ()
    with pytest.raises(NotAvailableError):
        await client.async_resource("no-such-id")
    with pytest.raises(RejectedError) as rejected:
        await client.async_search(STTP_ID, filters='{"No Such Column": "x"}')
    assert rejected.value.status == 409
    with pytest.raises(RejectedError) as unknown:
        await client.transport.action("no_such_action", {})
    assert unknown.value.status == 400 and "Action name not known" in str(
        unknown.value.detail
    )
    cdp_sim.fail_next(1, status=200, body={"result": "no envelope"})
    with pytest.raises(ContractError):
        await client.async_status()
    cdp_sim.fail_next(
        1, status=500, body={"success": False, "error": {"__type": "Internal"}}
    )
    with pytest.raises(TemporaryError):
        await client.async_status()
    cdp_sim.fail_next(1, status=401, body="who are you")
    with pytest.raises(AccessRefusedError):
        await client.async_status()
    cdp_sim.fail_next(1, status=404, body="gone")
    with pytest.raises(NotAvailableError):
        await client.async_status()
    cdp_sim.fail_next(
        1, status=200, body={"success": True, "result": {"records": "oops"}}
    )
    with pytest.raises(ContractError):
        await client.async_search(STTP_ID)
    cdp_sim.fail_next(1, status=200, body={"success": True, "result": [1]})
    with pytest.raises(ContractError):
        await client.async_dataset(TRADES_DATASET)
    cdp_sim.fail_next(
        1,
        status=200,
        body={"success": False, "error": {"__type": "Validation Error", "q": ["bad"]}},
    )
    with pytest.raises(RejectedError) as validation:
        await client.async_status()
    assert validation.value.status == 409 and "bad" in str(validation.value)
