"""Fixtures of the Connected Data Portal tests: a running simulator and a fast client."""

from __future__ import annotations

from collections.abc import AsyncIterator
import datetime as dt

from aiohttp import ClientSession
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.gridflex.api.cdp import CdpClient
from custom_components.gridflex.const import (
    CONF_ACCOUNT_KIND,
    CONF_API_TOKEN,
    CONF_BASE_URL,
    DOMAIN,
    AccountKind,
)
from tests.simulators.cdp import CdpSimulator
from tests.simulators.cdp_data import SimZone

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


# --- HA side ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """HA tests run the real transport without its politeness pause and backoff waits."""
    monkeypatch.setattr("custom_components.gridflex.clients.CDP_REQUEST_PAUSE", 0.0)
    monkeypatch.setattr(
        "custom_components.gridflex.clients.CDP_RETRY_DELAYS", (0.0, 0.0)
    )
    for flow in ("account_flow", "zone_flow"):
        monkeypatch.setattr(
            f"custom_components.gridflex.cdp.{flow}.FORM_RETRY_DELAYS", (0.0,)
        )


def zone_subentry(zone: SimZone, voltage: str = "hv") -> ConfigSubentryData:
    """A flexibility zone sub-entry as the flow creates it."""
    return ConfigSubentryData(
        data={
            "cmz_code": zone.code,
            "zone_name": zone.name,
            "licence_area": zone.licence_area,
            "voltage": voltage,
            "zone_products": [zone.product],
        },
        subentry_type="flexibility_zone",
        title=f"{zone.name} ({voltage.upper()})",
        unique_id=zone.code,
    )


def cdp_entry(
    sim: CdpSimulator,
    *zones: ConfigSubentryData,
    token: str | None = "cdp-token",  # noqa: S107 - the simulator's token
) -> MockConfigEntry:
    """A Connected Data Portal account pointed at the simulator."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Connected Data Portal",
        unique_id=f"cdp_{sim.url.rstrip('/')}",
        minor_version=3,
        data={
            CONF_ACCOUNT_KIND: AccountKind.CDP,
            CONF_API_TOKEN: token or "",
            CONF_BASE_URL: sim.url,
        },
        subentries_data=list(zones),
    )


async def setup_cdp(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add and set up the entry, and let its first refresh finish."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
