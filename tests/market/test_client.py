"""The Market Gateway client against the simulator: operations, paging, errors, list shapes."""

from __future__ import annotations

import datetime as dt

import aiohttp
import pytest

from custom_components.gridflex.api.errors import (
    AuthError,
    ContractError,
    NotAvailableError,
    RateLimitedError,
)
from custom_components.gridflex.api.market_gateway import (
    ConflictError,
    InvalidFieldsError,
    MarketGatewayClient,
    NotPermittedError,
    TradeResponseWindow,
)
from custom_components.gridflex.api.market_gateway.wire import page_of, single_of
from tests.market.conftest import NOW
from tests.simulators.market_gateway import MarketGatewaySimulator


@pytest.fixture
async def session() -> aiohttp.ClientSession:
    async with aiohttp.ClientSession() as session:
        yield session  # type: ignore[misc]


def client(
    sim: MarketGatewaySimulator, session: aiohttp.ClientSession, **kw: object
) -> MarketGatewayClient:
    return MarketGatewayClient(session, sim.token, sim.url, **kw)  # type: ignore[arg-type]


async def test_meterable_units_page_after_page(
    mg_sim: MarketGatewaySimulator, session: aiohttp.ClientSession
) -> None:
    mg_sim.meterable_units += [
        {"meterableUnitId": f"MU-{n}", "name": f"Unit {n}", "futureField": n}
        for n in range(5)
    ]
    mg = client(mg_sim, session, page_size=2)
    units = await mg.async_get_meterable_units()
    assert [u.id for u in units] == [
        "MU-1001",
        "MU-1002",
        "MU-0",
        "MU-1",
        "MU-2",
        "MU-3",
        "MU-4",
    ]
    assert units[2].extra == {"futureField": 0}
    pages = [r.query["page"] for r in mg_sim.requests_to("/getMeterableUnits")]
    assert pages == ["1", "2", "3", "4"]
    assert units[0].products == ("OU_15", "SU_LV_PM2")
    assert units[0].zone == "CMZ_T10A_EM_0097"
    assert units[0].granularity == "MINUTE"


async def test_bare_array_listing_and_api_key_header(
    mg_sim: MarketGatewaySimulator, session: aiohttp.ClientSession
) -> None:
    mg_sim.bare_lists = True
    mg = client(mg_sim, session, use_api_key_header=True)
    assert len(await mg.async_get_meterable_units()) == 2
    sent = mg_sim.received[-1].headers
    assert sent["X-API-Key"] == mg_sim.token
    assert "Authorization" not in sent


async def test_token_refused_is_auth_error_and_forbidden_is_not(
    mg_sim: MarketGatewaySimulator, session: aiohttp.ClientSession
) -> None:
    wrong = MarketGatewayClient(session, "wrong", mg_sim.url)
    with pytest.raises(AuthError):
        await wrong.async_validate_token()
    mg_sim.forbidden.add("getTradeAwards")
    with pytest.raises(NotPermittedError):
        await client(mg_sim, session).async_get_trade_awards()
    assert wrong.last_replies["getMeterableUnits"]["ok"] is False


async def test_rate_limit_carries_retry_after(
    mg_sim: MarketGatewaySimulator, session: aiohttp.ClientSession
) -> None:
    mg_sim.fail_next(status=429, retry_after="120")
    with pytest.raises(RateLimitedError) as caught:
        await client(mg_sim, session).async_get_trade_opportunities()
    assert caught.value.retry_after == 120


