"""Config flow steps of a Market Gateway account (mixed into GridFlex's one config flow)."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.helpers.selector import (
    BooleanSelector,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
)
import voluptuous as vol

from ..accounts import PASSWORD, URL, AccountClaimingFlow
from ..api.market_gateway import DEFAULT_MG_BASE_URL
from ..const import (
    CONF_ACCOUNT_ID,
    CONF_API_TOKEN,
    CONF_BASE_URL,
    CONF_TEST_MODE,
    CONF_USE_API_KEY_HEADER,
    CONF_ZONES,
    AccountKind,
)

ZONES = SelectSelector(
    SelectSelectorConfig(options=[], multiple=True, custom_value=True)
)


def market_gateway_title(account: str, test_mode: bool) -> str:
    """How a Market Gateway account is named in Home Assistant."""
    return f"Market Gateway {account}{' (test)' if test_mode else ''}"


def _settings_fields() -> dict[vol.Marker, Any]:
    return {
        vol.Required(CONF_API_TOKEN): PASSWORD,
        vol.Required(CONF_TEST_MODE, default=False): BooleanSelector(),
        vol.Required(CONF_BASE_URL, default=DEFAULT_MG_BASE_URL): URL,
        vol.Required(CONF_USE_API_KEY_HEADER, default=False): BooleanSelector(),
        vol.Optional(CONF_ZONES, default=[]): ZONES,
    }


def _clean(user_input: dict[str, Any]) -> dict[str, Any]:
    zones = sorted({z.strip() for z in user_input.get(CONF_ZONES) or [] if z.strip()})
    return {**user_input, CONF_ZONES: zones}


class MarketGatewayFlowMixin(AccountClaimingFlow):
    """The ``market_gateway`` and ``market_gateway_reconfigure`` steps."""

    async def async_step_market_gateway(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the Market Gateway account, its token and where to reach it; check them."""

        async def create(data: dict[str, Any]) -> ConfigFlowResult:
            return self.async_create_entry(
                title=market_gateway_title(data[CONF_ACCOUNT_ID], data[CONF_TEST_MODE]),
                data=_clean(data),
            )

        schema = vol.Schema(
            {vol.Required(CONF_ACCOUNT_ID): TextSelector(), **_settings_fields()}
        )
        return await self._async_account_step(
            AccountKind.MARKET_GATEWAY, user_input, schema, create
        )

    async def async_step_market_gateway_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the token, URL, header or zones of a Market Gateway account."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, **_clean(user_input)}
            if self._is_another_account(entry, data):
                errors = {"base": "another_account"}
            else:
                errors = await self._async_check_token(AccountKind.MARKET_GATEWAY, data)
            if not errors:
                return self.async_update_reload_and_abort(
                    entry,
                    title=market_gateway_title(
                        entry.data[CONF_ACCOUNT_ID], user_input[CONF_TEST_MODE]
                    ),
                    data=data,
                )
        return self.async_show_form(
            step_id="market_gateway_reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(_settings_fields()), {**entry.data, **(user_input or {})}
            ),
            description_placeholders={"account": entry.title},
            errors=errors,
        )
