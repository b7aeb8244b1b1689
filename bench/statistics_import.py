"""Bench: 3 years of Enedis 30-minute load curve and of GRDF gas days through the real import path.

Run: .venv/bin/python bench/statistics_import.py
Prints wall time and peak RSS of the first import (backfill) and of one daily refresh (the trailing
window only), and a baseline: HA's own import of the same number of precomputed rows. Each phase's
peak RSS is its own: the kernel's high-water mark (VmHWM) is reset to the current RSS before it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import logging
from pathlib import Path
import sys
import tempfile
import time
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from homeassistant.components.recorder.models import StatisticData
from homeassistant.components.recorder.statistics import async_add_external_statistics
from homeassistant.core import HomeAssistant
from homeassistant.helpers import recorder as recorder_helper
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import async_test_home_assistant
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.gridflex.api.switchgrid.enedis import parse_series
from custom_components.gridflex.api.switchgrid.grdf import parse_grdf_records
from custom_components.gridflex.consumption.statistics import (
    StatisticSpec,
    async_import,
    electricity_spec,
    gas_energy_spec,
    gas_volume_spec,
)
from custom_components.gridflex.consumption.statistics_rules import (
    electricity_window_start,
    gas_hourly,
    gas_window_start,
    select_gas_days,
    series_hourly,
)
from tests.simulators.switchgrid_data import synthetic_gas_records, synthetic_load_curve

PCE = "01427641080000"
PRM = "00046372994792"
TODAY = dt.date(2026, 4, 5)
YEARS_3 = dt.timedelta(days=3 * 365)


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_mb() -> float:
    """Current resident set size in MB."""
    return _status_mb("VmRSS")


def peak_rss_mb() -> float:
    """Peak resident set size since the last ``reset_peak_rss``, in MB."""
    return _status_mb("VmHWM")


def reset_peak_rss() -> None:
    """Start a new high-water mark from the current RSS (Linux >= 4.0): one peak per phase."""
    Path("/proc/self/clear_refs").write_text("5")


def payloads(since: dt.date) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Switchgrid replies as JSON-like objects: GRDF records and an Enedis load curve."""
    gas = synthetic_gas_records(PCE, since, TODAY, TODAY)
    curve = {PRM: synthetic_load_curve(PRM, since, TODAY)}
    return gas, curve


async def import_payloads(
    hass: HomeAssistant, gas: list[dict[str, Any]], curve: dict[str, Any]
) -> int:
    """The path the coordinator takes: parse, apply the rules, import, wait for the recorder."""
    days = select_gas_days(parse_grdf_records(gas).records)
    newest = max(days)
    written = await async_import(
        hass,
        gas_energy_spec(PCE, "bench"),
        gas_hourly(days, lambda r: r.energy_kwh),
        gas_window_start(newest),
    )
    written += await async_import(
        hass,
        gas_volume_spec(PCE, "bench"),
        gas_hourly(days, lambda r: r.volume_m3),
        gas_window_start(newest),
    )
    series = parse_series(curve, PRM)
    if series is None:
        raise SystemExit("no load curve in the payload")
    hourly = series_hourly(series)
    written += await async_import(
        hass,
        electricity_spec(PRM, "bench"),
        hourly,
        electricity_window_start(max(hourly)),
    )
    await async_wait_recording_done(hass)
    return written


async def measure(label: str, coro: Any) -> tuple[float, int]:
    """Run one phase with its own clock and its own peak RSS; print one table line."""
    gc.collect()
    reset_peak_rss()
    before = rss_mb()
    start = time.perf_counter()
    rows = await coro
    wall = time.perf_counter() - start
    peak = peak_rss_mb()
    print(
        f"{label:58} {rows:8d} {wall:8.2f} {before:10.0f} {peak:8.0f} {peak - before:8.0f}",
        flush=True,
    )
    return wall, rows


def baseline_rows(count: int) -> list[StatisticData]:
    """``count`` hourly rows, built before the baseline's clock starts."""
    start = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    return [
        StatisticData(start=start + dt.timedelta(hours=i), state=1.0, sum=float(i))
        for i in range(count)
    ]


async def baseline(hass: HomeAssistant, rows: list[StatisticData]) -> int:
    """
    Baseline: HA's own import of precomputed rows into one new statistic, in one call.

    Included: ``async_add_external_statistics`` and the recorder writing the rows (waited
    for). Not included: building the rows (``baseline_rows``, before the clock), parsing,
    GridFlex's rules, reading the sum before the window, the three statistics' metadata.
    """
    spec = StatisticSpec("gridflex:baseline", "baseline", "kWh", "energy")
    async_add_external_statistics(hass, spec.metadata(), rows)
    await async_wait_recording_done(hass)
    return len(rows)


async def main() -> None:
    # The test harness turns on SQL statement logging; a bench must not pay for it.
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        async with async_test_home_assistant(config_dir=tmp) as hass:
            db_url = f"sqlite:///{tmp}/bench.db"
            recorder_helper.async_initialize_recorder(hass)
            if not await async_setup_component(
                hass, "recorder", {"recorder": {"db_url": db_url}}
            ):
                raise SystemExit("recorder did not start")
            await async_wait_recording_done(hass)
            gas, curve = payloads(TODAY - YEARS_3)
            print(
                f"data: {len(gas)} gas days, {len(curve[PRM]['values'])} half-hours",
                flush=True,
            )
            print(
                f"{'phase':58} {'rows':>8} {'wall s':>8} {'RSS MB':>10} {'peak MB':>8} {'+MB':>8}"
            )
            first, first_rows = await measure(
                "first import (3 years)", import_payloads(hass, gas, curve)
            )
            # The next day: Switchgrid returns the usual re-ordered span (window + margin).
            gas, curve = payloads(TODAY - dt.timedelta(days=45))
            refresh, _ = await measure(
                "daily refresh (35-day gas / 7-day electricity window)",
                import_payloads(hass, gas, curve),
            )
            prebuilt = baseline_rows(first_rows)
            base, _ = await measure(
                "baseline: HA imports as many prebuilt rows", baseline(hass, prebuilt)
            )
            del prebuilt
            print(f"first import / baseline: {first / base:.2f}")
            print(f"daily refresh / first import: {refresh / first:.3f}")
            await hass.async_stop(force=True)


if __name__ == "__main__":
    asyncio.run(main())
