"""FPP settlement reads and the emergency stop, client against the FPP simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
import datetime as dt

import aiohttp
import pytest

from custom_components.gridflex.api.errors import ContractError, RejectedError
from custom_components.gridflex.api.fpp import FppClient
from custom_components.gridflex.api.fpp.settlement import parse_events, utc_text
from tests.market.conftest import NOW
from tests.simulators.fpp import FppSimulator


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def test_performance_and_invoices(
    fpp_sim: FppSimulator, session: aiohttp.ClientSession
) -> None:
    fpp_sim.utilisation_events = [
        {
            "id": "UE-2",
            "instruction_id": "I-2",
            "meterable_unit_id": "MU-1001",
            "start": "2026-03-20T17:00:00Z",
            "end": "2026-03-20T18:00:00Z",
            "requested_kwh": 3.5,
            "delivered_kwh": "3.1",
            "performance_pct": 88.6,
            "payment_gbp": 1.24,
            "settled": True,
        },
        {"id": "UE-1", "meterable_unit_id": "MU-1001", "end": "2026-03-10T18:00:00"},
        {"id": "UE-X", "meterable_unit_id": "MU-9", "end": "2026-03-10T18:00:00Z"},
        {"meterable_unit_id": "MU-1001", "end": "2026-03-10T18:00:00Z"},
    ]
    fpp_sim.invoices = [
        {
            "id": "INV-2",
            "month": "2026-02",
            "status": "ISSUED",
            "amount_gbp": 12.5,
            "issued_at": "2026-03-15T09:00:00Z",
        },
        {"id": "INV-1", "month": "2026-01", "status": "PAID", "amount_gbp": "8.20"},
    ]
    fpp = FppClient(session, fpp_sim.token, fpp_sim.url)
    events = await fpp.async_get_event_performance(
        "MU-1001", NOW - dt.timedelta(days=35), NOW
    )
    assert [e.id for e in events] == ["UE-1", "UE-2"]
    assert events[0].end == dt.datetime(2026, 3, 10, 18, tzinfo=dt.UTC)  # zoneless: UTC
    assert events[1].delivered_kwh == 3.1
    assert events[1].extra == {"settled": True}
    query = fpp_sim.received[-1].query
    assert query == {
        "meterable_unit_id": "MU-1001",
        "from": "2026-02-16T10:00:00Z",
        "to": "2026-03-23T10:00:00Z",
    }
    invoices = await fpp.async_get_invoices(dt.date(2026, 1, 1), dt.date(2026, 3, 23))
    assert [(i.month, i.amount_gbp) for i in invoices] == [
        ("2026-01", 8.2),
        ("2026-02", 12.5),
    ]
    assert fpp_sim.received[-1].query == {"from": "2026-01", "to": "2026-03"}
    assert "invoices" in fpp.last_replies


async def test_emergency_stop_body(
    fpp_sim: FppSimulator, session: aiohttp.ClientSession
) -> None:
    fpp = FppClient(session, fpp_sim.token, fpp_sim.url)
    await fpp.async_emergency_stop("MU-1001", NOW, "battery low")
    assert fpp_sim.emergency_stops == [
        {
            "meterable_unit_id": "MU-1001",
            "timestamp": "2026-03-23T10:00:00Z",
            "reason": "battery low",
        }
    ]
    with pytest.raises(RejectedError):
        await fpp.async_emergency_stop("MU-1001", NOW, "")


def test_tolerant_and_strict_edges() -> None:
    assert (
        parse_events({"items": [{"id": 7, "end": "garbage", "payment_gbp": True}]})[
            0
        ].payment_gbp
        is None
    )
    with pytest.raises(ContractError):
        parse_events("nope")
    with pytest.raises(ValueError):
        utc_text(dt.datetime(2026, 1, 1))