async def test_opportunities_in_uk_clock_time(
    mg_sim: MarketGatewaySimulator, session: aiohttp.ClientSession
) -> None:
    mg_sim.opportunities = [
        {
            "opportunityId": "OPP-DST",
            "opportunityName": "Across the spring change",
            "cmzCode": "CMZ_A",
            "utilisationCeilingPrice": "600",
            "tradeClosingDate": "2026-03-28T12:00:00",
            "windows": [
                {
                    "windowId": "W1",
                    "deliveryPeriods": [
                        # Saturday GMT, Sunday BST, and the autumn change.
                        {
                            "startDate": "2026-03-28",
                            "startTime": "16:00",
                            "endTime": "19:00",
                        },
                        {
                            "startDate": "2026-03-29",
                            "startTime": "16:00",
                            "endTime": "19:00",
                        },
                        {
                            "startDate": "2026-10-25",
                            "startTime": "00:30",
                            "endTime": "02:00",
                        },
                        {
                            "startDate": "2026-03-29",
                            "startTime": "23:00",
                            "endTime": "24:00",
                        },
                        {
                            "startDate": "not a date",
                            "startTime": "16:00",
                            "endTime": "19:00",
                        },
                    ],
                },
                "not a window",
            ],
        },
        {"opportunityName": "no id: skipped"},
    ]
    [opp] = await client(mg_sim, session).async_get_trade_opportunities(zone="CMZ_A")
    assert opp.closing == dt.datetime(2026, 3, 28, 12, tzinfo=dt.UTC)
    assert opp.utilisation_ceiling_price == 600.0
    periods = [(p.start, p.end) for p in opp.delivery_periods]
    utc = dt.UTC
    assert periods == [
        (
            dt.datetime(2026, 3, 28, 16, tzinfo=utc),
            dt.datetime(2026, 3, 28, 19, tzinfo=utc),
        ),
        (
            dt.datetime(2026, 3, 29, 15, tzinfo=utc),
            dt.datetime(2026, 3, 29, 18, tzinfo=utc),
        ),
        (
            dt.datetime(2026, 3, 29, 22, tzinfo=utc),
            dt.datetime(2026, 3, 29, 23, tzinfo=utc),
        ),
        # 00:30 BST to 02:00 GMT is two and a half hours.
        (
            dt.datetime(2026, 10, 24, 23, 30, tzinfo=utc),
            dt.datetime(2026, 10, 25, 2, tzinfo=utc),
        ),
    ]
    assert mg_sim.received[-1].query["cmzCode"] == "CMZ_A"
    assert opp.is_open(NOW)


async def test_single_objects_and_unknown_ids(
    mg_sim: MarketGatewaySimulator, session: aiohttp.ClientSession
) -> None:
    mg = client(mg_sim, session)
    assert (await mg.async_get_meterable_unit("MU-1002")).name == "EV charger"
    assert (await mg.async_get_trade_opportunity("OPP-2001")).zone == "CMZ_T10A_EM_0097"
    award = await mg.async_get_trade_award("AW-3001")
    assert award.awarded_capacity_mw == 0.004
    with pytest.raises(NotAvailableError):
        await mg.async_get_trade_opportunity("OPP-0")
    baselines = await mg.async_get_baselines("MU-1001")
    assert len(baselines) == 7 * 48
    assert baselines[0].day_of_week == 0 and baselines[0].local_time == dt.time(0, 0)
    assert await mg.async_get_assets() == []


async def test_trade_responses_lifecycle_and_refusals(
    mg_sim: MarketGatewaySimulator, session: aiohttp.ClientSession
) -> None:
    mg = client(mg_sim, session)
    window = [TradeResponseWindow("W1", 0.004, None, 500.0)]
    response = await mg.async_create_trade_response("OPP-2001", "MU-1001", window)
    assert response.status == "SUBMITTED"
    with pytest.raises(ConflictError):
        await mg.async_create_trade_response("OPP-2001", "MU-1001", window)
    with pytest.raises(ConflictError):
        await mg.async_create_trade_response("OPP-1999", "MU-1001", window)
    with pytest.raises(InvalidFieldsError) as caught:
        await mg.async_create_trade_response(
            "OPP-2002", "MU-1001", [TradeResponseWindow("W9", 0, None, 9999.0)]
        )
    fields = [f for f, _ in caught.value.fields]
    assert fields == [
        "windows[0].windowId",
        "windows[0].offeredCapacityMw",
        "windows[0].utilisationPrice",
    ]
    edited = await mg.async_edit_trade_response(
        response.id,
        "OPP-2001",
        "MU-1001",
        [TradeResponseWindow("W1", 0.003, None, 450.0)],
    )
    assert edited.id == response.id
    assert [r.id for r in await mg.async_get_trade_responses()] == [response.id]
    assert (await mg.async_get_trade_response(response.id)).opportunity_id == "OPP-2001"
    await mg.async_delete_trade_response(response.id)
    assert await mg.async_get_trade_responses() == []
    sent = mg_sim.requests_to("/createTradeResponse")[0].body
    assert sent == {
        "opportunityId": "OPP-2001",
        "meterableUnitId": "MU-1001",
        "windows": [
            {
                "windowId": "W1",
                "offeredCapacityMw": 0.004,
                "availabilityPrice": None,
                "utilisationPrice": 500.0,
            }
        ],
    }


def test_list_shapes_and_broken_bodies() -> None:
    assert page_of({"data": [{"a": 1}, 2]}, 3).items == [{"a": 1}]
    assert page_of({"items": [], "page": 2, "totalPages": 5}, 1).total_pages == 5
    with pytest.raises(ContractError):
        page_of("nope", 1)
    assert single_of({"item": {"id": "x"}}) == {"id": "x"}
    with pytest.raises(ContractError):
        single_of([1])
