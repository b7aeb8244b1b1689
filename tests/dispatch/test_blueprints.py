"""The two automation blueprints: valid for HA's blueprint schema, and they work on real dispatches."""

from __future__ import annotations

from pathlib import Path
import shutil

from homeassistant.components import persistent_notification
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint.models import Blueprint
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml
import pytest

from .bodies import instruction
from .conftest import V2, Harness

SOURCE = Path(__file__).parents[2] / "blueprints" / "automation" / "gridflex"
NAMES = ["turn_devices_off_during_dispatch.yaml", "notify_dispatch_received.yaml"]


@pytest.mark.parametrize("name", NAMES)
def test_blueprint_is_valid(name: str) -> None:
    blueprint = Blueprint(
        load_yaml(SOURCE / name),
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert blueprint.domain == "automation"
    assert blueprint.inputs


async def _install(harness: Harness, tmp_path: Path, automations: list[dict]) -> None:
    harness.hass.config.config_dir = str(tmp_path)
    shutil.copytree(SOURCE, tmp_path / "blueprints" / "automation" / "gridflex")
    for component in ("homeassistant", "persistent_notification"):
        assert await async_setup_component(harness.hass, component, {})
    assert await async_setup_component(
        harness.hass, "automation", {"automation": automations}
    )
    await harness.hass.async_block_till_done()


async def test_turn_devices_off_blueprint(harness: Harness, tmp_path: Path) -> None:
    await harness.hass.services.async_call(
        "input_boolean", "turn_on", {"entity_id": "input_boolean.pump"}, blocking=True
    )
    await _install(
        harness,
        tmp_path,
        [
            {
                "use_blueprint": {
                    "path": "gridflex/turn_devices_off_during_dispatch.yaml",
                    "input": {
                        "dispatch_active": "binary_sensor.mu_1002_dispatch_active",
                        "devices": {"entity_id": "input_boolean.pump"},
                    },
                }
            }
        ],
    )
    await harness.put(
        V2,
        instruction(
            start="2026-01-15T16:00:00Z",
            meterable_units=[{"id": "MU-1002", "power_kw": 1}],
        ),
    )
    assert harness.state("input_boolean.pump") == "off"
    await harness.put(V2, {"id": "7c3e0f5e", "status": "cancelled"})
    assert harness.state("input_boolean.pump") == "on"


async def test_notify_blueprint(harness: Harness, tmp_path: Path) -> None:
    await _install(
        harness,
        tmp_path,
        [
            {
                "use_blueprint": {
                    "path": "gridflex/notify_dispatch_received.yaml",
                    "input": {},
                }
            }
        ],
    )
    await harness.put(V2, instruction())
    shown = list(
        persistent_notification._async_get_or_create_notifications(
            harness.hass
        ).values()
    )
    assert len(shown) == 2  # one per MU
    assert shown[0]["message"].startswith(
        "New Operational Utilisation – 15-minute instruction for MU-1001: 3.5 kW"
    )
