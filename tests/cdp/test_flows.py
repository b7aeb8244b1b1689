"""Account and zone flows off the happy path: token errors, CMZ codes, reconfigure, diagnostics."""

from __future__ import annotations

import datetime as dt

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.gridflex.const import DOMAIN
from custom_components.gridflex.diagnostics import async_get_config_entry_diagnostics
from tests.simulators.cdp import CdpSimulator
from tests.simulators.cdp_data import ASHGROVE, MELTON, PEN_Y_BRYN

from .conftest import cdp_entry, setup_cdp, zone_subentry

NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)


async def _cdp_form(hass: HomeAssistant) -> str:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "cdp"}
    )
    return str(result["flow_id"])


async def test_account_form_errors_and_duplicate(
    hass: HomeAssistant, cdp_sim: CdpSimulator
) -> None:
    flow_id = await _cdp_form(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"api_token": "not-a-token", "base_url": cdp_sim.url}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    cdp_sim.cdn_block_next(2)  # longer than the form's one short retry
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"base_url": cdp_sim.url}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"base_url": cdp_sim.url, "api_token": "  "}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["api_token"] == ""
    await hass.async_block_till_done(wait_background_tasks=True)
    flow_id = await _cdp_form(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"base_url": cdp_sim.url + "/"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "account_already_configured"


async def _cmz_flow(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "flexibility_zone"), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"next_step_id": "cmz_code"}
    )
    assert result["step_id"] == "cmz_code"
    return str(result["flow_id"])


async def test_zone_by_cmz_code(hass: HomeAssistant, cdp_sim: CdpSimulator) -> None:
    entry = cdp_entry(cdp_sim, zone_subentry(ASHGROVE))
    await setup_cdp(hass, entry)
    flow_id = await _cmz_flow(hass, entry)
    configure = hass.config_entries.subentries.async_configure
    result = await configure(flow_id, {"cmz_code": "no spaces please"})
    assert result["errors"] == {"cmz_code": "invalid_cmz_code"}
    result = await configure(flow_id, {"cmz_code": "CMZ_NOWHERE_0000"})
    assert result["errors"] == {"cmz_code": "unknown_zone"}
    cdp_sim.cdn_block_next(3)
    result = await configure(flow_id, {"cmz_code": MELTON.code})
    assert result["errors"] == {"base": "cannot_connect"}
    result = await configure(flow_id, {"cmz_code": f" {MELTON.code.lower()} "})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Melton Road (HV)"
    assert result["data"]["zone_products"] == ["SAOU_DA"]
    await hass.async_block_till_done(wait_background_tasks=True)

    flow_id = await _cmz_flow(hass, entry)
    result = await configure(flow_id, {"cmz_code": ASHGROVE.code})
    assert result["reason"] == "already_configured"


async def test_zone_lookups_without_a_token_or_with_a_revoked_one(
    hass: HomeAssistant, cdp_sim: CdpSimulator, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(NOW)
    entry = cdp_entry(cdp_sim, token=None)
    await setup_cdp(hass, entry)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "flexibility_zone"), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"next_step_id": "postcode"}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"postcode": "SA1 1AA"}
    )
    assert result["errors"] == {"base": "token_needed"}
    # A CMZ code is still followed, under its code.
    flow_id = await _cmz_flow(hass, entry)
    result = await hass.config_entries.subentries.async_configure(
        flow_id, {"cmz_code": PEN_Y_BRYN.code}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == PEN_Y_BRYN.code
    await hass.async_block_till_done(wait_background_tasks=True)

    revoked = cdp_entry(cdp_sim, token="revoked")
    revoked.add_to_hass(hass)
    for how, answer in (
        ("postcode", {"postcode": "SA1 1AA"}),
        ("cmz_code", {"cmz_code": MELTON.code}),
    ):
        result = await hass.config_entries.subentries.async_init(
            (revoked.entry_id, "flexibility_zone"), context={"source": SOURCE_USER}
        )
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {"next_step_id": how}
        )
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], answer
        )
        assert result["errors"] == {"base": "invalid_auth"}


async def test_reconfigure_adds_a_token(
    hass: HomeAssistant, cdp_sim: CdpSimulator
) -> None:
    entry = cdp_entry(cdp_sim, zone_subentry(ASHGROVE), token=None)
    await setup_cdp(hass, entry)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "cdp_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_token": "wrong", "base_url": cdp_sim.url}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_token": "cdp-token", "base_url": cdp_sim.url}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.data["api_token"] == "cdp-token"
    assert cdp_sim.received[-1].headers["Authorization"] == "cdp-token"


async def test_diagnostics_hide_the_token(
    hass: HomeAssistant, cdp_sim: CdpSimulator, hass_client: ClientSessionGenerator
) -> None:
    entry = cdp_entry(cdp_sim, zone_subentry(ASHGROVE))
    await setup_cdp(hass, entry)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert "cdp-token" not in str(diagnostics)
    assert diagnostics["entry"]["data"]["api_token"] == "**REDACTED**"
    portal = diagnostics["connected_data_portal"]
    assert portal["has_token"] is True
    assert portal["rights"] == "NGED Open Data Licence"
    assert portal["zones"][ASHGROVE.code]["results"] == 5
    assert set(portal["resources"]) == {
        "Short Term Trade Parameters",
        "Trade Results Summary",
    }
