"""Adding an Enedis delivery point found through search_contract, and a consent duration."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from tests.simulators.switchgrid import SwitchgridSimulator

from .conftest import PRM, make_entry, settle, setup_entry

ADDRESS = {
    "holder_name": "Jean Dupont",
    "street": "17 avenue Charles de Gaulle",
    "postcode": "75007",
    "city": "Paris",
}


async def _start(hass: HomeAssistant, entry_id: str, step: str) -> dict[str, object]:
    result = await hass.config_entries.subentries.async_init(
        (entry_id, "delivery_point"), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert "electricity_search" in result["menu_options"]
    return await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"next_step_id": step}
    )


async def test_prm_found_by_holder_and_address(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    sim.enedis_contracts.append(
        {
            "id": "contract-1",
            "prm": PRM,
            "nomClientFinalOuDenominationSociale": "DUPONT JEAN",
            "adresseInstallationNormalisee": {"ligne4": "17 AV CHARLES DE GAULLE"},
        }
    )
    entry = make_entry(sim)
    await setup_entry(hass, entry)
    result = await _start(hass, entry.entry_id, "electricity_search")
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**ADDRESS, "holder_name": "Inconnu"}
    )
    assert result["errors"] == {"base": "no_contract_found"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {**ADDRESS, "holder_name": "Dupont", "consent_duration": "3_years"},
    )
    assert result["step_id"] == "electricity_contract"
    query = sim.requests_to("/enedis/v2/search_contract")[-1].query
    assert query == {
        "name": "Dupont",
        "address": "17 avenue Charles de Gaulle 75007 Paris",
    }
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"enedis_contract_id": "contract-1"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await settle(hass)
    sub = next(
        iter(hass.config_entries.async_get_entry(entry.entry_id).subentries.values())
    )
    assert sub.unique_id == PRM
    assert sub.data["enedis_contract_id"] == "contract-1"
    # The reload after adding the point asks for consent on that contract
    ask = sim.requests_to("/v0_1/ask", "POST")[-1].body
    assert ask == {"contracts": ["contract-1"], "consentDuration": "3 years"}


async def test_search_needs_holder_and_survives_outage(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    entry = make_entry(sim)
    await setup_entry(hass, entry)
    result = await _start(hass, entry.entry_id, "electricity_search")
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**ADDRESS, "holder_name": "  "}
    )
    assert result["errors"] == {"base": "required"}
    sim.fail_next(status=503, path_contains="search_contract")
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], ADDRESS
    )
    assert result["errors"] == {"base": "cannot_connect"}
