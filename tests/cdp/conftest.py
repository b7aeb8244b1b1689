"""Fixtures of the Connected Data Portal tests: a running simulator and a fast client."""

from __future__ import annotations

from collections.abc import AsyncIterator
import datetime as dt

from aiohttp import ClientSession
import pytest

from custom_components.gridflex.api.cdp import CdpClient
from tests.simulators.cdp import CdpSimulator

TODAY = dt.date(2026, 11, 30)


@pytest.fixture
async def cdp_sim(socket_enabled: None) -> AsyncIterator[CdpSimulator]:
    """A running CDP simulator whose trades start the week of 30 November 2026."""
    sim = CdpSimulator(today=lambda: TODAY)
    await sim.start()
    yield sim
    await sim.stop()


@pytest.fixture
async def session() -> AsyncIterator[ClientSession]:
    """A plain aiohttp session (the client is pure asyncio)."""
    async with ClientSession() as client_session:
        yield client_session


def fast_client(
    session: ClientSession,
    sim: CdpSimulator,
    token: str | None = "cdp-token",  # noqa: S107 - the simulator's token
    waits: list[float] | None = None,
) -> CdpClient:
    """A client that does not really wait: pauses and backoff are recorded in ``waits``."""

    async def no_wait(seconds: float) -> None:
        if waits is not None:
            waits.append(seconds)

    return CdpClient.create(session, token, sim.url, sleep=no_wait)
