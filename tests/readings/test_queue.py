"""The durable readings queue against the FPP simulator, with HA's real Store."""

from __future__ import annotations

from collections.abc import AsyncIterator
import datetime as dt

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.storage import Store
import pytest

from custom_components.gridflex.api.fpp import FppClient
from custom_components.gridflex.readings.queue import (
    BACKOFF_MAX,
    ReadingKind,
    ReadingsQueue,
    UploadResult,
    retry_delay,
)
from tests.simulators.fpp import FppSimulator

T0 = int(dt.datetime(2026, 1, 15, 17, 0, tzinfo=dt.UTC).timestamp())


@pytest.fixture
async def queue(
    hass: HomeAssistant, fpp_sim: FppSimulator
) -> AsyncIterator[ReadingsQueue]:
    client = FppClient(async_get_clientsession(hass), fpp_sim.token, fpp_sim.url)
    yield ReadingsQueue("MU-1", Store(hass, 1, "gridflex.test_queue"), client)


def minutes(count: int, start: int = T0) -> list[tuple[int, float]]:
    return [(start + 60 * (i + 1), i / 1000) for i in range(count)]


async def test_batches_of_1440_removed_after_200(
    hass: HomeAssistant, queue: ReadingsQueue, fpp_sim: FppSimulator
) -> None:
    queue.add(ReadingKind.POWER, minutes(3000))
    queue.add(ReadingKind.ENERGY, [(T0 + 1800, 1.23456)])
    await queue.async_save_state({"next_minute": 1})
    assert queue.size == 3001
    outcome = await queue.async_upload()
    assert outcome.result is UploadResult.OK
    assert outcome.sent == 3001
    assert queue.size == 0
    sizes = [len(r.body["readings"]) for r in fpp_sim.requests_to("/readings")]
    assert sizes == [1440, 1440, 120]
    assert len(fpp_sim.power["MU-1"]) == 3000
    assert list(fpp_sim.energy["MU-1"].values()) == [1.235]
    assert queue.last_sent == T0 + 60 * 3000


async def test_saved_before_upload_and_restored(
    hass: HomeAssistant, queue: ReadingsQueue, fpp_sim: FppSimulator
) -> None:
    fpp_sim.fail_next(status=503, retry_after="7")
    queue.add(ReadingKind.POWER, minutes(5))
    await queue.async_save_state({"next_minute": 42})
    outcome = await queue.async_upload()
    assert outcome.result is UploadResult.TEMPORARY_ERROR
    assert outcome.retry_after == 7
    again = ReadingsQueue("MU-1", queue._store, queue.client)
    await again.async_load()
    assert again.size == 5
    assert again.state == {"next_minute": 42}
    assert again.oldest_pending() == T0 + 60


async def test_rejected_batch_parked_others_sent(
    hass: HomeAssistant, queue: ReadingsQueue, fpp_sim: FppSimulator
) -> None:
    queue.add(ReadingKind.POWER, minutes(1500))
    await queue.async_save_state(queue.state)
    fpp_sim.fail_next(
        status=400, body={"error": "invalid_reading", "detail": "readings[3]: no"}
    )
    outcome = await queue.async_upload()
    assert outcome.result is UploadResult.REJECTED
    assert outcome.error == "readings[3]: no"
    assert [len(b.readings) for b in queue.parked] == [1440]
    assert queue.size == 0
    assert len(fpp_sim.power["MU-1"]) == 60
    restored = ReadingsQueue("MU-1", queue._store, queue.client)
    await restored.async_load()
    assert restored.parked[0].detail == "readings[3]: no"
    assert restored.last_result is UploadResult.REJECTED
    restored.drop_parked(T0, T0 + 60 * 1439)
    assert [len(b.readings) for b in restored.parked] == [1]
    restored.drop_parked(T0, T0 + 60 * 1440)
    assert restored.parked == []


async def test_auth_and_rate_limit_keep_everything(
    hass: HomeAssistant, queue: ReadingsQueue, fpp_sim: FppSimulator
) -> None:
    queue.add(ReadingKind.POWER, minutes(2))
    await queue.async_save_state(queue.state)
    fpp_sim.fail_next(status=429, retry_after="120")
    outcome = await queue.async_upload()
    assert (outcome.result, outcome.retry_after) == (UploadResult.RATE_LIMITED, 120)
    queue.client.token = "revoked"
    outcome = await queue.async_upload()
    assert outcome.result is UploadResult.AUTH_FAILED
    assert queue.size == 2
    assert fpp_sim.power == {}


def test_retry_delay() -> None:
    assert retry_delay(1, None) == 15
    assert retry_delay(3, None) == 60
    assert retry_delay(30, None) == BACKOFF_MAX
    assert retry_delay(5, 42) == 42
    assert retry_delay(5, 0) == 1
