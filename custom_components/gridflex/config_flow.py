"""UI setup of GridFlex accounts: a menu of account kinds, reauth and reconfigure."""

from __future__ import annotations

from collections.abc import Mapping
import secrets
from typing import Any

from homeassistant.components import webhook
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
)
from homeassistant.core import callback
from homeassistant.helpers.selector import BooleanSelector, TextSelector
import voluptuous as vol

from .accounts import PASSWORD, URL
from .api.errors import AuthError, GridFlexApiError
from .api.fpp import DEFAULT_FPP_BASE_URL, FppClient
from .api.market_gateway import MarketGatewayClient
from .api.switchgrid import (
    DEFAULT_EVENTS_URL,
    DEFAULT_SWITCHGRID_BASE_URL,
    SwitchgridClient,
)
from .cdp.account_flow import CdpAccountSteps, async_check_cdp_account
from .cdp.zone_flow import FlexibilityZoneSubentryFlow
from .clients import fpp_client, market_gateway_client, switchgrid_client
from .const import (
    CONF_ACCOUNT_ID,
    CONF_ACCOUNT_KIND,
    CONF_API_TOKEN,
    CONF_BASE_URL,
    CONF_CLOUDHOOK_URL,
    CONF_DISPATCH_SECRET,
    CONF_ENDPOINT_ID,
    CONF_EVENTS_URL,
    CONF_TEST_MODE,
    CONF_WEBHOOK_ID,
    DOMAIN,
    LOGGER,
    SUBENTRY_DELIVERY_POINT,
    SUBENTRY_FLEXIBILITY_ZONE,
    SUBENTRY_METERABLE_UNIT,
    AccountKind,
)
from .dispatch.cloud import async_create_cloudhook, async_delete_cloudhook
from .dispatch.endpoint_url import EndpointAddresses, endpoint_addresses
from .market.config_flow import MarketGatewayFlowMixin
from .subentry_flows import (
    DeliveryPointSubentryFlow,
    MeterableUnitSubentryFlow,
    NotACdpAccountFlow,
    NotAnFppAccountFlow,
    NotASwitchgridAccountFlow,
)

CONF_REGENERATE_DISPATCH_KEY = "regenerate_dispatch_key"


def _new_dispatch_credentials() -> dict[str, str]:
    """Return a fresh dispatch key, endpoint id and webhook id."""
    return {
        CONF_DISPATCH_SECRET: secrets.token_urlsafe(32),
        CONF_ENDPOINT_ID: secrets.token_hex(8),
        CONF_WEBHOOK_ID: webhook.async_generate_id(),
    }


def _switchgrid_title(account: str, test_mode: bool) -> str:
    return f"Switchgrid {account}{' (test)' if test_mode else ''}"


def _endpoint_placeholders(addresses: EndpointAddresses, secret: str) -> dict[str, str]:
    return {
        "dispatch_url": addresses.dispatch_url,
        "webhook_url": addresses.webhook_url,
        "secret": secret,
    }


# Sub-entry type -> the account kind it belongs to, its flow, and the flow that says so elsewhere.
SUBENTRY_FLOWS: dict[
    str, tuple[AccountKind, type[ConfigSubentryFlow], type[ConfigSubentryFlow]]
] = {
    SUBENTRY_METERABLE_UNIT: (
        AccountKind.FPP,
        MeterableUnitSubentryFlow,
        NotAnFppAccountFlow,
    ),
    SUBENTRY_DELIVERY_POINT: (
        AccountKind.SWITCHGRID,
        DeliveryPointSubentryFlow,
        NotASwitchgridAccountFlow,
    ),
    SUBENTRY_FLEXIBILITY_ZONE: (
        AccountKind.CDP,
        FlexibilityZoneSubentryFlow,
        NotACdpAccountFlow,
    ),
}


