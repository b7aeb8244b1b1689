"""Switchgrid client against the simulator over real HTTP, and its tolerant parsers."""

from __future__ import annotations

from collections.abc import AsyncIterator
import datetime as dt

import aiohttp
import pytest

from custom_components.gridflex.api.errors import (
    AuthError,
    ContractError,
    NotAvailableError,
    RateLimitedError,
)
from custom_components.gridflex.api.switchgrid import SwitchgridClient
from custom_components.gridflex.api.switchgrid.asks import add_duration, parse_ask
from custom_components.gridflex.api.switchgrid.enedis import (
    parse_contract_data,
    parse_period,
    parse_series,
)
from custom_components.gridflex.api.switchgrid.fields import delivery_point_id
from custom_components.gridflex.api.switchgrid.grdf import parse_grdf_records
from custom_components.gridflex.api.switchgrid.models import (
    GrdfReply,
    Holder,
    InlineContract,
    Order,
)
from tests.simulators.switchgrid import SwitchgridSimulator
from tests.simulators.switchgrid_data import gas_record

PCE = "01427641080000"
PRM = "00046372994792"


@pytest.fixture
async def client(
    switchgrid_sim: SwitchgridSimulator,
) -> AsyncIterator[SwitchgridClient]:
    async with aiohttp.ClientSession() as session:
        yield SwitchgridClient(
            session,
            switchgrid_sim.token,
            switchgrid_sim.url,
            test_mode=True,
            events_url=switchgrid_sim.events_url,
        )


def _gas_contract() -> InlineContract:
    return InlineContract(
        "gas", PCE, Holder(full_name="Jean Dupont"), "17 av. X", "75007", "Paris"
    )


async def test_ask_create_get_list(
    client: SwitchgridClient, switchgrid_sim: SwitchgridSimulator
) -> None:
    ask = await client.async_create_ask([_gas_contract()], "3 years")
    sent = switchgrid_sim.requests_to("/v0_1/ask", "POST")[0]
    assert sent.headers["switchgrid-test-env"] == "true"
    assert sent.body == {
        "contracts": [
            {
                "_energyType": "gas",
                "deliveryPointId": PCE,
                "holder": {"_tag": "NaturalPerson", "fullName": "Jean Dupont"},
                "address": {
                    "rueEtNumero": "17 av. X",
                    "codePostal": "75007",
                    "commune": "Paris",
                },
            }
        ],
        "consentDuration": "3 years",
    }
    assert ask.status == "PENDING_USER_ACTION"
    assert ask.user_url and ask.user_url.endswith(ask.id)
    assert ask.covers(PCE)
    switchgrid_sim.set_ask_status(ask.id, "ACCEPTED", acceptedAt="2026-01-31T10:00:00Z")
    fetched = await client.async_get_ask(ask.id)
    assert fetched.status == "ACCEPTED"
    assert fetched.expires_at == dt.datetime(2029, 1, 31, 10, tzinfo=dt.UTC)
    page = await client.async_list_asks(PCE, "ACCEPTED")
    assert [a.id for a in page.items] == [ask.id]
    assert page.total == 1
    with pytest.raises(NotAvailableError):
        await client.async_get_ask("missing")


async def test_legal_entity_holder_and_contract_id() -> None:
    holder = Holder(company_name="ACME SAS", other_names="ACME")
    assert holder.as_json() == {
        "_tag": "LegalEntity",
        "name": "ACME SAS",
        "otherNames": "ACME",
    }


async def test_errors_are_typed(
    client: SwitchgridClient, switchgrid_sim: SwitchgridSimulator
) -> None:
    switchgrid_sim.fail_next(status=429, retry_after="120")
    with pytest.raises(RateLimitedError) as err:
        await client.async_validate_token()
    assert err.value.retry_after == 120
    client.token = "wrong"
    with pytest.raises(AuthError):
        await client.async_validate_token()


async def test_search_contract_and_enedis_order(
    client: SwitchgridClient, switchgrid_sim: SwitchgridSimulator
) -> None:
    switchgrid_sim.enedis_contracts.append(
        {
            "id": "5a03cc9d",
            "prm": PRM,
            "nomClientFinalOuDenominationSociale": "DUPONT JEAN",
            "categorieClientFinalCode": "RES",
            "adresseInstallationNormalisee": {
                "ligne4": "17 AV X",
                "ligne6": "75007 PARIS",
            },
            "futureField": 1,
        }
    )
    found = await client.async_search_contract("Dupont", "17 av X 75007 Paris")
    assert [(c.id, c.prm, c.address_lines) for c in found] == [
        ("5a03cc9d", PRM, ("17 AV X", "75007 PARIS"))
    ]
    ask = await client.async_create_ask([found[0].id])
    assert switchgrid_sim.requests_to("/v0_1/ask", "POST")[0].body["contracts"] == [
        "5a03cc9d"
    ]
    switchgrid_sim.set_ask_status(ask.id, "ACCEPTED")
    switchgrid_sim.today = lambda: dt.date(2026, 3, 31)
    order = await client.async_order_enedis(
        PRM, dt.date(2026, 3, 28), dt.date(2026, 3, 30)
    )
    assert order.status == "PENDING_REQUESTS"
    assert [r.type for r in order.requests] == ["LOADCURVE", "C68_ASYNC"]
    curve_request = order.requests[0]
    with pytest.raises(NotAvailableError):
        await client.async_get_series(curve_request.id, PRM)
    order = await client.async_get_enedis_order(order.id)
    assert order.status == "SUCCESS"
    series = await client.async_get_series(curve_request.id, PRM)
    assert series is not None
    assert series.period == dt.timedelta(minutes=30)
    assert len(series.values) == 48 + 46  # 2026-03-29 is a 23-hour day in Paris
    c68 = await client.async_get_contract_data(order.requests[1].id, PRM)
    assert (c68.subscribed_power_kva, c68.off_peak_hours) == (9.0, "HC (23H00-7H00)")


