"""
Backfill bench: 5 MUs x 30 days x 1,440 minutes of synthetic state history -> compute ->
durable queue -> upload to the FPP simulator (its own process, over real HTTP).

Prints wall time, readings/s, peak RSS and RSS added over the start, and the ratio to
a baseline measured in the same run: sending the same readings as prebuilt JSON bodies.
Run: .venv/bin/python -m bench.readings_backfill
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
import datetime as dt
import json
from pathlib import Path
import random
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any

import aiohttp

from custom_components.gridflex.api.fpp import FppClient
from custom_components.gridflex.api.fpp.readings import MAX_READINGS_PER_REQUEST
from custom_components.gridflex.readings.compute import (
    MINUTE,
    Sample,
    half_hour_energy_from_counter,
    minute_power,
)
from custom_components.gridflex.readings.queue import (
    ReadingKind,
    ReadingsQueue,
    UploadResult,
)

MUS = 5
DAYS = 30
START = int(dt.datetime(2026, 3, 1, tzinfo=dt.UTC).timestamp())
END = START + DAYS * 86400
TOKEN = "bench-token"  # noqa: S105 - the local simulator's token


def rss_kib(field: str) -> int:
    """VmRSS (now) or VmHWM (peak) of this process, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class JsonFileStore:
    """A file store shaped like HA's Store: immediate and delayed saves."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pending: Callable[[], Any] | None = None
        self.writes = 0

    async def async_load(self) -> Any:
        return json.loads(self.path.read_text()) if self.path.exists() else None

    async def async_save(self, data: Any) -> None:
        self._pending = None
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, separators=(",", ":")))
        tmp.replace(self.path)
        self.writes += 1

    def async_delay_save(self, data_func: Callable[[], Any], delay: float = 0) -> None:
        self._pending = data_func

    async def async_flush(self) -> None:
        if self._pending is not None:
            await self.async_save(self._pending())


def synthetic_history(seed: int) -> tuple[list[Sample], list[Sample]]:
    """Power changes about once a minute at a random second; a kWh counter each minute."""
    rng = random.Random(seed)
    power: list[Sample] = [(START - 30.0, 1.0)]
    energy: list[Sample] = [(START - 30.0, 1000.0)]
    counter = 1000.0
    for minute in range(DAYS * 1440):
        moment = START + minute * MINUTE + rng.uniform(0, 59)
        unavailable = rng.random() < 0.001
        value = None if unavailable else rng.uniform(-5, 5)
        power.append((moment, value))
        counter += rng.uniform(0, 0.08)
        energy.append((moment, counter))
    return power, energy


PHASES: dict[str, float] = {"history": 0.0, "compute": 0.0, "queue+upload": 0.0}


async def pipeline(client: FppClient, folder: Path) -> tuple[int, int]:
    """Compute, queue and upload every MU; return (readings, store writes)."""
    total = writes = 0
    for index in range(MUS):
        mark = time.perf_counter()
        power, energy = synthetic_history(index)
        PHASES["history"] += time.perf_counter() - mark
        mark = time.perf_counter()
        minutes = minute_power(power, START, END)
        halves, _ = half_hour_energy_from_counter(energy, START, END)
        del power, energy
        PHASES["compute"] += time.perf_counter() - mark
        mark = time.perf_counter()
        store = JsonFileStore(folder / f"mu{index}.json")
        queue = ReadingsQueue(f"MU-{index}", store, client)
        queue.add(ReadingKind.POWER, ((p.end, p.value) for p in minutes))
        queue.add(ReadingKind.ENERGY, ((p.end, -p.value) for p in halves))
        await queue.async_save_state({"next_minute": END, "next_half_hour": END})
        outcome = await queue.async_upload()
        await store.async_flush()
        if outcome.result is not UploadResult.OK or queue.size:
            raise RuntimeError(f"upload failed: {outcome}")
        PHASES["queue+upload"] += time.perf_counter() - mark
        total += outcome.sent
        writes += store.writes
    return total, writes


async def baseline(session: aiohttp.ClientSession, url: str, count: int) -> None:
    """Send ``count`` readings as prebuilt bodies: HTTP and the simulator alone."""
    stamp = dt.datetime.fromtimestamp(START, dt.UTC)
    sent = 0
    while sent < count:
        size = min(MAX_READINGS_PER_REQUEST, count - sent)
        readings = [
            {
                "timestamp": (stamp + dt.timedelta(minutes=i + 1)).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                ),
                "power_kw": 1.234,
            }
            for i in range(size)
        ]
        async with session.put(
            f"{url}/readings",
            json={"meterable_unit_id": "MU-base", "readings": readings},
            headers={"Authorization": f"Bearer {TOKEN}"},
        ) as resp:
            resp.raise_for_status()
        sent += size


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_listening(port: int) -> None:
    for _ in range(100):
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        await asyncio.sleep(0.1)
    raise RuntimeError("simulator did not start")


async def main() -> None:
    port = free_port()
    sim = subprocess.Popen(  # noqa: ASYNC220, S603 - our own simulator, fixed arguments
        [
            sys.executable,
            "-m",
            "tests.simulators.fpp",
            "--port",
            str(port),
            "--token",
            TOKEN,
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        await wait_listening(port)
        url = f"http://127.0.0.1:{port}/api/participant"
        async with aiohttp.ClientSession() as session:
            client = FppClient(session, TOKEN, url)
            with tempfile.TemporaryDirectory() as tmp:
                rss_start = rss_kib("VmRSS")
                began = time.perf_counter()
                readings, writes = await pipeline(client, Path(tmp))
                wall = time.perf_counter() - began
                peak = rss_kib("VmHWM")
            began = time.perf_counter()
            await baseline(session, url, readings)
            base_wall = time.perf_counter() - began
    finally:
        sim.terminate()
        sim.wait()
    print(f"MUs x days x minutes:  {MUS} x {DAYS} x 1440")
    print(f"readings uploaded:     {readings} ({writes} store writes)")
    print(f"wall time:             {wall:.2f} s (goal <= 10 s)")
    print("  of which: " + ", ".join(f"{k} {v:.2f} s" for k, v in PHASES.items()))
    print(f"readings/s:            {readings / wall:,.0f}")
    print(f"peak RSS:              {peak / 1024:.1f} MiB")
    print(
        f"extra RSS over start:  {(peak - rss_start) / 1024:.1f} MiB (goal <= 100 MiB)"
    )
    print(f"baseline (prebuilt bodies, same HTTP + simulator): {base_wall:.2f} s")
    print(f"ratio pipeline / baseline: {wall / base_wall:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
