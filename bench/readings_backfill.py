"""
Backfill bench: 5 MUs x 30 days x 1,440 minutes of power and energy-counter history in a real
recorder (SQLite) -> history read through HA -> compute -> durable queue -> upload to the FPP
simulator (its own process, over real HTTP). The history is written into the database before
any clock starts.

Prints two figures, each with its phases, peak RSS and ratio to the same baseline measured in
the same run: pipeline only (compute, queue, upload: the samples already in memory, one MU
after another) and end to end, as production catches up after a stop: each MU's
``MeterableUnitReadings.async_catch_up`` (the recorder read six hours at a time, each chunk
computed and queued in HA's Store, whole batches uploaded by the MU's uploader while the next
chunk is read), all five started at once as setup does (they take turns on the recorder),
until every queue is empty and saved. The baseline sends the same number of readings as JSON
bodies built and encoded before its clock starts; the goal (issue 9) applies to the
end-to-end figure and a miss exits 1. The machine is shared: note ``uptime`` with each run.
Run: .venv/bin/python -m bench.readings_backfill
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
import contextlib
from dataclasses import dataclass
import datetime as dt
import gc
import json
from pathlib import Path
import random
import sys
import tempfile
import threading
import time
from typing import Any

import aiohttp
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.gridflex.api.fpp import FppClient
from custom_components.gridflex.api.fpp.readings import MAX_READINGS_PER_REQUEST
from custom_components.gridflex.const import (
    CONF_ENERGY_SENSOR,
    CONF_GRANULARITY,
    CONF_IMPORT_POSITIVE,
    CONF_MU_ID,
    CONF_POWER_SENSOR,
    CONF_PRODUCTS,
    DOMAIN,
    SUBENTRY_METERABLE_UNIT,
)
from custom_components.gridflex.readings import catch_up
from custom_components.gridflex.readings.compute import (
    MINUTE,
    Sample,
    half_hour_energy_from_counter,
    minute_power,
)
from custom_components.gridflex.readings.manager import MeterableUnitReadings
from custom_components.gridflex.readings.queue import (
    ReadingKind,
    ReadingsQueue,
    UploadResult,
)
from custom_components.gridflex.readings.timeline import UnitTimeline

from .plumbing import reset_peak_rss, rss_kib, start_simulator
from .recorded_history import recorder_hass, write_states

MUS = 5
DAYS = 30
START = int(dt.datetime(2026, 3, 1, tzinfo=dt.UTC).timestamp())
END = START + DAYS * 86400
GOAL_SECONDS = 10.0
GOAL_EXTRA_MIB = 100.0
TOKEN = "bench-token"  # noqa: S105 - the local simulator's token


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


def power_entity(index: int) -> str:
    return f"sensor.bench_mu{index}_power"


def energy_entity(index: int) -> str:
    return f"sensor.bench_mu{index}_energy"


def seed_recorder(db_path: Path) -> int:
    """Write every MU's synthetic history into the recorder's database; return the state count."""
    count = 0
    for index in range(MUS):
        power, energy = synthetic_history(index)
        count += write_states(db_path, power_entity(index), "kW", power)
        count += write_states(db_path, energy_entity(index), "kWh", energy)
    return count


type History = Callable[[int], Awaitable[tuple[list[Sample], list[Sample]]]]


def in_memory_history(
    histories: list[tuple[list[Sample], list[Sample]]],
) -> History:
    """Samples built before the clock starts: the pipeline-only run reads no history."""

    async def read(index: int) -> tuple[list[Sample], list[Sample]]:
        return histories[index]

    return read


async def pipeline(
    client: FppClient, folder: Path, history: History, phases: dict[str, float]
) -> tuple[int, int]:
    """Read each MU's history, compute, queue and upload; return (readings, store writes)."""
    total = writes = 0
    for index in range(MUS):
        mark = time.perf_counter()
        power, energy = await history(index)
        phases["history read"] += time.perf_counter() - mark
        mark = time.perf_counter()
        minutes = minute_power(power, START, END)
        halves, _ = half_hour_energy_from_counter(energy, START, END)
        del power, energy
        phases["compute"] += time.perf_counter() - mark
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
        phases["queue+upload"] += time.perf_counter() - mark
        total += outcome.sent
        writes += store.writes
    return total, writes


def prebuilt_bodies(count: int) -> list[bytes]:
    """``count`` readings as encoded PUT bodies of at most MAX_READINGS_PER_REQUEST each."""
    stamp = dt.datetime.fromtimestamp(START, dt.UTC)
    bodies = []
    for first in range(0, count, MAX_READINGS_PER_REQUEST):
        readings = [
            {
                "timestamp": (stamp + dt.timedelta(minutes=i + 1)).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                ),
                "power_kw": 1.234,
            }
            for i in range(first, min(count, first + MAX_READINGS_PER_REQUEST))
        ]
        body = {"meterable_unit_id": "MU-base", "readings": readings}
        bodies.append(json.dumps(body).encode())
    return bodies


