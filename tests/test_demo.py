"""
The demo's own setup and check, run against a test Home Assistant.

``scripts/demo_setup.py`` adds the demo's accounts through the same REST flows the UI uses and
``check`` verifies what the demo holds; running both here means a change that breaks the
demo (an entity disabled by default, a renamed step) fails the suite, not a user's first try.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
import sys
from typing import Any

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from tests.simulators.cdp import CdpSimulator
from tests.simulators.fpp import FppSimulator
from tests.simulators.market_gateway import MarketGatewaySimulator
from tests.simulators.market_gateway_demo import demo_market_gateway
from tests.simulators.switchgrid import SwitchgridSimulator

SCRIPTS = Path(__file__).parent.parent / "scripts"


@pytest.fixture
async def demo_cdp(socket_enabled: None) -> AsyncIterator[CdpSimulator]:
    """The Connected Data Portal simulator as scripts/demo runs it (trades from today)."""
    sim = CdpSimulator()
    await sim.start()
    yield sim
    await sim.stop()


@pytest.fixture
async def demo_mg(socket_enabled: None) -> AsyncIterator[MarketGatewaySimulator]:
    """The Market Gateway simulator as scripts/demo runs it (the demo FPP account's MUs)."""
    sim = demo_market_gateway()
    await sim.start()
    yield sim
    await sim.stop()


@pytest.fixture
def demo() -> Iterator[Any]:
    """The demo's Python helpers, imported as ``scripts/demo`` runs them."""
    sys.path.insert(0, str(SCRIPTS))
    try:
        import demo_config
        import demo_ha
        import demo_setup

        yield demo_setup, demo_config, demo_ha
    finally:
        sys.path.remove(str(SCRIPTS))


async def test_demo_setup_and_check_pass(
    hass: HomeAssistant,
    demo: Any,
    *,
    fpp_sim: FppSimulator,
    switchgrid_sim: SwitchgridSimulator,
    demo_cdp: CdpSimulator,
    demo_mg: MarketGatewaySimulator,
    hass_client: ClientSessionGenerator,
    hass_access_token: str,
) -> None:
    demo_setup, demo_config, demo_ha = demo
    for component in ("config", "api", "energy"):
        assert await async_setup_component(hass, component, {})
    assert await async_setup_component(
        hass,
        "input_boolean",
        {"input_boolean": {s.split(".")[1]: {} for s in demo_config.DEMO_SWITCHES}},
    )
    # What the demo's template and integration sensors show once running.
    power = {
        "device_class": "power",
        "unit_of_measurement": "kW",
        "state_class": "measurement",
    }
    energy = {
        "device_class": "energy",
        "unit_of_measurement": "kWh",
        "state_class": "total_increasing",
    }
    hass.states.async_set(demo_config.HEAT_PUMP_POWER, "2.2", power)
    hass.states.async_set(demo_config.EV_CHARGER_POWER, "7.2", power)
    hass.states.async_set(demo_config.HEAT_PUMP_ENERGY, "1.5", energy)
    hass.states.async_set(demo_config.EV_CHARGER_ENERGY, "3.0", energy)
    await hass.async_block_till_done()

    # A running Home Assistant keeps its router open for integrations set up later (its HTTP
    # server does this at start); the test client would freeze it, as newer HA's harness does.
    hass.http.app._router.freeze = lambda: None  # type: ignore[method-assign]
    client = await hass_client()
    base = str(client.make_url("/")).rstrip("/")
    state: dict[str, Any] = {}
    async with aiohttp.ClientSession() as session:
        ha = demo_ha.HomeAssistantApi(session, base)
        ha.tokens = {"access_token": hass_access_token}
        urls = {"cdp_url": demo_cdp.url, "mg_url": demo_mg.url}
        await demo_setup.add_demo_accounts(
            ha, fpp_sim.url, switchgrid_sim.url, state, **urls
        )
        await hass.async_block_till_done(wait_background_tasks=True)
        # The demo's portal settings come from the last setup step (local here: the warned one).
        assert "/api/gridflex/fpp/" in state["fpp_portal"]["dispatch_url"]
        problems = await demo_setup.check_demo(ha)
        assert problems == []
        # Running it again adds nothing (the demo is re-run on every start).
        await demo_setup.add_demo_accounts(
            ha, fpp_sim.url, switchgrid_sim.url, state, **urls
        )
        entries = await ha.entries("gridflex")
    assert sorted(e["title"] for e in entries) == [
        "Connected Data Portal",
        "FPP demo-site",
        "Market Gateway demo-site (test)",
        "Switchgrid demo (test)",
    ]
    # The FPP account's MUs are the ones Market Gateway offers (picked from its list).
    fpp = next(
        e
        for e in hass.config_entries.async_entries("gridflex")
        if e.title == "FPP demo-site"
    )
    assert sorted(s.unique_id for s in fpp.subentries.values()) == [
        "MU-1001",
        "MU-1002",
    ]
