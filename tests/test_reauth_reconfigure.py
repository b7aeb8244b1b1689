"""Reauth and reconfigure of both account kinds, against the real simulators."""

from __future__ import annotations

from collections.abc import AsyncIterator

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.gridflex.api.fpp import FppClient
from custom_components.gridflex.api.switchgrid import SwitchgridClient
from custom_components.gridflex.const import (
    CONF_API_TOKEN,
    CONF_BASE_URL,
    CONF_DISPATCH_SECRET,
    CONF_EVENTS_URL,
    CONF_TEST_MODE,
)
from tests.conftest import DISPATCH_SECRET, ENDPOINT_ID
from tests.simulators.fpp import FppSimulator
from tests.simulators.switchgrid import SwitchgridSimulator
from tests.test_config_flow import closed_port_url, header


async def setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


@pytest.fixture
async def other_fpp(socket_enabled: None) -> AsyncIterator[FppSimulator]:
    """A second FPP (e.g. the portal's test area) with its own token."""
    sim = FppSimulator(token="other-fpp-token")
    await sim.start()
    yield sim
    await sim.stop()


def suggested(result: dict[str, object], key: str) -> object:
    schema = result["data_schema"].schema  # type: ignore[attr-defined]
    marker = next(k for k in schema if k == key)
    return (marker.description or {}).get("suggested_value")


# --- Reauth ----------------------------------------------------------------------------


async def test_fpp_reauth_updates_token_and_reloads(
    hass: HomeAssistant, fpp_sim: FppSimulator, fpp_entry: MockConfigEntry
) -> None:
    await setup(hass, fpp_entry)
    fpp_sim.token = "renewed-token"

    result = await fpp_entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"]["account"] == "FPP acme-flex"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: "still-wrong"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}

    fpp_sim.fail_next(status=503)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: "renewed-token"}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    assert fpp_entry.data[CONF_API_TOKEN] == "fpp-token"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: "renewed-token"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert fpp_entry.data[CONF_API_TOKEN] == "renewed-token"
    # Nothing else changed: the portal keeps the secret it was given.
    assert fpp_entry.data[CONF_DISPATCH_SECRET] == DISPATCH_SECRET
    assert fpp_entry.state is ConfigEntryState.LOADED
    client = fpp_entry.runtime_data.client
    assert isinstance(client, FppClient)
    assert client.token == "renewed-token"


async def test_switchgrid_reauth_keeps_test_mode(
    hass: HomeAssistant,
    switchgrid_sim: SwitchgridSimulator,
    switchgrid_entry: MockConfigEntry,
) -> None:
    await setup(hass, switchgrid_entry)
    switchgrid_sim.token = "renewed"
    switchgrid_sim.received.clear()

    result = await switchgrid_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: "nope"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: "renewed"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert switchgrid_entry.data[CONF_API_TOKEN] == "renewed"
    assert all(
        header(r.headers, "switchgrid-test-env") == "true"
        for r in switchgrid_sim.received
    )
    client = switchgrid_entry.runtime_data.client
    assert isinstance(client, SwitchgridClient)
    assert client.token == "renewed"


# --- Reconfigure -----------------------------------------------------------------------


async def test_fpp_reconfigure_moves_to_another_base_url(
    hass: HomeAssistant,
    fpp_sim: FppSimulator,
    other_fpp: FppSimulator,
    fpp_entry: MockConfigEntry,
) -> None:
    await hass.config.async_update(external_url="https://ha.example.org")
    await setup(hass, fpp_entry)
    result = await fpp_entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "fpp_reconfigure"
    # What to paste into the portal can be seen again here.
    placeholders = result["description_placeholders"]
    assert placeholders["account"] == "FPP acme-flex"
    assert placeholders["dispatch_url"] == (
        f"https://ha.example.org/api/gridflex/fpp/{ENDPOINT_ID}"
    )
    assert placeholders["secret"] == DISPATCH_SECRET
    assert suggested(result, CONF_BASE_URL) == fpp_sim.url
    assert suggested(result, CONF_API_TOKEN) == fpp_sim.token
    assert CONF_TEST_MODE not in result["data_schema"].schema

    # The old token does not work on the other portal.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: fpp_sim.token, CONF_BASE_URL: other_fpp.url}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    assert suggested(result, CONF_BASE_URL) == other_fpp.url

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_TOKEN: other_fpp.token, CONF_BASE_URL: closed_port_url()},
    )
    assert result["errors"] == {"base": "cannot_connect"}
    assert fpp_entry.data[CONF_BASE_URL] == fpp_sim.url

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_TOKEN: other_fpp.token, CONF_BASE_URL: other_fpp.url},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert fpp_entry.data[CONF_BASE_URL] == other_fpp.url
    assert fpp_entry.data[CONF_DISPATCH_SECRET] == DISPATCH_SECRET
    assert fpp_entry.title == "FPP acme-flex"
    client = fpp_entry.runtime_data.client
    assert isinstance(client, FppClient)
    assert client.base_url == other_fpp.url


async def test_switchgrid_reconfigure_leaves_test_mode(
    hass: HomeAssistant,
    switchgrid_sim: SwitchgridSimulator,
    switchgrid_entry: MockConfigEntry,
) -> None:
    await setup(hass, switchgrid_entry)
    result = await switchgrid_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    assert suggested(result, CONF_TEST_MODE) is True
    assert suggested(result, CONF_EVENTS_URL) == switchgrid_sim.events_url
    assert result["description_placeholders"]["account"] == "Switchgrid maison (test)"

    switchgrid_sim.fail_next(status=500)
    changes = {
        CONF_API_TOKEN: switchgrid_sim.token,
        CONF_BASE_URL: switchgrid_sim.url,
        CONF_EVENTS_URL: switchgrid_sim.events_url,
        CONF_TEST_MODE: False,
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], changes)
    assert result["errors"] == {"base": "cannot_connect"}
    assert switchgrid_entry.data[CONF_TEST_MODE] is True

    switchgrid_sim.received.clear()
    result = await hass.config_entries.flow.async_configure(result["flow_id"], changes)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert switchgrid_entry.data[CONF_TEST_MODE] is False
    assert switchgrid_entry.title == "Switchgrid maison"
    # Both the check and the reloaded entry's own call went to production (no header);
    # the reloaded entry also reads the public demand-response feed.
    api_calls = [r for r in switchgrid_sim.received if r.path.startswith("/v0_1/")]
    assert len(api_calls) == 2
    assert all(
        header(r.headers, "switchgrid-test-env") is None
        for r in switchgrid_sim.received
    )
    client = switchgrid_entry.runtime_data.client
    assert isinstance(client, SwitchgridClient)
    assert client.test_mode is False
