"""Fixtures of the market tests: a Market Gateway simulator and accounts pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
import datetime as dt
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.gridflex.const import (
    CONF_ACCOUNT_ID,
    CONF_ACCOUNT_KIND,
    CONF_API_TOKEN,
    CONF_BASE_URL,
    CONF_TEST_MODE,
    CONF_USE_API_KEY_HEADER,
    CONF_ZONES,
    DOMAIN,
    AccountKind,
)
from tests.conftest import assert_every_fault_fired
from tests.simulators.market_gateway import MarketGatewaySimulator
from tests.simulators.market_gateway_demo import demo_market_gateway

# Fixed "now" of the market tests: a Monday, 10:00 GMT, before the spring clock change.
NOW = dt.datetime(2026, 3, 23, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def at_now(freezer: FrozenDateTimeFactory) -> None:
    """Every market test starts at ``NOW`` (the simulator's clock follows)."""
    freezer.move_to(NOW)


@pytest.fixture
async def mg_sim(socket_enabled: None) -> AsyncIterator[MarketGatewaySimulator]:
    """A running Market Gateway simulator holding the demo account."""
    sim = demo_market_gateway(NOW)
    await sim.start()
    yield sim
    await sim.stop()
    assert_every_fault_fired(sim)


def mg_entry_data(sim: MarketGatewaySimulator, **overrides: Any) -> dict[str, Any]:
    """Config entry data of a Market Gateway account pointed at the simulator."""
    return {
        CONF_ACCOUNT_KIND: AccountKind.MARKET_GATEWAY,
        CONF_ACCOUNT_ID: "acme-flex",
        CONF_API_TOKEN: sim.token,
        CONF_BASE_URL: sim.url,
        CONF_TEST_MODE: False,
        CONF_USE_API_KEY_HEADER: False,
        CONF_ZONES: [],
        **overrides,
    }


@pytest.fixture
def mg_entry(mg_sim: MarketGatewaySimulator) -> MockConfigEntry:
    """A Market Gateway account entry (not yet added to hass)."""
    return MockConfigEntry(
        domain=DOMAIN,
        minor_version=3,
        title="Market Gateway acme-flex",
        unique_id="market_gateway_acme-flex",
        data=mg_entry_data(mg_sim),
    )
