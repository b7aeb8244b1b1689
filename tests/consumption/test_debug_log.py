"""Debug logging of a Switchgrid refresh: what happened, never a token or a full PCE."""

from __future__ import annotations

import logging

from homeassistant.core import HomeAssistant
import pytest

from tests.simulators.switchgrid import SwitchgridSimulator

from .conftest import PCE, gas_point, make_entry, setup_entry


async def test_refresh_is_logged_without_secrets(
    hass: HomeAssistant, sim: SwitchgridSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, "custom_components.gridflex")
    await setup_entry(hass, make_entry(sim, gas_point()))
    said = "\n".join(
        r.getMessage() for r in caplog.records if r.name.startswith("custom_components")
    )
    assert f"gas point …{PCE[-4:]}: consent" in said
    assert (
        "Switchgrid refresh of Switchgrid maison (test) done: 1 delivery points" in said
    )
    assert PCE not in said
    assert sim.token not in said
