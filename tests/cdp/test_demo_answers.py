"""The demo's Connected Data Portal answers (scripts/demo_config.py) work through the real flows."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.gridflex.const import DOMAIN
from tests.simulators.cdp import CdpSimulator

DEMO_CONFIG = Path(__file__).parents[2] / "scripts" / "demo_config.py"


def _demo_config() -> ModuleType:
    spec = importlib.util.spec_from_file_location("demo_config", DEMO_CONFIG)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def _run(manager: Any, handler: Any, answers: dict[str, Any]) -> dict[str, Any]:
    """Answer each step as scripts/demo_ha.py run_flow does: menus by option, forms by values."""
    result = await manager.async_init(handler, context={"source": SOURCE_USER})
    while result["type"] in (FlowResultType.MENU, FlowResultType.FORM):
        answer = answers[result["step_id"]]
        body = (
            {"next_step_id": answer}
            if result["type"] is FlowResultType.MENU
            else answer
        )
        result = await manager.async_configure(result["flow_id"], body)
    return dict(result)


async def test_demo_adds_a_cdp_account_and_one_zone(
    hass: HomeAssistant, cdp_sim: CdpSimulator
) -> None:
    demo = _demo_config()
    cdp_sim.token = demo.CDP_TOKEN
    result = await _run(
        hass.config_entries.flow, DOMAIN, demo.cdp_account_answers(cdp_sim.url)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)
    entry_id = result["result"].entry_id
    result = await _run(
        hass.config_entries.subentries,
        (entry_id, "flexibility_zone"),
        demo.flexibility_zone_answers(),
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Ashgrove (HV)"
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("calendar.ashgrove_hv_delivery_periods") is not None
