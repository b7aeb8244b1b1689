"""
Connected Data Portal refresh bench: 5 zones over a 20,000-row Short Term Trade Parameters
resource, served by the CDP simulator in its own process over real HTTP.

One refresh as Home Assistant runs it (the same client, its 0.25 s pause between requests),
then a second refresh of the unchanged resources. Prints wall time, requests made, peak RSS
added over the start, and the ratio to a baseline measured in the same run: the same
DataStore requests sent raw (no pause, no parsing).
Goals: <= 2 s, <= 25 requests, <= +50 MiB; unchanged: metadata requests only.
Run: .venv/bin/python -m bench.cdp_refresh
"""

from __future__ import annotations

import asyncio
import time

import aiohttp

from bench.plumbing import reset_peak_rss, rss_kib, start_simulator
from custom_components.gridflex.api.cdp import CdpClient
from custom_components.gridflex.api.cdp.market import async_read_market
from custom_components.gridflex.cdp.const import REQUEST_PAUSE

ROWS = 20_000
ZONES = [f"CMZ_T{n % 9}X_BEN_{n:04d}" for n in range(5)]
TOKEN = "cdp-token"  # noqa: S105 - the local simulator's default token


async def baseline(session: aiohttp.ClientSession, client: CdpClient) -> float:
    """The same DataStore requests, raw: what the network and the simulator cost alone."""
    from custom_components.gridflex.api.cdp.client import _filters

    started = time.perf_counter()
    for resource in (
        "4e360119-60e4-4039-9bb9-8a9f7cb9e088",
        "0e0b3921-c4d0-494c-a5ca-f529ad328ee3",
    ):
        async with session.get(
            client.base_url + "datastore_search",
            params={
                "resource_id": resource,
                "filters": _filters("CMZ Code", ZONES),
                "limit": "2500",
                "offset": "0",
                "sort": "_id asc",
            },
            headers={"Authorization": TOKEN},
        ) as reply:
            await reply.read()
    return time.perf_counter() - started


async def main() -> None:
    sim, port = await start_simulator(
        "tests.simulators.cdp", "--bulk-rows", str(ROWS), wait_s=30, quiet=True
    )
    try:
        url = f"http://127.0.0.1:{port}/api/3/action/"
        async with aiohttp.ClientSession() as session:
            client = CdpClient.create(session, TOKEN, url, pause=REQUEST_PAUSE)
            await client.async_status()  # warm the connection as a running HA has
            client.transport.requests_made = 0
            rss_start = rss_kib("VmRSS")
            exact_peak = reset_peak_rss()
            started = time.perf_counter()
            snapshot = await async_read_market(client, ZONES)
            wall = time.perf_counter() - started
            peak_added = (rss_kib("VmHWM") - rss_start) / 1024
            requests = client.requests_made
            periods = sum(len(p) for p in snapshot.periods.values())

            client.transport.requests_made = 0
            started = time.perf_counter()
            again = await async_read_market(client, ZONES, snapshot)
            unchanged_wall = time.perf_counter() - started
            unchanged_requests = client.requests_made

            base_wall = await baseline(session, client)
    finally:
        sim.terminate()
        sim.wait()

    print(f"resource rows / zones:   {ROWS} / {len(ZONES)} ({periods} periods kept)")
    print(f"refresh wall time:       {wall:.2f} s (goal <= 2 s)")
    print(f"refresh requests:        {requests} (goal <= 25)")
    print(
        f"peak RSS added:          {peak_added:+.1f} MiB (goal <= +50 MiB)"
        + ("" if exact_peak else " (peak since start: clear_refs unavailable)")
    )
    print(
        f"unchanged refresh:       {unchanged_wall:.2f} s, {unchanged_requests} request(s), "
        f"re-read: {', '.join(again.reread) or 'nothing'} (goal: metadata only)"
    )
    print(f"baseline (same DataStore requests raw, no pause): {base_wall:.2f} s")
    print(f"ratio refresh / baseline: {wall / base_wall:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