async def test_failed_enedis_request_carries_upstream_message(
    client: SwitchgridClient, switchgrid_sim: SwitchgridSimulator
) -> None:
    order = await client.async_order_enedis(PRM, contract_data=False)
    assert order.requests[0].status == "FAILED"
    assert order.requests[0].error_message == (
        "No accepted consent covers this delivery point"
    )


@pytest.mark.parametrize("shape", ["order", "list"])
async def test_grdf_both_reply_shapes(
    client: SwitchgridClient, switchgrid_sim: SwitchgridSimulator, shape: str
) -> None:
    switchgrid_sim.grdf_reply_shape = shape
    switchgrid_sim.add_ask(PCE)
    switchgrid_sim.today = lambda: dt.date(2025, 1, 20)
    reply = await client.async_order_grdf(
        PCE, dt.date(2025, 1, 14), dt.date(2025, 1, 16)
    )
    if shape == "order":
        assert isinstance(reply, Order)
        order = await client.async_get_grdf_order(reply.id)
        reply = await client.async_get_grdf_records(order.requests[0].id)
    assert isinstance(reply, GrdfReply)
    assert [r.gas_day for r in reply.records] == [
        dt.date(2025, 1, 14),
        dt.date(2025, 1, 15),
        dt.date(2025, 1, 16),
    ]
    assert {r.pce for r in reply.records} == {PCE}
    assert switchgrid_sim.requests_to("donnees-informatives")[0].body == {
        "pce": PCE,
        "since": "2025-01-14",
        "until": "2025-01-16",
    }


async def test_grdf_without_consent_is_a_restitution_error(
    client: SwitchgridClient, switchgrid_sim: SwitchgridSimulator
) -> None:
    switchgrid_sim.grdf_reply_shape = "list"
    reply = await client.async_order_grdf(PCE)
    assert isinstance(reply, GrdfReply)
    assert reply.records == ()
    assert reply.errors[0].message == "Droit d'accès absent pour ce PCE"


async def test_events_feed_is_public(
    client: SwitchgridClient, switchgrid_sim: SwitchgridSimulator
) -> None:
    switchgrid_sim.events = [
        {
            "eventId": "e1",
            "startUtc": "2026-01-10T17:00:00Z",
            "endUtc": "2026-01-10T19:00:00Z",
            "summary": "Tempo",
            "description": None,
        },
        {"eventId": "bad", "startUtc": "nope", "endUtc": None},
    ]
    events = await client.async_get_events()
    assert [(e.event_id, e.start.hour, e.summary) for e in events] == [
        ("e1", 17, "Tempo")
    ]
    assert "Authorization" not in switchgrid_sim.received[-1].headers


def test_grdf_record_parsing_is_tolerant() -> None:
    record = gas_record("x", dt.date(2025, 1, 14), 123, 11)
    record["pce"] = {"id_pce": 1427641080000}
    record["consommation"]["nouveau"] = "kept"
    reply = parse_grdf_records({"data": [record, {"junk": True}, "x"]})
    assert reply.records[0].pce == "01427641080000"
    assert reply.records[0].energy_kwh == 123
    assert reply.records[0].conversion_coefficient == 11.2
    assert parse_grdf_records(record).records[0].volume_m3 == 11
    assert parse_grdf_records({PCE: [record]}).records[0].gas_day == dt.date(
        2025, 1, 14
    )
    with pytest.raises(ContractError):
        parse_grdf_records("nope")


def test_ids_periods_durations() -> None:
    assert delivery_point_id(46372994792) == PRM
    assert delivery_point_id(46372994792.0) == PRM
    assert delivery_point_id(" 46372994792 ") == PRM
    with pytest.raises(ContractError):
        delivery_point_id(True)
    assert parse_period("PT30M") == dt.timedelta(minutes=30)
    assert parse_period("P1D") == dt.timedelta(days=1)
    assert parse_period("1h") == dt.timedelta(hours=1)
    assert parse_period("weird") is None
    start = dt.datetime(2024, 2, 29, tzinfo=dt.UTC)
    assert add_duration(start, "1 year") == dt.datetime(2025, 2, 28, tzinfo=dt.UTC)
    assert add_duration(start, "2 weeks") == dt.datetime(2024, 3, 14, tzinfo=dt.UTC)
    assert add_duration(start, "1 day") == dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    assert add_duration(start, "1 month") == dt.datetime(2024, 3, 29, tzinfo=dt.UTC)
    assert add_duration(start, "forever") is None


def test_unknown_values_are_data() -> None:
    ask = parse_ask(
        {"id": "a", "status": "BRAND_NEW", "contracts": [{"deliveryPointId": 1}]}
    )
    assert ask.status == "BRAND_NEW"
    assert ask.contracts[0].delivery_point_id == "00000000000001"
    with pytest.raises(ContractError):
        parse_ask({"status": "ACCEPTED"})
    assert parse_series({"other": {}}, PRM) is None
    series = parse_series(
        {
            "46372994792": {
                "period": "PT30M",
                "startsAt": "2026-01-01T00:00:00",
                "values": [1, None, "x"],
            }
        },
        PRM,
    )
    assert series is not None and series.values == (1.0, None, None)
    with pytest.raises(ContractError):
        parse_series({PRM: {"period": "?", "values": []}}, PRM)
    data = parse_contract_data(
        {PRM: {"puissanceSouscrite": 6, "plagesHeuresCreuses": ["22h-6h"]}}, PRM
    )
    assert (data.subscribed_power_kva, data.off_peak_hours) == (6.0, "22h-6h")
