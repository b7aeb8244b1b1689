"""Config entry diagnostics: useful content, and no secret anywhere in the download."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.gridflex.const import (
    CONF_ENERGY_TYPE,
    CONF_HOLDER_NAME,
    CONF_PCE,
    CONF_POSTCODE,
    CONF_STREET,
    DOMAIN,
    SUBENTRY_DELIVERY_POINT,
)
from tests.conftest import (
    DISPATCH_SECRET,
    ENDPOINT_ID,
    WEBHOOK_ID,
    fpp_entry_data,
    switchgrid_account_entry,
)
from tests.simulators.fpp import FppSimulator
from tests.simulators.switchgrid import SwitchgridSimulator

REDACTED = "**REDACTED**"


async def download(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: MockConfigEntry
) -> tuple[str, dict[str, Any]]:
    """What the user downloads from the UI: the raw text, and its `data` part."""
    assert await async_setup_component(hass, "diagnostics", {})
    client = await hass_client()
    response = await client.get(f"/api/diagnostics/config_entry/{entry.entry_id}")
    assert response.status == HTTPStatus.OK
    text = await response.text()
    body = await response.json()
    return text, body["data"]


async def test_fpp_diagnostics_redact_the_cloud_webhook_address(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, fpp_sim: FppSimulator
) -> None:
    hook = "https://hooks.nabu.casa/gAAAA-secret-address"
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="FPP acme-flex",
        unique_id="fpp_acme-flex",
        data=fpp_entry_data(fpp_sim, cloudhook_url=hook),
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    text, data = await download(hass, hass_client, entry)
    assert hook not in text
    assert data["entry"]["data"]["cloudhook_url"] == REDACTED


async def test_fpp_diagnostics_redact_token_secret_and_endpoint(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    fpp_sim: FppSimulator,
    fpp_entry: MockConfigEntry,
) -> None:
    fpp_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(fpp_entry.entry_id)
    await hass.async_block_till_done()

    text, data = await download(hass, hass_client, fpp_entry)
    for secret in (fpp_sim.token, DISPATCH_SECRET, ENDPOINT_ID, WEBHOOK_ID):
        assert secret not in text
    entry_data = data["entry"]["data"]
    assert entry_data["api_token"] == REDACTED
    assert entry_data["dispatch_secret"] == REDACTED
    assert entry_data["endpoint_id"] == REDACTED
    assert entry_data["webhook_id"] == REDACTED
    assert entry_data["account_id"] == "acme-flex"
    assert entry_data["base_url"] == fpp_sim.url
    assert data["entry"]["title"] == "FPP acme-flex"
    assert data["entry"]["state"] == "loaded"
    assert data["fpp"] == {"base_url": fpp_sim.url}
    assert data["subentries"] == []


async def test_switchgrid_diagnostics_list_points_without_personal_data(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    switchgrid_sim: SwitchgridSimulator,
) -> None:
    entry = switchgrid_account_entry(
        switchgrid_sim,
        {
            "data": {
                CONF_ENERGY_TYPE: "gas",
                CONF_PCE: "01427641080000",
                CONF_HOLDER_NAME: "Jean Dupont",
                CONF_STREET: "17 avenue Charles de Gaulle",
                CONF_POSTCODE: "75007",
            },
            "subentry_type": SUBENTRY_DELIVERY_POINT,
            "title": "GRDF PCE 01427641080000",
            "unique_id": "01427641080000",
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    text, data = await download(hass, hass_client, entry)
    # Meter numbers and addresses are personal data (the brief): none of it in the download.
    for private in (
        switchgrid_sim.token,
        "Jean Dupont",
        "Charles de Gaulle",
        "01427641080000",
        "75007",
    ):
        assert private not in text
    assert data["switchgrid"] == {
        "base_url": switchgrid_sim.url,
        "events_url": switchgrid_sim.events_url,
        "test_mode": True,
    }
    (point,) = data["subentries"]
    assert point["subentry_type"] == SUBENTRY_DELIVERY_POINT
    # The last four digits tell two points apart without naming the meter.
    assert point["unique_id"] == "…0000"
    assert point["title"] == "GRDF PCE …0000"
    assert point["data"][CONF_PCE] == "…0000"
    assert point["data"][CONF_POSTCODE] == REDACTED
    assert point["data"][CONF_HOLDER_NAME] == REDACTED


async def test_diagnostics_of_an_entry_that_failed_setup(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    switchgrid_sim: SwitchgridSimulator,
    switchgrid_entry: MockConfigEntry,
) -> None:
    switchgrid_sim.fail_next(status=500)
    switchgrid_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(switchgrid_entry.entry_id)
    await hass.async_block_till_done()

    text, data = await download(hass, hass_client, switchgrid_entry)
    assert switchgrid_sim.token not in text
    assert data["entry"]["state"] == "setup_retry"
    assert "switchgrid" not in data
    assert "fpp" not in data
