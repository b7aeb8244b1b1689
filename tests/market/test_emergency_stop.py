"""``gridflex.emergency_stop``: devices back at once, the bus event, FPP's signal, bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
import shutil
from typing import Any

from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint.models import Blueprint
from homeassistant.core import Context
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml
import pytest

from custom_components.gridflex.const import CONF_MIN_SWITCH_MINUTES, CONF_MU_ID, DOMAIN
from tests.dispatch.bodies import instruction
from tests.dispatch.conftest import V2, Harness, harness  # noqa: F401
from tests.helpers import gridflex_device
from tests.simulators.fpp import FppSimulator

BLUEPRINTS = Path(__file__).parents[2] / "blueprints" / "automation" / "gridflex"
START = dt.datetime(2026, 1, 15, 17, 0, tzinfo=dt.UTC)


async def stop(harness: Harness, **data: Any) -> Any:  # noqa: F811
    reply = await harness.hass.services.async_call(
        DOMAIN, "emergency_stop", data, blocking=True, return_response=True
    )
    await harness.settle()
    return reply


async def dispatched(harness: Harness) -> None:  # noqa: F811
    # The settlement read of the setup is done before time moves (or it would time out).
    await harness.hass.async_block_till_done(wait_background_tasks=True)
    assert (await harness.put(V2, instruction(id="I-1"))).status == 200
    await harness.advance_to(START)
    assert harness.state("input_boolean.heater") == "off"
    assert harness.state("input_boolean.pump") == "off"


async def test_stop_gives_devices_back_and_tells_fpp(
    harness: Harness,  # noqa: F811
    fpp_sim: FppSimulator,
) -> None:
    await dispatched(harness)
    reply = await stop(harness, mu_id="MU-1001", reason="Battery below 20 %")
    assert reply == {
        "mu_id": "MU-1001",
        "sent_at": "2026-01-15T17:00:00+00:00",
        "instructions": ["I-1"],
    }
    assert harness.state("input_boolean.heater") == "on"
    assert harness.state("input_boolean.pump") == "on"
    assert fpp_sim.emergency_stops == [
        {
            "meterable_unit_id": "MU-1001",
            "timestamp": "2026-01-15T17:00:00Z",
            "reason": "Battery below 20 %",
        }
    ]
    last = harness.events[-1].data
    assert last["type"] == "ended"
    assert last["reason"] == "emergency_stop"
    assert last["instruction_id"] == "I-1"
    assert last["meterable_unit_id"] == "MU-1001"
    assert last["emergency_stop_reason"] == "Battery below 20 %"
    assert last["device_id"] is not None
    # The MU's Dispatch event entity shows it too.
    entity = harness.hass.states.get("event.mu_1001_dispatch")
    assert entity is not None
    assert entity.attributes["event_type"] == "ended"
    assert entity.attributes["reason"] == "emergency_stop"

    # An update of the running instruction does not take the devices again...
    moved = instruction(id="I-1", end="2026-01-15T19:30:00Z")
    assert (await harness.put(V2, moved)).status == 200
    assert harness.state("input_boolean.heater") == "on"
    # ...nor does a restart while it runs...
    await harness.restart(dt.datetime(2026, 1, 15, 17, 10, tzinfo=dt.UTC))
    await harness.hass.async_block_till_done(wait_background_tasks=True)
    assert harness.runtime.emergency_stopped == {"MU-1001"}
    assert harness.state("input_boolean.heater") == "on"
    # ...until it is over: the next instruction controls them as usual, also after a restart.
    await harness.advance_to(dt.datetime(2026, 1, 15, 19, 30, tzinfo=dt.UTC))
    assert harness.runtime.emergency_stopped == set()
    nxt = instruction(
        id="I-2", start="2026-01-15T20:00:00Z", end="2026-01-15T21:00:00Z"
    )
    assert (await harness.put(V2, nxt)).status == 200
    await harness.restart()
    await harness.hass.async_block_till_done(wait_background_tasks=True)
    await harness.advance_to(dt.datetime(2026, 1, 15, 20, 0, tzinfo=dt.UTC))
    assert harness.state("input_boolean.heater") == "off"


async def test_stop_does_not_wait_out_the_switching_gap(
    harness: Harness,  # noqa: F811
    fpp_sim: FppSimulator,
) -> None:
    entry = harness.entry
    sub = next(s for s in entry.subentries.values() if s.data[CONF_MU_ID] == "MU-1001")
    harness.hass.config_entries.async_update_subentry(
        entry, sub, data={**sub.data, CONF_MIN_SWITCH_MINUTES: 30}
    )
    await harness.hass.async_block_till_done()
    await harness.restart()
    await dispatched(harness)
    # Switched off a moment ago: an ordinary end would wait 30 minutes, a safety stop does not.
    await stop(harness, mu_id="MU-1001", reason="Battery below 20 %")
    assert harness.state("input_boolean.heater") == "on"
    assert harness.state("input_boolean.pump") == "on"
    assert harness.runtime.emergency_stopped == {"MU-1001"}


async def test_any_user_may_stop(
    harness: Harness,  # noqa: F811
    fpp_sim: FppSimulator,
    hass_read_only_user: Any,
) -> None:
    await dispatched(harness)
    await harness.hass.services.async_call(
        DOMAIN,
        "emergency_stop",
        {"mu_id": "MU-1001", "reason": "Battery low"},
        blocking=True,
        context=Context(user_id=hass_read_only_user.id),
    )
    await harness.settle()
    assert harness.state("input_boolean.heater") == "on"
    assert fpp_sim.emergency_stops[0]["meterable_unit_id"] == "MU-1001"


async def test_stop_by_device_with_nothing_running(
    harness: Harness,  # noqa: F811
    fpp_sim: FppSimulator,
) -> None:
    device = gridflex_device(harness.hass, "fpp_acme-flex_MU-1002")
    assert device is not None
    reply = await stop(harness, device_id=device.id, reason="maintenance")
    assert reply["instructions"] == []
    assert fpp_sim.emergency_stops[0]["meterable_unit_id"] == "MU-1002"
    last = harness.events[-1].data
    assert (last["meterable_unit_id"], last["instruction_id"]) == ("MU-1002", None)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"reason": "x"}, "emergency_stop_target_required"),
        ({"mu_id": "MU-9", "reason": "x"}, "emergency_stop_unknown_mu"),
        ({"device_id": "nope", "reason": "x"}, "emergency_stop_unknown_device"),
        ({"mu_id": "MU-1001", "reason": "  "}, "emergency_stop_reason"),
        ({"mu_id": "MU-1001", "reason": "x" * 501}, "emergency_stop_reason"),
    ],
)
async def test_bad_input(
    harness: Harness,  # noqa: F811
    fpp_sim: FppSimulator,
    data: dict[str, Any],
    key: str,
) -> None:
    await dispatched(harness)
    with pytest.raises(ServiceValidationError) as err:
        await stop(harness, **data)
    assert err.value.translation_key == key
    assert fpp_sim.emergency_stops == []
    assert harness.state("input_boolean.heater") == "off"


async def test_fpp_unreachable_still_gives_devices_back(
    harness: Harness,  # noqa: F811
    fpp_sim: FppSimulator,
) -> None:
    await dispatched(harness)
    fpp_sim.fail_next(status=503, path_contains="emergency-stop")
    with pytest.raises(HomeAssistantError) as err:
        await stop(harness, mu_id="MU-1001", reason="battery low")
    assert err.value.translation_key == "emergency_stop_not_sent"
    await harness.settle()
    assert harness.state("input_boolean.heater") == "on"


async def test_low_battery_blueprint_stops_the_dispatch(
    harness: Harness,  # noqa: F811
    fpp_sim: FppSimulator,
    tmp_path: Path,
) -> None:
    hass = harness.hass
    name = "emergency_stop_on_low_battery.yaml"
    Blueprint(
        load_yaml(BLUEPRINTS / name),
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    hass.states.async_set(
        "sensor.battery", "35", {"device_class": "battery", "unit_of_measurement": "%"}
    )
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(BLUEPRINTS, tmp_path / "blueprints" / "automation" / "gridflex")
    device = gridflex_device(hass, "fpp_acme-flex_MU-1001")
    assert device is not None
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "use_blueprint": {
                        "path": f"gridflex/{name}",
                        "input": {
                            "dispatch_active": "binary_sensor.mu_1001_dispatch_active",
                            "meterable_unit": device.id,
                            "battery_level": "sensor.battery",
                            "threshold": 20,
                        },
                    }
                }
            ]
        },
    )
    await hass.async_block_till_done()
    hass.states.async_set(
        "sensor.battery", "15", {"device_class": "battery", "unit_of_measurement": "%"}
    )
    await harness.settle()
    assert fpp_sim.emergency_stops == []  # nothing dispatched: nothing to stop
    hass.states.async_set(
        "sensor.battery", "35", {"device_class": "battery", "unit_of_measurement": "%"}
    )
    await dispatched(harness)
    hass.states.async_set(
        "sensor.battery", "19", {"device_class": "battery", "unit_of_measurement": "%"}
    )
    await harness.settle()
    assert [s["reason"] for s in fpp_sim.emergency_stops] == ["Home battery below 20 %"]
    assert harness.state("input_boolean.heater") == "on"
