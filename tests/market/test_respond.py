"""``gridflex.respond_to_trade_opportunity`` through HA's service layer, against the simulator."""

from __future__ import annotations

from typing import Any

from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.gridflex.const import DOMAIN
from tests.market.conftest import mg_entry_data
from tests.market.helpers import setup_entry
from tests.simulators.market_gateway import MarketGatewaySimulator

GOOD = {
    "opportunity_id": "OPP-2002",
    "mu_id": "MU-1001",
    "capacity_mw": 0.004,
    "utilisation_price": 420,
    "availability_price": 10.5,
}


async def respond(hass: HomeAssistant, **data: Any) -> Any:
    return await hass.services.async_call(
        DOMAIN,
        "respond_to_trade_opportunity",
        data,
        blocking=True,
        return_response=True,
    )


async def test_response_is_sent_and_returned(
    hass: HomeAssistant, mg_sim: MarketGatewaySimulator, mg_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, mg_entry)
    reply = await respond(hass, **GOOD)
    assert reply["status"] == "SUBMITTED"
    [stored] = mg_sim.responses.values()
    assert reply["trade_response_id"] == stored["tradeResponseId"]
    assert stored["windows"] == [
        {
            "windowId": "W1",
            "offeredCapacityMw": 0.004,
            "availabilityPrice": 10.5,
            "utilisationPrice": 420.0,
        }
    ]
    with pytest.raises(ServiceValidationError) as err:
        await respond(hass, **GOOD)
    assert err.value.translation_key == "trade_response_conflict"


async def test_only_an_administrator_may_respond(
    hass: HomeAssistant,
    mg_sim: MarketGatewaySimulator,
    mg_entry: MockConfigEntry,
    hass_read_only_user: Any,
) -> None:
    await setup_entry(hass, mg_entry)
    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            DOMAIN,
            "respond_to_trade_opportunity",
            GOOD,
            blocking=True,
            return_response=True,
            context=Context(user_id=hass_read_only_user.id),
        )
    assert mg_sim.responses == {}


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"opportunity_id": "OPP-404"}, "unknown_opportunity"),
        ({"opportunity_id": "OPP-1999"}, "opportunity_closed"),
        ({"mu_id": "MU-9"}, "unknown_market_mu"),
        ({"capacity_mw": 0}, "capacity_not_positive"),
        ({"utilisation_price": -1}, "price_negative"),
        ({"availability_price": -1}, "price_negative"),
        ({"utilisation_price": 451}, "price_above_ceiling"),
        ({"window_id": "W7"}, "unknown_window"),
        ({"config_entry_id": "nope"}, "no_market_gateway_account"),
    ],
)
async def test_bad_input_is_refused_before_anything_is_sent(
    hass: HomeAssistant,
    mg_sim: MarketGatewaySimulator,
    mg_entry: MockConfigEntry,
    change: dict[str, Any],
    key: str,
) -> None:
    await setup_entry(hass, mg_entry)
    with pytest.raises(ServiceValidationError) as err:
        await respond(hass, **{**GOOD, **change})
    assert err.value.translation_key == key
    assert mg_sim.responses == {}
    assert not mg_sim.requests_to("/createTradeResponse")


async def test_market_gateway_refusals_are_translated(
    hass: HomeAssistant, mg_sim: MarketGatewaySimulator, mg_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, mg_entry)
    mg_sim.fail_next(
        status=422,
        path_contains="createTradeResponse",
        body={
            "errors": [{"field": "utilisationPrice", "message": "too many decimals"}]
        },
    )
    with pytest.raises(ServiceValidationError) as err:
        await respond(hass, **GOOD)
    assert err.value.translation_key == "trade_response_invalid"
    assert err.value.translation_placeholders == {
        "detail": "utilisationPrice: too many decimals"
    }
    mg_sim.fail_next(status=404, path_contains="createTradeResponse")
    with pytest.raises(ServiceValidationError) as err:
        await respond(hass, **GOOD)
    assert err.value.translation_key == "unknown_opportunity"
    mg_sim.fail_next(status=429, retry_after="60", path_contains="createTradeResponse")
    with pytest.raises(HomeAssistantError) as failed:
        await respond(hass, **GOOD)
    assert failed.value.translation_key == "market_gateway_request_failed"
    mg_sim.fail_next(status=503, path_contains="getSingleTradeOpportunity")
    with pytest.raises(HomeAssistantError) as failed:
        await respond(hass, **GOOD)
    assert failed.value.translation_key == "market_gateway_request_failed"


async def test_which_account(
    hass: HomeAssistant, mg_sim: MarketGatewaySimulator, mg_entry: MockConfigEntry
) -> None:
    assert await async_setup_component(hass, DOMAIN, {})
    with pytest.raises(ServiceValidationError) as err:
        await respond(hass, **GOOD)
    assert err.value.translation_key == "no_market_gateway_account"
    await setup_entry(hass, mg_entry)
    other = MockConfigEntry(
        domain=DOMAIN,
        minor_version=3,
        unique_id="market_gateway_other",
        title="Market Gateway other",
        data=mg_entry_data(mg_sim, account_id="other"),
    )
    await setup_entry(hass, other)
    with pytest.raises(ServiceValidationError) as err:
        await respond(hass, **GOOD)
    assert err.value.translation_key == "market_gateway_account_required"
    reply = await respond(hass, **GOOD, config_entry_id=other.entry_id)
    assert reply["mu_id"] == "MU-1001"


async def test_refused_token_asks_for_a_new_one(
    hass: HomeAssistant, mg_sim: MarketGatewaySimulator, mg_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, mg_entry)
    mg_sim.token = "rotated"
    with pytest.raises(HomeAssistantError) as failed:
        await respond(hass, **GOOD)
    assert failed.value.translation_key == "market_gateway_request_failed"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [f["context"]["source"] for f in flows] == ["reauth"]
