"""What a Switchgrid account shows, as snapshots: point entities, devices, diagnostics."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from syrupy.assertion import SnapshotAssertion

from custom_components.gridflex.diagnostics import async_get_config_entry_diagnostics
from tests.simulators.switchgrid import SwitchgridSimulator
from tests.surface import devices, entities, stable

from .conftest import electricity_point, gas_point, make_entry, setup_entry


async def test_switchgrid_account_surface(
    hass: HomeAssistant, sim: SwitchgridSimulator, snapshot: SnapshotAssertion
) -> None:
    sim.auto_accept_asks = True
    entry = make_entry(sim, gas_point(), electricity_point())
    await setup_entry(hass, entry)

    assert entities(hass, entry) == snapshot(name="entities")
    assert devices(hass, entry) == snapshot(name="devices")
    assert stable(await async_get_config_entry_diagnostics(hass, entry)) == snapshot(
        name="diagnostics"
    )