async def baseline(
    session: aiohttp.ClientSession, url: str, bodies: list[bytes]
) -> None:
    """
    Baseline: only PUT the prebuilt bodies, one after another, and check each reply is 2xx.

    Included: the HTTP client, the local connection and the simulator's parsing and storing.
    Not included: building or encoding the bodies (done by ``prebuilt_bodies`` before the
    clock starts), history, compute, the queue and its store.
    """
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    for body in bodies:
        async with session.put(f"{url}/readings", data=body, headers=headers) as resp:
            resp.raise_for_status()


@dataclass
class Run:
    """One timed run: its wall time, per-phase times and its own peak RSS over the start."""

    wall: float
    phases: dict[str, float]
    readings: int = 0
    writes: int = 0
    rss_start_kib: int = 0
    peak_kib: int = 0

    def rss_lines(self) -> str:
        return (
            f"peak RSS {self.peak_kib / 1024:.1f} MiB,"
            f" {(self.peak_kib - self.rss_start_kib) / 1024:.1f} MiB over the"
            f" {self.rss_start_kib / 1024:.1f} MiB at its start"
        )


async def timed_pipeline(client: FppClient, history: History) -> Run:
    """Run the whole pipeline into a fresh store folder, with its own clock and peak RSS."""
    phases = {"history read": 0.0, "compute": 0.0, "queue+upload": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        gc.collect()
        reset_peak_rss()
        rss_start = rss_kib("VmRSS")
        began = time.perf_counter()
        readings, writes = await pipeline(client, Path(tmp), history, phases)
        wall = time.perf_counter() - began
        return Run(wall, phases, readings, writes, rss_start, rss_kib("VmHWM"))


def bench_entry() -> MockConfigEntry:
    """An FPP account with the five MUs bound to the recorded sensors, as the flow stores it."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="FPP bench",
        unique_id="fpp_bench",
        data={},
        subentries_data=[
            ConfigSubentryData(
                data={
                    CONF_MU_ID: f"MU-{index}",
                    CONF_PRODUCTS: ["ou_15"],
                    CONF_POWER_SENSOR: power_entity(index),
                    CONF_ENERGY_SENSOR: energy_entity(index),
                    CONF_GRANULARITY: "minute",
                    CONF_IMPORT_POSITIVE: False,
                },
                subentry_type=SUBENTRY_METERABLE_UNIT,
                title=f"MU-{index}",
                unique_id=f"MU-{index}",
            )
            for index in range(MUS)
        ],
    )


class PhaseClock:
    """Busy time of each phase of the real catch-up; phases overlap, so they add up to more."""

    def __init__(self) -> None:
        self.phases = {
            "history read": 0.0,
            "compute": 0.0,
            "queue save": 0.0,
            "upload": 0.0,
        }
        self._lock = threading.Lock()

    def wrap[**P, R](self, phase: str, func: Callable[P, R]) -> Callable[P, R]:
        def timed(*args: P.args, **kwargs: P.kwargs) -> R:
            began = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                with self._lock:
                    self.phases[phase] += time.perf_counter() - began

        return timed

    def wrap_async[**P, R](
        self, phase: str, func: Callable[P, Awaitable[R]]
    ) -> Callable[P, Awaitable[R]]:
        async def timed(*args: P.args, **kwargs: P.kwargs) -> R:
            began = time.perf_counter()
            try:
                return await func(*args, **kwargs)
            finally:
                self.phases[phase] += time.perf_counter() - began

        return timed


@contextlib.contextmanager
def timed_phases(clock: PhaseClock) -> Iterator[None]:
    """Time the catch-up's own functions while it runs (read in the executor, the rest in the loop)."""
    targets: list[tuple[Any, str, str, bool]] = [
        (catch_up, "recorded_chunk", "history read", False),
        (catch_up, "async_recorded_power", "history read", True),
        (catch_up, "async_recorded_counter", "history read", True),
        (UnitTimeline, "compute", "compute", False),
        (ReadingsQueue, "async_save_state", "queue save", True),
        (ReadingsQueue, "async_upload", "upload", True),
    ]
    patches = [
        (
            owner,
            name,
            clock.wrap_async(phase, getattr(owner, name))
            if is_async
            else clock.wrap(phase, getattr(owner, name)),
        )
        for owner, name, phase, is_async in targets
    ]
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in patches]
    for owner, name, replacement in patches:
        setattr(owner, name, replacement)
    try:
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)


