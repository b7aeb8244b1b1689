from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.gridflex.const import DOMAIN
from tests.simulators.fpp import FppSimulator


async def test_fpp_account_created_through_the_ui(
    hass: HomeAssistant, fpp_sim: FppSimulator
) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "fpp"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"account_id": "acme", "api_token": fpp_sim.token, "base_url": fpp_sim.url},
    )
    assert result["step_id"] == "fpp_endpoint_private"  # the test HA has no public URL
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert entry.state is config_entries.ConfigEntryState.LOADED
