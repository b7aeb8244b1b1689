"""The readings wire format and FppClient upload methods, against the FPP simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
import datetime as dt
import json

import aiohttp
import pytest

from custom_components.gridflex.api.errors import (
    AuthError,
    RateLimitedError,
    RejectedError,
    TemporaryError,
)
from custom_components.gridflex.api.fpp import EnergyReading, FppClient, PowerReading
from custom_components.gridflex.api.fpp.readings import (
    accepted_count,
    encode_energy_body,
    encode_power_body,
    energy_body,
    power_body,
)
from custom_components.gridflex.api.utc import utc_z
from tests.simulators.fpp import FppSimulator

T0 = dt.datetime(2026, 1, 15, 17, 1, tzinfo=dt.UTC)


@pytest.fixture
async def client(fpp_sim: FppSimulator) -> AsyncIterator[FppClient]:
    async with aiohttp.ClientSession() as session:
        yield FppClient(session, fpp_sim.token, fpp_sim.url, timeout=0.5)


def test_power_body_is_utc_z_period_end_3_decimals() -> None:
    paris = dt.timezone(dt.timedelta(hours=1))
    body = power_body(
        "MU-1",
        [
            PowerReading(T0, -2.34567),
            PowerReading(dt.datetime(2026, 1, 15, 18, 2, tzinfo=paris), 0.0004),
        ],
    )
    assert body == {
        "meterable_unit_id": "MU-1",
        "readings": [
            {"timestamp": "2026-01-15T17:01:00Z", "power_kw": -2.346},
            {"timestamp": "2026-01-15T17:02:00Z", "power_kw": 0.0},
        ],
    }


def test_encoded_bodies_are_the_same_bodies() -> None:
    """The bodies the queue sends, encoded from (epoch, value) pairs, across midnight."""
    first = int(dt.datetime(2026, 1, 15, 23, 58, tzinfo=dt.UTC).timestamp())
    values = [-2.34567, 0.0004, -0.0004, 12345.6789, 1 / 3]
    pairs = [(first + 60 * i, v) for i, v in enumerate(values)]
    as_readings = [
        PowerReading(dt.datetime.fromtimestamp(t, dt.UTC), v) for t, v in pairs
    ]
    encoded = json.loads(encode_power_body('MU-"1', pairs))
    assert encoded == power_body('MU-"1', as_readings)
    assert encoded["readings"][2] == {
        "timestamp": "2026-01-16T00:00:00Z",
        "power_kw": -0.0,
    }
    half = int(dt.datetime(2026, 1, 15, 17, 30, tzinfo=dt.UTC).timestamp())
    assert json.loads(encode_energy_body("MU-1", [(half, 1.23456)])) == energy_body(
        "MU-1", [EnergyReading(dt.datetime.fromtimestamp(half, dt.UTC), 1.23456)]
    )
    with pytest.raises(ValueError, match="30-minute boundary"):
        encode_energy_body("MU-1", [(half + 60, 1.0)])
    with pytest.raises(ValueError, match="not a number"):
        encode_power_body("MU-1", [(half, float("nan"))])
    with pytest.raises(ValueError, match="at most 1440"):
        encode_power_body("MU-1", [(half, 1.0)] * 1441)


def test_energy_body_refuses_off_boundary_and_naive_times() -> None:
    half = dt.datetime(2026, 1, 15, 17, 30, tzinfo=dt.UTC)
    assert energy_body("MU-1", [EnergyReading(half, 1.23456)])["readings"] == [
        {"timestamp": "2026-01-15T17:30:00Z", "energy_kwh": 1.235}
    ]
    with pytest.raises(ValueError, match="30-minute boundary"):
        energy_body("MU-1", [EnergyReading(T0, 1.0)])
    with pytest.raises(ValueError, match="naive"):
        power_body("MU-1", [PowerReading(dt.datetime(2026, 1, 15, 17, 1), 1.0)])
    with pytest.raises(ValueError, match="naive"):
        utc_z(dt.datetime(2026, 1, 15, 17, 1))
    with pytest.raises(ValueError, match="no readings"):
        power_body("MU-1", [])
    with pytest.raises(ValueError, match="at most 1440"):
        power_body("MU-1", [PowerReading(T0, 1.0)] * 1441)


def test_accepted_count_is_tolerant() -> None:
    assert accepted_count({"accepted": 3, "extra": True}, 5) == 3
    assert accepted_count(None, 5) == 5
    assert accepted_count({"accepted": "3"}, 5) == 5


async def test_put_power_and_energy_reach_fpp(
    client: FppClient, fpp_sim: FppSimulator
) -> None:
    assert await client.async_put_power_readings("MU-1", [PowerReading(T0, 1.5)]) == 1
    half = dt.datetime(2026, 1, 15, 17, 30, tzinfo=dt.UTC)
    assert (
        await client.async_put_energy_readings("MU-1", [EnergyReading(half, -0.25)])
        == 1
    )
    assert fpp_sim.power == {"MU-1": {T0: 1.5}}
    assert fpp_sim.energy == {"MU-1": {half: -0.25}}
    sent = fpp_sim.requests_to("/readings", "PUT")[0]
    assert sent.headers["Authorization"] == f"Bearer {fpp_sim.token}"


async def test_put_errors_are_typed(client: FppClient, fpp_sim: FppSimulator) -> None:
    readings = [PowerReading(T0, 1.0)]
    fpp_sim.fail_next(
        status=400, body={"error": "invalid_reading", "detail": "readings[0]: bad"}
    )
    with pytest.raises(RejectedError) as rejected:
        await client.async_put_power_readings("MU-1", readings)
    assert rejected.value.status == 400
    assert rejected.value.detail == "readings[0]: bad"
    fpp_sim.fail_next(status=429, retry_after="42")
    with pytest.raises(RateLimitedError) as limited:
        await client.async_put_power_readings("MU-1", readings)
    assert limited.value.retry_after == 42
    fpp_sim.fail_next(status=503, retry_after="5")
    with pytest.raises(TemporaryError) as temporary:
        await client.async_put_power_readings("MU-1", readings)
    assert temporary.value.retry_after == 5
    fpp_sim.fail_next(status=200, delay=2)
    with pytest.raises(TemporaryError, match="timed out"):
        await client.async_put_power_readings("MU-1", readings)
    client.token = "wrong"
    with pytest.raises(AuthError):
        await client.async_put_power_readings("MU-1", readings)
    assert fpp_sim.power == {}
