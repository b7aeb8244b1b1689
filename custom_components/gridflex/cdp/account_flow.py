"""Config flow steps of a Connected Data Portal account: an optional token, checked for real."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.core import HomeAssistant
import voluptuous as vol

from ..accounts import PASSWORD, URL, AccountClaimingFlow, portal_unique_id
from ..api.cdp import DEFAULT_CDP_BASE_URL, TRADES_DATASET, AccessRefusedError
from ..api.errors import GridFlexApiError
from ..clients import cdp_client
from ..const import (
    CONF_ACCOUNT_KIND,
    CONF_API_TOKEN,
    CONF_BASE_URL,
    LOGGER,
    AccountKind,
)
from .const import TOKEN_HELP_URL

CDP_TITLE = "Connected Data Portal"
# The user is waiting in the form: one short retry, not the polling backoff.
FORM_RETRY_DELAYS = (2.0,)


def _schema() -> vol.Schema:
    return vol.Schema(
        {
            vol.Optional(CONF_API_TOKEN): PASSWORD,
            vol.Required(CONF_BASE_URL, default=DEFAULT_CDP_BASE_URL): URL,
        }
    )


async def async_check_cdp_account(
    hass: HomeAssistant, data: Mapping[str, Any]
) -> dict[str, str]:
    """Read a registered-only resource with the token, or a public dataset without one."""
    client = cdp_client(hass, data, retry_delays=FORM_RETRY_DELAYS, pause=0)
    try:
        if client.has_token:
            await client.async_check_access()
        else:
            await client.async_dataset(TRADES_DATASET)
    except AccessRefusedError:
        return {"base": "invalid_auth"}
    except GridFlexApiError as err:
        LOGGER.debug("Connected Data Portal check failed: %s", err)
        return {"base": "cannot_connect"}
    return {}


def _clean(user_input: Mapping[str, Any]) -> dict[str, Any]:
    return {
        CONF_API_TOKEN: (user_input.get(CONF_API_TOKEN) or "").strip(),
        CONF_BASE_URL: user_input[CONF_BASE_URL].strip(),
    }


class CdpAccountSteps(AccountClaimingFlow):
    """The steps a GridFlex config flow gains for a Connected Data Portal account."""

    async def async_step_cdp(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for an optional token (saying what it unlocks), check it, create the account."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = _clean(user_input)
            # One account per portal: the token is optional, the data the same for everyone.
            if aborted := await self._async_claim_account(
                portal_unique_id(data[CONF_BASE_URL])
            ):
                return aborted
            errors = await async_check_cdp_account(self.hass, data)
            if not errors:
                return self.async_create_entry(
                    title=CDP_TITLE, data={CONF_ACCOUNT_KIND: AccountKind.CDP, **data}
                )
        return self.async_show_form(
            step_id="cdp",
            data_schema=self.add_suggested_values_to_schema(_schema(), user_input),
            description_placeholders={"token_url": TOKEN_HELP_URL},
            errors=errors,
        )

    async def async_step_cdp_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Add, change or remove the token; change the base URL."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = _clean(user_input)
            if self._is_another_account(entry, {**entry.data, **data}):
                errors = {"base": "another_portal"}
            else:
                errors = await async_check_cdp_account(self.hass, data)
            if not errors:
                return self.async_update_reload_and_abort(entry, data_updates=data)
        return self.async_show_form(
            step_id="cdp_reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                _schema(), user_input or {**entry.data}
            ),
            description_placeholders={
                "account": entry.title,
                "token_url": TOKEN_HELP_URL,
            },
            errors=errors,
        )
