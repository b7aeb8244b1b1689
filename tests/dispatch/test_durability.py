"""Acknowledged means on disk: replies wait for the group-committed write, failures say 503."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from typing import Any
from unittest.mock import patch

from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest

from custom_components.gridflex.api.fpp.dispatch import parse_instruction
from custom_components.gridflex.const import DOMAIN
from custom_components.gridflex.dispatch.journal import Journal
from custom_components.gridflex.dispatch.persistence import (
    RETRY_FAILED_WRITE_S,
    store_key,
    write_failed_issue_id,
)
from custom_components.gridflex.dispatch.records import InstructionRecord, Phase

from .bodies import instruction
from .conftest import AUTH, V2, Harness, stored_ids

JSON = {**AUTH, "Content-Type": "application/json"}


def _on_disk(harness: Harness) -> list[str]:
    """Instruction ids in the Store as written, without waiting for anything."""
    return stored_ids(harness.on_disk())


async def _put_raw(harness: Harness, body: Any) -> tuple[int, dict[str, Any], Any]:
    resp = await harness.client.put(V2, json=body, headers=JSON)
    return resp.status, await resp.json(), resp.headers


async def test_each_200_is_on_disk_when_it_arrives(harness: Harness) -> None:
    status, _, _ = await _put_raw(harness, instruction(id="first"))
    assert status == 200
    assert _on_disk(harness) == ["first"]
    status, _, _ = await _put_raw(harness, {"id": "first", "status": "cancelled"})
    assert status == 200
    saved = harness.on_disk()
    assert saved is not None
    assert saved["instructions"][0]["status"] == "cancelled"


async def test_a_burst_of_fifty_shares_a_few_writes(harness: Harness) -> None:
    store = harness.runtime.store
    before = store.writes
    replies = await asyncio.gather(
        *(_put_raw(harness, instruction(id=f"burst-{i}")) for i in range(50))
    )
    assert [status for status, _, _ in replies] == [200] * 50
    assert sorted(_on_disk(harness)) == sorted(f"burst-{i}" for i in range(50))
    # Group commit: requests judged while a write runs share the next one.
    assert store.writes - before <= 5


@pytest.mark.allow_gridflex_errors("Could not save gridflex.dispatch")
async def test_a_failed_write_answers_503_keeps_it_and_retries(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    hass = harness.hass
    issue_id = write_failed_issue_id(store_key(harness.entry.entry_id))
    with patch.object(Journal, "write", side_effect=OSError("disk full")):
        for _ in range(3):
            status, body, headers = await _put_raw(harness, instruction(id="kept"))
            assert status == 503
            assert body["error"] == "temporarily_unavailable"
            assert headers["Retry-After"] == "5"
        await harness.settle()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    key = store_key(harness.entry.entry_id)
    failures = [
        r
        for r in caplog.records
        if r.levelno == logging.ERROR and f"Could not save {key} " in r.message
    ]
    assert len(failures) == 1  # logged once, not per request
    assert "kept" in harness.runtime.lifecycle.records  # kept in memory
    assert _on_disk(harness) == []
    # The disk is back: the retry timer writes it, the issue goes.
    await harness.advance_to(
        harness.runtime.lifecycle.records["kept"].received_at
        + dt.timedelta(seconds=RETRY_FAILED_WRITE_S + 1)
    )
    assert _on_disk(harness) == ["kept"]
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    # FPP's retry is an idempotent repeat: 200.
    status, _, _ = await _put_raw(harness, instruction(id="kept"))
    assert status == 200


@pytest.mark.allow_gridflex_errors("Could not save gridflex.dispatch")
async def test_a_failed_fsync_answers_503_and_the_next_request_writes_it_again(
    harness: Harness,
) -> None:
    # The line reached the file but not the disk: not acknowledged, written again.
    with patch.object(Journal, "sync", side_effect=OSError("I/O error")):
        status, body, _ = await _put_raw(harness, instruction(id="unsynced"))
    assert status == 503
    assert body["error"] == "temporarily_unavailable"
    status, _, _ = await _put_raw(harness, instruction(id="next"))
    assert status == 200
    await harness.restart()
    assert sorted(harness.runtime.lifecycle.records) == ["next", "unsynced"]


@pytest.mark.allow_gridflex_errors("Instruction 'poison' cannot be saved")
async def test_a_record_the_encoder_refuses_never_blocks_the_others(
    harness: Harness,
) -> None:
    # Not reachable over HTTP (refused at decode): a record broken some other way.
    poisoned = parse_instruction(instruction(id="poison", note=2**70))
    now = dt_util.utcnow()
    book = harness.runtime.lifecycle.records
    book.add(InstructionRecord(poisoned, Phase.ENDED, now, now))
    status, _, _ = await _put_raw(harness, instruction(id="after"))
    assert status == 200
    assert _on_disk(harness) == ["after"]
    assert "poison" in book  # kept in memory
    del book._all["poison"]


async def test_what_the_store_cannot_write_is_refused_and_the_rest_survives_restart(
    harness: Harness,
) -> None:
    body = json.dumps(instruction(id="bad", note="PLACEHOLDER")).replace(
        '"PLACEHOLDER"', '"\\ud800"'
    )
    resp = await harness.client.put(V2, data=body, headers=JSON)
    assert resp.status == 400
    assert (await resp.json())["error"] == "invalid_text"
    resp = await harness.client.put(V2, json=instruction(power_kw=2**64), headers=JSON)
    assert resp.status == 400
    assert (await _put_raw(harness, instruction(id="good")))[0] == 200
    assert (await _put_raw(harness, {"id": "gone", "status": "cancelled"}))[0] == 200
    await harness.restart()
    assert sorted(harness.runtime.lifecycle.records) == ["gone", "good"]
    status, body_out, _ = await _put_raw(harness, instruction(id="gone"))
    assert status == 409
    assert body_out["error"] == "instruction_cancelled"
