"""Market Gateway account flows, and the MU picker of an FPP account, against the simulators."""

from __future__ import annotations

from homeassistant import config_entries
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.gridflex.accounts import account_unique_id
from custom_components.gridflex.api.market_gateway import DEFAULT_MG_BASE_URL
from custom_components.gridflex.const import (
    CONF_ACCOUNT_ID,
    CONF_ACCOUNT_KIND,
    CONF_API_TOKEN,
    CONF_BASE_URL,
    CONF_GRANULARITY,
    CONF_MU_ID,
    CONF_POWER_SENSOR,
    CONF_PRODUCTS,
    CONF_TEST_MODE,
    CONF_USE_API_KEY_HEADER,
    CONF_ZONES,
    DOMAIN,
    SUBENTRY_METERABLE_UNIT,
    AccountKind,
)
from tests.market.helpers import setup_entry
from tests.simulators.market_gateway import MarketGatewaySimulator
from tests.test_config_flow import closed_port_url

POWER = "sensor.battery_power"


async def start(hass: HomeAssistant) -> str:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": AccountKind.MARKET_GATEWAY}
    )
    assert result["step_id"] == "market_gateway"
    schema = result["data_schema"].schema
    marker = next(k for k in schema if k == CONF_BASE_URL)
    assert marker.default() == DEFAULT_MG_BASE_URL
    return str(result["flow_id"])


def answers(sim: MarketGatewaySimulator, **overrides: object) -> dict[str, object]:
    return {
        CONF_ACCOUNT_ID: " Acme-Flex ",
        CONF_API_TOKEN: sim.token,
        CONF_TEST_MODE: True,
        CONF_BASE_URL: sim.url,
        CONF_USE_API_KEY_HEADER: True,
        CONF_ZONES: [" CMZ_B ", "", "CMZ_A"],
        **overrides,
    }


async def test_add_account_checks_the_token(
    hass: HomeAssistant, mg_sim: MarketGatewaySimulator
) -> None:
    flow_id = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, answers(mg_sim, **{CONF_API_TOKEN: "wrong"})
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, answers(mg_sim, **{CONF_BASE_URL: closed_port_url()})
    )
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, answers(mg_sim, **{CONF_ACCOUNT_ID: "  "})
    )
    assert result["errors"] == {CONF_ACCOUNT_ID: "required"}
    result = await hass.config_entries.flow.async_configure(flow_id, answers(mg_sim))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Market Gateway Acme-Flex (test)"
    data = result["data"]
    assert data[CONF_ACCOUNT_KIND] == AccountKind.MARKET_GATEWAY
    assert data[CONF_ACCOUNT_ID] == "Acme-Flex"
    assert data[CONF_ZONES] == ["CMZ_A", "CMZ_B"]
    await hass.async_block_till_done()
    # The token went as X-API-Key, as chosen.
    assert mg_sim.received[-1].headers.get("X-API-Key") == mg_sim.token
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert entry.unique_id == account_unique_id(
        AccountKind.MARKET_GATEWAY, mg_sim.token
    )
    # Its MUs come from Market Gateway: every sub-entry type HA offers it aborts in words.
    assert not any(
        t["supports_reconfigure"] for t in entry.supported_subentry_types.values()
    )
    for subentry_type, reason in (
        ("meterable_unit", "not_an_fpp_account"),
        ("delivery_point", "not_a_switchgrid_account"),
        ("flexibility_zone", "not_a_cdp_account"),
    ):
        wrong = await hass.config_entries.subentries.async_init(
            (entry.entry_id, subentry_type), context={"source": "user"}
        )
        assert wrong["type"] is FlowResultType.ABORT
        assert wrong["reason"] == reason

    flow_id = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, answers(mg_sim, **{CONF_ACCOUNT_ID: "acme-flex"})
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "account_already_configured"


async def test_reauth_and_reconfigure(
    hass: HomeAssistant, mg_sim: MarketGatewaySimulator, mg_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, mg_entry)
    mg_sim.token = "renewed"
    result = await mg_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: "still-wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: "renewed"}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert mg_entry.data[CONF_API_TOKEN] == "renewed"

    result = await mg_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "market_gateway_reconfigure"
    new = {
        CONF_API_TOKEN: "renewed",
        CONF_TEST_MODE: True,
        CONF_BASE_URL: closed_port_url(),
        CONF_USE_API_KEY_HEADER: False,
        CONF_ZONES: ["CMZ_C"],
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], new)
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**new, CONF_BASE_URL: mg_sim.url}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert mg_entry.title == "Market Gateway acme-flex (test)"
    assert mg_entry.data[CONF_ZONES] == ["CMZ_C"]
    assert mg_sim.received[-1].query.get("cmzCode") in (None, "CMZ_C")


async def test_unit_picked_from_market_gateway_fills_the_form(
    hass: HomeAssistant, mg_entry: MockConfigEntry, fpp_entry: MockConfigEntry
) -> None:
    hass.states.async_set(
        POWER, "1.0", {"device_class": "power", "unit_of_measurement": "kW"}
    )
    await setup_entry(hass, mg_entry)
    await setup_entry(hass, fpp_entry)
    result = await hass.config_entries.subentries.async_init(
        (fpp_entry.entry_id, SUBENTRY_METERABLE_UNIT), context={"source": SOURCE_USER}
    )
    assert result["step_id"] == "pick_unit"
    selector = result["data_schema"].schema[CONF_MU_ID]
    options = selector.config["options"]
    assert options == [
        {"value": "MU-1002", "label": "EV charger · MU-1002 · CMZ_T10A_EM_0097"},
        {"value": "MU-1001", "label": "Heat pump · MU-1001 · CMZ_T10A_EM_0097"},
    ]
    assert selector.config["custom_value"] is True
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_MU_ID: "MU-1001"}
    )
    assert result["step_id"] == "user"
    suggested = {
        str(k): (k.description or {}).get("suggested_value")
        for k in result["data_schema"].schema
    }
    assert suggested[CONF_MU_ID] == "MU-1001"
    assert suggested[CONF_PRODUCTS] == ["ou_15", "su"]
    assert suggested[CONF_GRANULARITY] == "minute"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            CONF_MU_ID: "MU-1001",
            CONF_PRODUCTS: ["ou_15", "su"],
            CONF_POWER_SENSOR: POWER,
            CONF_GRANULARITY: "minute",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "MU-1001"


async def test_unit_typed_when_market_gateway_does_not_know_it(
    hass: HomeAssistant, mg_entry: MockConfigEntry, fpp_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, mg_entry)
    await setup_entry(hass, fpp_entry)
    result = await hass.config_entries.subentries.async_init(
        (fpp_entry.entry_id, SUBENTRY_METERABLE_UNIT), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_MU_ID: " MU-7 "}
    )
    assert result["step_id"] == "user"
    suggested = {
        str(k): (k.description or {}).get("suggested_value")
        for k in result["data_schema"].schema
    }
    assert suggested[CONF_MU_ID] == "MU-7"
    assert suggested[CONF_PRODUCTS] is None


async def test_no_market_gateway_account_means_the_usual_form(
    hass: HomeAssistant, fpp_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, fpp_entry)
    result = await hass.config_entries.subentries.async_init(
        (fpp_entry.entry_id, SUBENTRY_METERABLE_UNIT), context={"source": SOURCE_USER}
    )
    assert result["step_id"] == "user"