async def timed_catch_up(hass: HomeAssistant, client: FppClient) -> Run:
    """
    End to end as production catches up after a 30-day stop, every MU at once.

    Before the clock: the units are built and their (empty) queues loaded, with the boundaries
    a run stopped 30 days ago would have saved. On the clock: every MU's catch-up to the end of
    the history, the uploads it starts, until each queue is empty and written to its Store.
    """
    entry = bench_entry()
    entry.add_to_hass(hass)
    units = [
        MeterableUnitReadings(hass, entry, subentry, client)
        for subentry in entry.subentries.values()
    ]
    for unit in units:
        await unit.queue.async_load()
        unit.timeline.restore(
            {"next_minute": START, "next_half_hour": START}, END, START
        )
        unit.timeline.begin_catch_up()
    clock = PhaseClock()
    gc.collect()
    reset_peak_rss()
    rss_start = rss_kib("VmRSS")
    with timed_phases(clock):
        began = time.perf_counter()
        await asyncio.gather(*(unit.async_catch_up(END) for unit in units))
        await hass.async_block_till_done(wait_background_tasks=True)
        for unit in units:
            await unit.queue.async_flush_save()
        wall = time.perf_counter() - began
    peak = rss_kib("VmHWM")
    for unit in units:
        if unit.queue.size or unit.queue.last_result is not UploadResult.OK:
            raise RuntimeError(
                f"upload of {unit.config.mu_id} failed: {unit.queue.last_error}"
            )
        await unit.async_stop()
    readings = sum(unit.queue.sent_total for unit in units)
    return Run(wall, clock.phases, readings, 0, rss_start, peak)


async def timed_baseline(session: aiohttp.ClientSession, url: str, count: int) -> Run:
    bodies = prebuilt_bodies(count)  # before the clock: not part of the baseline
    gc.collect()
    reset_peak_rss()
    rss_start = rss_kib("VmRSS")
    began = time.perf_counter()
    await baseline(session, url, bodies)
    wall = time.perf_counter() - began
    return Run(wall, {}, count, 0, rss_start, rss_kib("VmHWM"))


def print_run(label: str, run: Run, base: Run) -> None:
    print(f"{label}: {run.wall:.2f} s, {run.readings / run.wall:,.0f} readings/s")
    print("  phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in run.phases.items()))
    print(f"  {run.rss_lines()}")
    print(f"  ratio to baseline: {run.wall / base.wall:.2f}")


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with recorder_hass(Path(tmp)) as (hass, db_path):
            began = time.perf_counter()
            states = await hass.async_add_executor_job(seed_recorder, db_path)
            print(
                f"recorder seeded with {states:,} states in {time.perf_counter() - began:.1f} s (not timed)"
            )
            histories = [synthetic_history(i) for i in range(MUS)]
            sim, port = await start_simulator(
                "tests.simulators.fpp", "--token", TOKEN, wait_s=10
            )
            url = f"http://127.0.0.1:{port}/api/participant"
            try:
                async with aiohttp.ClientSession() as session:
                    client = FppClient(session, TOKEN, url)
                    only = await timed_pipeline(client, in_memory_history(histories))
                    del histories
                    full = await timed_catch_up(hass, client)
                    base = await timed_baseline(session, url, full.readings)
            finally:
                sim.terminate()
                sim.wait()
    if only.readings != full.readings:
        raise RuntimeError(f"runs differ: {only.readings} vs {full.readings} readings")
    print(f"MUs x days x minutes:  {MUS} x {DAYS} x 1440")
    print(f"readings uploaded per run: {full.readings:,}")
    print(
        "baseline = the same number of readings PUT as JSON bodies built before its clock;"
    )
    print(f"baseline: {base.wall:.2f} s, {base.rss_lines()}")
    print_run(
        "pipeline only (samples in memory -> compute -> queue -> upload)", only, base
    )
    print_run(
        "end to end (production catch-up: recorder read in 6 h chunks, overlapped with"
        " compute, queue and upload; 5 MUs started at once, taking turns)",
        full,
        base,
    )
    print(
        "  (phases are busy times and overlap: the read runs in the recorder's executor)"
    )
    extra_mib = (full.peak_kib - full.rss_start_kib) / 1024
    met = full.wall <= GOAL_SECONDS and extra_mib <= GOAL_EXTRA_MIB
    print(
        f"goal (issue 9) applies to the end-to-end figure, what a real backfill takes:"
        f" <= {GOAL_SECONDS:g} s and <= +{GOAL_EXTRA_MIB:g} MiB;"
        f" measured {full.wall:.2f} s and +{extra_mib:.1f} MiB:"
        f" {'met' if met else 'NOT met'}"
    )
    if not met:
        sys.exit(1)


if __name__ == "__main__":
    asyncio.run(main())
