"""One Connected Data Portal account per portal: duplicates, reconfigure, reauth, migration."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_USER, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.gridflex.accounts import portal_unique_id
from custom_components.gridflex.const import (
    CONF_ACCOUNT_KIND,
    CONF_API_TOKEN,
    CONF_BASE_URL,
    DOMAIN,
    AccountKind,
)
from tests.simulators.cdp import CdpSimulator
from tests.simulators.cdp_data import ASHGROVE

from .conftest import cdp_entry, setup_cdp, zone_subentry

OTHER_PORTAL = "https://portal.example.invalid/api/3/action"


async def _submit_cdp_form(
    hass: HomeAssistant, answer: dict[str, str]
) -> ConfigFlowResult:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "cdp"}
    )
    return await hass.config_entries.flow.async_configure(result["flow_id"], answer)


async def test_a_second_account_on_the_same_portal_aborts_naming_the_first(
    hass: HomeAssistant, cdp_sim: CdpSimulator
) -> None:
    entry = cdp_entry(cdp_sim, zone_subentry(ASHGROVE), token=None)
    await setup_cdp(hass, entry)
    requests = len(cdp_sim.received)

    # Another token, another spelling of the same URL: still the same portal.
    result = await _submit_cdp_form(
        hass,
        {CONF_API_TOKEN: "cdp-token", CONF_BASE_URL: f" {cdp_sim.url.upper()}/ "},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "account_already_configured"
    assert result["description_placeholders"] == {"account": entry.title}
    # Refused before any request to the portal.
    assert len(cdp_sim.received) == requests
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


async def test_the_unique_id_is_the_portal(
    hass: HomeAssistant, cdp_sim: CdpSimulator
) -> None:
    result = await _submit_cdp_form(
        hass, {CONF_API_TOKEN: "cdp-token", CONF_BASE_URL: cdp_sim.url}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert entry.unique_id == portal_unique_id(cdp_sim.url)
    assert entry.unique_id == f"cdp_{cdp_sim.url.rstrip('/')}"
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_a_renewed_token_is_the_same_portal_account(
    hass: HomeAssistant, cdp_sim: CdpSimulator
) -> None:
    entry = cdp_entry(cdp_sim, zone_subentry(ASHGROVE))
    await setup_cdp(hass, entry)
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: "cdp-token"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.unique_id == portal_unique_id(cdp_sim.url)


async def test_reconfigure_refuses_the_portal_of_another_account(
    hass: HomeAssistant, cdp_sim: CdpSimulator
) -> None:
    entry = cdp_entry(cdp_sim, zone_subentry(ASHGROVE))
    await setup_cdp(hass, entry)
    other = MockConfigEntry(
        domain=DOMAIN,
        title="Connected Data Portal (mirror)",
        unique_id=portal_unique_id(OTHER_PORTAL),
        minor_version=3,
        data={
            CONF_ACCOUNT_KIND: AccountKind.CDP,
            CONF_API_TOKEN: "",
            CONF_BASE_URL: OTHER_PORTAL,
        },
    )
    other.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: "cdp-token", CONF_BASE_URL: OTHER_PORTAL}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "another_portal"}
    assert entry.data[CONF_BASE_URL] == cdp_sim.url


async def test_migration_to_1_3_keeps_a_portal_account_its_id(
    hass: HomeAssistant, cdp_sim: CdpSimulator
) -> None:
    """1.3 gives token-based ids to FPP and Switchgrid; a portal account is its URL already."""
    # Stored as 1.2 (hypothetically, from a pre-release), with a token.
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Connected Data Portal",
        unique_id=portal_unique_id(cdp_sim.url),
        minor_version=2,
        data={
            CONF_ACCOUNT_KIND: AccountKind.CDP,
            CONF_API_TOKEN: "cdp-token",
            CONF_BASE_URL: cdp_sim.url,
        },
        subentries_data=[zone_subentry(ASHGROVE)],
    )
    unique_id = entry.unique_id
    entities = er.async_get(hass)
    await setup_cdp(hass, entry)
    assert entry.unique_id == unique_id
    before = {
        e.entity_id: e.unique_id
        for e in er.async_entries_for_config_entry(entities, entry.entry_id)
    }
    assert await hass.config_entries.async_unload(entry.entry_id)
    hass.config_entries.async_update_entry(entry, minor_version=2)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert entry.minor_version == 3
    assert entry.unique_id == unique_id == portal_unique_id(cdp_sim.url)
    after = {
        e.entity_id: e.unique_id
        for e in er.async_entries_for_config_entry(entities, entry.entry_id)
    }
    assert after == before
    assert all(uid.startswith(f"{unique_id}_") for uid in after.values())
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert {(DOMAIN, unique_id)} in [d.identifiers for d in devices]
