"""Setup, unload, devices and reloads of both account kinds against the real simulators."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from homeassistant import loader
from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    SOURCE_REAUTH,
    SOURCE_USER,
    ConfigEntryState,
    ConfigSubentry,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.dispatcher import DATA_DISPATCHER
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.gridflex.api.switchgrid import DEFAULT_EVENTS_URL
from custom_components.gridflex.const import (
    CONF_BASE_URL,
    CONF_ENERGY_TYPE,
    CONF_EVENTS_URL,
    CONF_MU_ID,
    CONF_PCE,
    CONF_POWER_SENSOR,
    DOMAIN,
    SUBENTRY_DELIVERY_POINT,
    SUBENTRY_METERABLE_UNIT,
)
from custom_components.gridflex.consumption import ConsumptionRuntime
from custom_components.gridflex.dispatch.flow import DispatchFlow
from custom_components.gridflex.readings import ReadingsRuntime
from tests.conftest import (
    fpp_account_entry,
    switchgrid_account_entry,
    switchgrid_entry_data,
)
from tests.helpers import gridflex_device
from tests.simulators.fpp import FppSimulator
from tests.simulators.switchgrid import SwitchgridSimulator
from tests.test_config_flow import closed_port_url

MU_1 = {CONF_MU_ID: "MU-1", CONF_POWER_SENSOR: "sensor.power_1"}
MU_2 = {CONF_MU_ID: "MU-2", CONF_POWER_SENSOR: "sensor.power_2"}
GAS_POINT = {CONF_ENERGY_TYPE: "gas", CONF_PCE: "01427641080000"}


async def remove_device(
    hass: HomeAssistant, entry: MockConfigEntry, device: dr.DeviceEntry
) -> bool:
    """
    Delete a device from an entry as Home Assistant's UI does; return whether it was allowed.

    The integration's ``async_remove_config_entry_device`` decides, then the registry drops
    the device (a GridFlex device belongs to one entry only; newer HA refuses to detach
    an entry from a device, so the device itself is removed, as on every HA).
    """
    integration = await loader.async_get_integration(hass, entry.domain)
    component = await integration.async_get_component()
    if not await component.async_remove_config_entry_device(hass, entry, device):
        return False
    dr.async_get(hass).async_remove_device(device.id)
    return True


def mu_subentry(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": data,
        "subentry_type": SUBENTRY_METERABLE_UNIT,
        "title": data[CONF_MU_ID],
        "unique_id": data[CONF_MU_ID],
    }


@pytest.fixture
def fpp_with_mus(fpp_sim: FppSimulator) -> MockConfigEntry:
    return fpp_account_entry(fpp_sim, mu_subentry(MU_1), mu_subentry(MU_2))


def subentry_id_of(device: dr.DeviceEntry) -> str | None:
    """The config sub-entry a device belongs to, on old and new device registries."""
    if hasattr(device, "config_subentry_id"):
        return device.config_subentry_id  # type: ignore[no-any-return]
    (subentry_ids,) = device.config_entries_subentries.values()
    (subentry_id,) = subentry_ids
    return subentry_id


def entry_change_listeners(hass: HomeAssistant) -> int:
    return len(hass.data.get(DATA_DISPATCHER, {}).get(SIGNAL_CONFIG_ENTRY_CHANGED, {}))


def reauth_flows(hass: HomeAssistant, entry: MockConfigEntry) -> list[Any]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
        and flow["context"].get("entry_id") == entry.entry_id
    ]


def moved_to_closed_port(entry: MockConfigEntry) -> MockConfigEntry:
    """The same account, configured with a base URL where nothing listens."""
    return MockConfigEntry(
        domain=DOMAIN,
        minor_version=3,
        title=entry.title,
        unique_id=entry.unique_id,
        data={**entry.data, CONF_BASE_URL: closed_port_url()},
    )


async def setup(hass: HomeAssistant, entry: MockConfigEntry) -> bool:
    entry.add_to_hass(hass)
    result = await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return result


# --- Setup and unload --------------------------------------------------------------------


async def test_fpp_setup_creates_account_and_mu_devices_then_unloads_cleanly(
    hass: HomeAssistant,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    fpp_with_mus: MockConfigEntry,
) -> None:
    assert await setup(hass, fpp_with_mus)
    assert fpp_with_mus.state is ConfigEntryState.LOADED
    runtime = fpp_with_mus.runtime_data
    assert runtime.flow(DispatchFlow) is not None
    assert runtime.flow(ReadingsRuntime) is not None
    listeners_loaded = entry_change_listeners(hass)

    account = gridflex_device(hass, "fpp_acme-flex")
    assert account is not None
    assert account.name == "FPP acme-flex"
    assert account.entry_type is dr.DeviceEntryType.SERVICE
    assert subentry_id_of(account) is None
    for subentry in fpp_with_mus.subentries.values():
        device = gridflex_device(hass, f"fpp_acme-flex_{subentry.unique_id}")
        assert device is not None
        assert device.name == subentry.title
        assert device.model == "Meterable Unit"
        assert device.via_device_id == account.id
        assert subentry_id_of(device) == subentry.subentry_id
    assert (
        len(dr.async_entries_for_config_entry(device_registry, fpp_with_mus.entry_id))
        == 3
    )

    assert await hass.config_entries.async_unload(fpp_with_mus.entry_id)
    await hass.async_block_till_done()
    assert fpp_with_mus.state is ConfigEntryState.NOT_LOADED
    # Our one listener for sub-entry changes is gone (dependencies stay loaded).
    assert entry_change_listeners(hass) == listeners_loaded - 1
    assert fpp_with_mus.update_listeners == []
    # An unloaded entry does not react to sub-entry changes any more.
    hass.config_entries.async_add_subentry(
        fpp_with_mus,
        ConfigSubentry(
            data=MappingProxyType({CONF_MU_ID: "MU-3"}),
            subentry_type=SUBENTRY_METERABLE_UNIT,
            title="MU-3",
            unique_id="MU-3",
        ),
    )
    await hass.async_block_till_done()
    assert fpp_with_mus.state is ConfigEntryState.NOT_LOADED

    # Removing the account leaves nothing of it registered.
    assert await hass.config_entries.async_remove(fpp_with_mus.entry_id)
    await hass.async_block_till_done()
    assert (
        dr.async_entries_for_config_entry(device_registry, fpp_with_mus.entry_id) == []
    )
    assert (
        er.async_entries_for_config_entry(entity_registry, fpp_with_mus.entry_id) == []
    )


async def test_switchgrid_setup_creates_point_device_and_unloads(
    hass: HomeAssistant,
    device_registry: dr.DeviceRegistry,
    switchgrid_sim: SwitchgridSimulator,
) -> None:
    entry = switchgrid_account_entry(
        switchgrid_sim,
        {
            "data": GAS_POINT,
            "subentry_type": SUBENTRY_DELIVERY_POINT,
            "title": "GRDF PCE 01427641080000",
            "unique_id": "01427641080000",
        },
    )
    assert await setup(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.flow(ConsumptionRuntime) is not None
    account = gridflex_device(hass, "switchgrid_maison")
    point = gridflex_device(hass, "switchgrid_maison_01427641080000")
    assert account is not None
    assert point is not None
    assert account.manufacturer == point.manufacturer == "Switchgrid"
    assert point.model == "GRDF gas delivery point (PCE)"
    assert point.via_device_id == account.id

    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED


# --- Setup failures --------------------------------------------------------------------


async def test_switchgrid_refused_token_fails_setup_and_starts_reauth(
    hass: HomeAssistant,
    switchgrid_sim: SwitchgridSimulator,
    switchgrid_entry: MockConfigEntry,
) -> None:
    switchgrid_sim.token = "rotated"
    assert not await setup(hass, switchgrid_entry)
    assert switchgrid_entry.state is ConfigEntryState.SETUP_ERROR
    assert switchgrid_entry.reason is not None
    assert switchgrid_entry.reason.startswith("Switchgrid refused the API token")
    assert len(reauth_flows(hass, switchgrid_entry)) == 1


@pytest.mark.parametrize("how", ["server_error", "closed_port", "rate_limited"])
async def test_switchgrid_outage_retries_setup(
    hass: HomeAssistant,
    switchgrid_sim: SwitchgridSimulator,
    switchgrid_entry: MockConfigEntry,
    how: str,
) -> None:
    if how == "server_error":
        switchgrid_sim.fail_next(status=500)
    elif how == "rate_limited":
        switchgrid_sim.fail_next(status=429, retry_after="60")
    else:
        switchgrid_entry = moved_to_closed_port(switchgrid_entry)
    assert not await setup(hass, switchgrid_entry)
    assert switchgrid_entry.state is ConfigEntryState.SETUP_RETRY
    assert switchgrid_entry.reason is not None
    assert switchgrid_entry.reason.startswith("Switchgrid could not be reached")
    assert reauth_flows(hass, switchgrid_entry) == []


async def test_fpp_refused_token_keeps_entry_loaded_and_starts_reauth(
    hass: HomeAssistant, fpp_sim: FppSimulator, fpp_entry: MockConfigEntry
) -> None:
    fpp_sim.token = "rotated"
    assert await setup(hass, fpp_entry)
    # The inbound dispatch endpoint must keep listening while the user renews the token.
    assert fpp_entry.state is ConfigEntryState.LOADED
    assert len(reauth_flows(hass, fpp_entry)) == 1


@pytest.mark.parametrize("how", ["server_error", "closed_port"])
async def test_fpp_outage_keeps_entry_loaded(
    hass: HomeAssistant,
    fpp_sim: FppSimulator,
    fpp_entry: MockConfigEntry,
    how: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if how == "server_error":
        fpp_sim.fail_next(status=500)
    else:
        fpp_entry = moved_to_closed_port(fpp_entry)
    assert await setup(hass, fpp_entry)
    assert fpp_entry.state is ConfigEntryState.LOADED
    assert reauth_flows(hass, fpp_entry) == []
    assert "FPP is not reachable at setup" in caplog.text
    assert fpp_sim.token not in caplog.text


# --- Sub-entry changes -----------------------------------------------------------------


async def test_adding_a_mu_reloads_the_entry_and_its_device_appears(
    hass: HomeAssistant,
    device_registry: dr.DeviceRegistry,
    fpp_entry: MockConfigEntry,
) -> None:
    assert await setup(hass, fpp_entry)
    runtime_before = fpp_entry.runtime_data

    result = await hass.config_entries.subentries.async_init(
        (fpp_entry.entry_id, SUBENTRY_METERABLE_UNIT), context={"source": SOURCE_USER}
    )
    await hass.config_entries.subentries.async_configure(result["flow_id"], MU_1)
    await hass.async_block_till_done()

    assert fpp_entry.state is ConfigEntryState.LOADED
    assert fpp_entry.runtime_data is not runtime_before
    device = gridflex_device(hass, "fpp_acme-flex_MU-1")
    assert device is not None
    (subentry,) = fpp_entry.subentries.values()
    assert subentry_id_of(device) == subentry.subentry_id


async def test_removing_a_mu_removes_its_device(
    hass: HomeAssistant,
    device_registry: dr.DeviceRegistry,
    fpp_with_mus: MockConfigEntry,
) -> None:
    assert await setup(hass, fpp_with_mus)
    runtime_before = fpp_with_mus.runtime_data
    mu_1 = next(s for s in fpp_with_mus.subentries.values() if s.unique_id == "MU-1")
    hass.config_entries.async_remove_subentry(fpp_with_mus, mu_1.subentry_id)
    await hass.async_block_till_done()
    assert fpp_with_mus.runtime_data is not runtime_before
    assert gridflex_device(hass, "fpp_acme-flex_MU-1") is None
    assert gridflex_device(hass, "fpp_acme-flex_MU-2") is not None


async def test_stale_devices_are_removed_at_setup_and_may_be_deleted(
    hass: HomeAssistant,
    device_registry: dr.DeviceRegistry,
    fpp_with_mus: MockConfigEntry,
) -> None:
    fpp_with_mus.add_to_hass(hass)
    ghost = device_registry.async_get_or_create(
        config_entry_id=fpp_with_mus.entry_id,
        identifiers={(DOMAIN, "fpp_acme-flex_MU-GONE")},
    )
    assert await hass.config_entries.async_setup(fpp_with_mus.entry_id)
    await hass.async_block_till_done()
    assert device_registry.async_get(ghost.id) is None

    # The user may delete a device only when nothing stands behind it any more.
    assert fpp_with_mus.supports_remove_device
    live = gridflex_device(hass, "fpp_acme-flex_MU-1")
    assert live is not None
    assert not await remove_device(hass, fpp_with_mus, live)
    assert device_registry.async_get(live.id) is not None

    # A device left behind while the entry was loaded (e.g. by an older version).
    leftover = device_registry.async_get_or_create(
        config_entry_id=fpp_with_mus.entry_id,
        identifiers={(DOMAIN, "fpp_acme-flex_MU-OLD")},
    )
    assert await remove_device(hass, fpp_with_mus, leftover)
    assert device_registry.async_get(leftover.id) is None


async def test_switchgrid_accounts_from_1_1_get_the_spec_events_feed_url(
    hass: HomeAssistant, switchgrid_sim: SwitchgridSimulator
) -> None:
    data = switchgrid_entry_data(switchgrid_sim)
    del data[CONF_EVENTS_URL]
    old = MockConfigEntry(domain=DOMAIN, data=data, version=1, minor_version=1)
    old.add_to_hass(hass)
    # Stop at the token check: the migrated entry must not reach the real feed from a test.
    switchgrid_sim.token = "another-token"
    await hass.config_entries.async_setup(old.entry_id)
    await hass.async_block_till_done()
    assert old.state is ConfigEntryState.SETUP_ERROR
    assert old.minor_version == 3
    assert old.data == {**data, CONF_EVENTS_URL: DEFAULT_EVENTS_URL}


async def test_an_entry_from_a_newer_major_version_is_not_loaded(
    hass: HomeAssistant, switchgrid_sim: SwitchgridSimulator
) -> None:
    newer = MockConfigEntry(
        domain=DOMAIN, data=switchgrid_entry_data(switchgrid_sim), version=2
    )
    newer.add_to_hass(hass)
    await hass.config_entries.async_setup(newer.entry_id)
    await hass.async_block_till_done()
    assert newer.state is ConfigEntryState.MIGRATION_ERROR
    assert switchgrid_sim.received == []
