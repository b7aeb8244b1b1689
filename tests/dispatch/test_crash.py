"""
kill -9 right after the last reply of a burst: every acknowledged instruction is on disk.

A real ``hass`` process (bench/ha_process.py), real HTTP, SIGKILL (no shutdown, no final
write), then a restart from the same config dir.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import aiohttp

from bench.ha_process import ENDPOINT_ID, ENTRY_ID, SECRET, WEBHOOK_ID, HaProcess, mu_id
from custom_components.gridflex.dispatch.journal import (
    FIRST_JOURNAL,
    read_journals,
    replay,
)
from custom_components.gridflex.dispatch.persistence import store_key
from tests.simulators.fpp import FppSimulator
from tests.simulators.fpp_sender import utc_iso

HEADERS = {"Authorization": f"Bearer {SECRET}", "Content-Type": "application/json"}
UNITS = 4


def _instruction(instruction_id: str, index: int) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    return {
        "id": instruction_id,
        "start": utc_iso(now + dt.timedelta(hours=1, minutes=index)),
        "end": utc_iso(now + dt.timedelta(hours=2, minutes=index)),
        "meterable_units": [{"id": mu_id(index % UNITS), "power_kw": 1.5}],
    }


async def _burst(ha: HaProcess) -> tuple[dict[str, str], int]:
    """Instructions and cancels, 10 at a time; returns {id: status} of every 200."""
    view = f"{ha.url}/api/gridflex/fpp/{ENDPOINT_ID}/v2/dispatch"
    webhook = f"{ha.url}/api/webhook/{WEBHOOK_ID}"
    acknowledged: dict[str, str] = {}
    refused = 0
    gate = asyncio.Semaphore(10)

    async def put(session: aiohttp.ClientSession, url: str, body: Any) -> None:
        nonlocal refused
        async with (
            gate,
            session.put(url, data=json.dumps(body), headers=HEADERS) as resp,
        ):
            await resp.read()
            if resp.status == 200:
                acknowledged[body["id"]] = body.get("status", "instructed")
            else:
                refused += 1

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(
            *(
                put(session, view if i % 2 else webhook, _instruction(f"crash-{i}", i))
                for i in range(120)
            )
        )
        # Cancels of instructions just acknowledged, and of ids never seen.
        await asyncio.gather(
            *(
                put(session, view, {"id": f"crash-{i}", "status": "cancelled"})
                for i in range(0, 120, 3)
            ),
            *(
                put(session, webhook, {"id": f"unseen-{i}", "status": "cancelled"})
                for i in range(20)
            ),
        )
    return acknowledged, refused


def _on_disk(ha: HaProcess) -> dict[str, str]:
    """The full file with its journals replayed, as GridFlex's loader reads them."""
    storage = ha.config_dir / ".storage"
    path = storage / store_key(ENTRY_ID)
    full = json.loads(path.read_text())["data"] if path.exists() else {}
    read = read_journals(storage, store_key(ENTRY_ID), full.get(FIRST_JOURNAL, 0))
    saved = replay(full, read.entries)["instructions"]
    return {item["id"]: item["status"] for item in saved}


async def test_kill_9_after_the_last_reply_loses_nothing_acknowledged(
    socket_enabled: None,
) -> None:
    fpp = FppSimulator()
    await fpp.start()
    ha = HaProcess(units=UNITS, fpp_url=fpp.url)
    try:
        await ha.start()
        acknowledged, refused = await _burst(ha)
        await ha.kill()
        assert refused == 0
        assert len(acknowledged) == 140
        on_disk = _on_disk(ha)
        missing = {i: s for i, s in acknowledged.items() if on_disk.get(i) != s}
        assert missing == {}
        await ha.start()
        assert _on_disk(ha).items() >= acknowledged.items()
        async with aiohttp.ClientSession() as session:
            view = f"{ha.url}/api/gridflex/fpp/{ENDPOINT_ID}/v2/dispatch"
            for i in (0, 3, 117):  # cancelled before the kill: still final
                async with session.put(
                    view,
                    data=json.dumps(_instruction(f"crash-{i}", i)),
                    headers=HEADERS,
                ) as resp:
                    assert resp.status == 409
                    assert (await resp.json())["error"] == "instruction_cancelled"
            async with session.put(
                view, data=json.dumps(_instruction("unseen-4", 4)), headers=HEADERS
            ) as resp:
                assert resp.status == 409
    except Exception:
        print(ha.log_tail())
        raise
    finally:
        await ha.stop()
        await fpp.stop()