class GridFlexConfigFlow(
    MarketGatewayFlowMixin, CdpAccountSteps, ConfigFlow, domain=DOMAIN
):
    """Set up a Flexible Power Portal, Switchgrid, Market Gateway or Connected Data Portal account."""

    VERSION = 1
    # 1.2: Switchgrid accounts have their own events feed URL.
    # 1.3: the unique id is the account's (from its token), no longer the name typed in.
    MINOR_VERSION = 3

    def __init__(self) -> None:
        """Start with nothing entered."""
        self._pending: dict[str, Any] = {}

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """
        Each sub-entry type under its account kind; every other kind aborts in words.

        Home Assistant's "Add ..." buttons on the integration page offer every account, and a
        type an account does not list ends in Home Assistant's bare "Invalid handler specified".
        """
        kind = config_entry.data[CONF_ACCOUNT_KIND]
        return {
            subentry_type: flow if kind == owner else wrong_kind
            for subentry_type, (owner, flow, wrong_kind) in SUBENTRY_FLOWS.items()
        }

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask which kind of account to add."""
        return self.async_show_menu(
            step_id="user",
            menu_options=[
                AccountKind.FPP,
                AccountKind.SWITCHGRID,
                AccountKind.MARKET_GATEWAY,
                AccountKind.CDP,
            ],
        )

    async def _async_check_token(
        self, kind: AccountKind, data: Mapping[str, Any]
    ) -> dict[str, str]:
        if kind == AccountKind.CDP:
            return await async_check_cdp_account(self.hass, data)
        client: FppClient | SwitchgridClient | MarketGatewayClient
        if kind == AccountKind.FPP:
            client = fpp_client(self.hass, data)
        elif kind == AccountKind.MARKET_GATEWAY:
            client = market_gateway_client(self.hass, data)
        else:
            client = switchgrid_client(self.hass, data)
        try:
            await client.async_validate_token()
        except AuthError:
            return {"base": "invalid_auth"}
        except GridFlexApiError as err:
            LOGGER.debug("Token check failed: %s", err)
            return {"base": "cannot_connect"}
        return {}

    def _other_account_errors(
        self, entry: ConfigEntry, user_input: Mapping[str, Any]
    ) -> dict[str, str]:
        """Refuse a token that opens another configured account (reauth, reconfigure)."""
        if self._is_another_account(entry, {**entry.data, **user_input}):
            return {"base": "another_account"}
        return {}

    # --- Flexible Power Portal -------------------------------------------------------

    async def async_step_fpp(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the FPP account and its API token, and check them."""

        async def create(data: dict[str, Any]) -> ConfigFlowResult:
            self._pending = {**data, **_new_dispatch_credentials()}
            # As Home Assistant's own webhook integrations do: a Cloud user gets a public
            # address at once (deleted again when the account is removed).
            cloudhook = await async_create_cloudhook(
                self.hass, self._pending[CONF_WEBHOOK_ID]
            )
            if cloudhook is not None:
                self._pending[CONF_CLOUDHOOK_URL] = cloudhook
            return await self.async_step_fpp_endpoint()

        schema = vol.Schema(
            {
                vol.Required(CONF_ACCOUNT_ID): TextSelector(),
                vol.Required(CONF_API_TOKEN): PASSWORD,
                vol.Required(CONF_BASE_URL, default=DEFAULT_FPP_BASE_URL): URL,
            }
        )
        return await self._async_account_step(
            AccountKind.FPP, user_input, schema, create
        )

    async def async_step_fpp_endpoint(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show what to paste into the portal (and whether FPP can reach it), then create the account."""
        if user_input is not None:
            return self.async_create_entry(
                title=f"FPP {self._pending[CONF_ACCOUNT_ID]}", data=self._pending
            )
        addresses = endpoint_addresses(self.hass, self._pending)
        return self.async_show_form(
            # A second step id, so the warning is a translated text of its own.
            step_id="fpp_endpoint" if addresses.reachable else "fpp_endpoint_private",
            data_schema=vol.Schema({}),
            last_step=True,
            description_placeholders=_endpoint_placeholders(
                addresses, self._pending[CONF_DISPATCH_SECRET]
            ),
        )

    async def async_step_fpp_endpoint_private(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the same step, worded for when the only addresses are local ones."""
        return await self.async_step_fpp_endpoint(user_input)

    # --- Switchgrid ---------------------------------------------------------------------

    async def async_step_switchgrid(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the Switchgrid account, its API token and test mode, and check them."""

        async def create(data: dict[str, Any]) -> ConfigFlowResult:
            test_mode = data.get(CONF_TEST_MODE, False)
            return self.async_create_entry(
                title=_switchgrid_title(data[CONF_ACCOUNT_ID], test_mode),
                data={**data, CONF_TEST_MODE: test_mode},
            )

        schema = vol.Schema(
            {
                vol.Required(CONF_ACCOUNT_ID): TextSelector(),
                vol.Required(CONF_API_TOKEN): PASSWORD,
                vol.Required(CONF_TEST_MODE, default=False): BooleanSelector(),
                vol.Required(CONF_BASE_URL, default=DEFAULT_SWITCHGRID_BASE_URL): URL,
                vol.Required(CONF_EVENTS_URL, default=DEFAULT_EVENTS_URL): URL,
            }
        )
        return await self._async_account_step(
            AccountKind.SWITCHGRID, user_input, schema, create
        )

    # --- Reauth and reconfigure (both kinds) ----------------------------------------------

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start reauthentication after the service refused the token."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new token and check it."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            kind = entry.data[CONF_ACCOUNT_KIND]
            errors = self._other_account_errors(
                entry, user_input
            ) or await self._async_check_token(kind, {**entry.data, **user_input})
            if not errors:
                # The unique id stays the one the account was created with.
                return self.async_update_reload_and_abort(
                    entry, data_updates=user_input
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema({vol.Required(CONF_API_TOKEN): PASSWORD}),
            description_placeholders={"account": entry.title},
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the token, base URL and test mode of a Switchgrid account."""
        entry = self._get_reconfigure_entry()
        if entry.data[CONF_ACCOUNT_KIND] == AccountKind.FPP:
            return await self.async_step_fpp_reconfigure(user_input)
        if entry.data[CONF_ACCOUNT_KIND] == AccountKind.MARKET_GATEWAY:
            return await self.async_step_market_gateway_reconfigure(user_input)
        if entry.data[CONF_ACCOUNT_KIND] == AccountKind.CDP:
            return await self.async_step_cdp_reconfigure(user_input)
        return await self._async_reconfigure(
            "reconfigure", AccountKind.SWITCHGRID, user_input, {}
        )

    async def async_step_fpp_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the token and base URL of an FPP account; show again what the portal needs."""
        entry = self._get_reconfigure_entry()
        addresses = endpoint_addresses(self.hass, entry.data)
        return await self._async_reconfigure(
            "fpp_reconfigure" if addresses.reachable else "fpp_reconfigure_private",
            AccountKind.FPP,
            user_input,
            _endpoint_placeholders(addresses, entry.data[CONF_DISPATCH_SECRET]),
        )

    async def async_step_fpp_reconfigure_private(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the same step, worded for when the only addresses are local ones."""
        return await self.async_step_fpp_reconfigure(user_input)

    async def _async_reconfigure(
        self,
        step_id: str,
        kind: AccountKind,
        user_input: dict[str, Any] | None,
        placeholders: dict[str, str],
    ) -> ConfigFlowResult:
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            user_input = dict(user_input)
            regenerate = bool(user_input.pop(CONF_REGENERATE_DISPATCH_KEY, False))
            errors = self._other_account_errors(
                entry, user_input
            ) or await self._async_check_token(kind, {**entry.data, **user_input})
            if not errors:
                title = entry.title
                if kind == AccountKind.SWITCHGRID:
                    title = _switchgrid_title(
                        entry.data[CONF_ACCOUNT_ID], user_input[CONF_TEST_MODE]
                    )
                if regenerate:
                    # A key that may have leaked: the old key, URL and webhook stop working.
                    user_input |= _new_dispatch_credentials()
                    if entry.data.get(CONF_CLOUDHOOK_URL):
                        # The Cloud address ends with the old webhook id; the new id gets its own.
                        await async_delete_cloudhook(
                            self.hass, entry.data[CONF_WEBHOOK_ID]
                        )
                        user_input[CONF_CLOUDHOOK_URL] = await async_create_cloudhook(
                            self.hass, user_input[CONF_WEBHOOK_ID]
                        )
                return self.async_update_reload_and_abort(
                    entry,
                    title=title,
                    data_updates=user_input,
                    reason="dispatch_key_regenerated"
                    if regenerate
                    else "reconfigure_successful",
                )
        fields: dict[vol.Marker, Any] = {
            vol.Required(CONF_API_TOKEN): PASSWORD,
            vol.Required(CONF_BASE_URL): URL,
        }
        if kind == AccountKind.SWITCHGRID:
            fields[vol.Required(CONF_EVENTS_URL)] = URL
            fields[vol.Required(CONF_TEST_MODE)] = BooleanSelector()
        else:
            fields[vol.Optional(CONF_REGENERATE_DISPATCH_KEY, default=False)] = (
                BooleanSelector()
            )
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(fields), {**entry.data, **(user_input or {})}
            ),
            description_placeholders={"account": entry.title, **placeholders},
            errors=errors,
        )
