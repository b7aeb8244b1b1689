"""
Which remote account a config entry is, whatever the user called it.

Neither FPP nor Switchgrid tells an API client who it is (no account endpoint in either contract),
so the account is identified by its credential: a one-way digest of its kind and API token. The
entry keeps the id it was created with; a renewed token (reauth, reconfigure) is checked against
every other entry's id and current token instead.

A Connected Data Portal account is the exception: its token is optional and opens only public
data, so the account is the portal itself (kind + base URL), one entry per portal.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping
import hashlib
from typing import Any

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentry,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .const import (
    CONF_ACCOUNT_ID,
    CONF_ACCOUNT_KIND,
    CONF_API_TOKEN,
    CONF_BASE_URL,
    DOMAIN,
    AccountKind,
)

# The account forms' token and address fields.
PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
# Long enough to never collide between two tokens, short enough to read in the registry.
_DIGEST_CHARS = 32


def account_unique_id(kind: str, token: str) -> str:
    """Return the unique id of the account a token opens (the token cannot be read back)."""
    digest = hashlib.sha256(f"{DOMAIN}:{kind}:{token.strip()}".encode()).hexdigest()
    return f"{kind}_{digest[:_DIGEST_CHARS]}"


def portal_unique_id(base_url: str) -> str:
    """Return the unique id of a Connected Data Portal account: the portal it reads."""
    return f"{AccountKind.CDP}_{base_url.strip().rstrip('/').casefold()}"


def data_unique_id(data: Mapping[str, Any]) -> str | None:
    """Return the unique id an account's settings give (None when they name no account)."""
    kind = data.get(CONF_ACCOUNT_KIND)
    if kind == AccountKind.CDP:
        base_url = data.get(CONF_BASE_URL)
        return portal_unique_id(base_url) if base_url else None
    token = data.get(CONF_API_TOKEN)
    if not kind or not token:
        return None
    return account_unique_id(kind, token)


def entry_unique_id(entry: ConfigEntry) -> str | None:
    """Return the unique id an entry's current settings give (None for an entry without one)."""
    return data_unique_id(entry.data)


def entry_of_account(
    hass: HomeAssistant, unique_id: str, *, skip: Collection[str] = ()
) -> ConfigEntry | None:
    """
    Return the entry already holding this account, if any (``skip``: entry ids to pass over).

    An entry matches by the id it was created with or by the token it holds now (after a reauth
    both differ, and both are the same account).
    """
    for entry in hass.config_entries.async_entries(DOMAIN, include_ignore=False):
        if entry.entry_id in skip:
            continue
        if unique_id in (entry.unique_id, entry_unique_id(entry)):
            return entry
    return None


def entry_holding(
    hass: HomeAssistant, subentry_type: str, unique_id: str
) -> ConfigEntry | None:
    """
    Return the entry, of any account, that already has this sub-entry (MU id, PCE or PRM).

    One MU in two accounts would have its readings uploaded twice; one delivery point in two
    would write one statistic twice. Case and surrounding spaces do not make another one.
    """
    wanted = unique_id.strip().casefold()
    for entry in hass.config_entries.async_entries(DOMAIN):
        for sub in subentries_of(entry, subentry_type):
            if (sub.unique_id or "").strip().casefold() == wanted:
                return entry
    return None


def subentries_of(entry: ConfigEntry, subentry_type: str) -> list[ConfigSubentry]:
    """Return the account's sub-entries of one kind (MUs, zones or delivery points)."""
    return [
        sub for sub in entry.subentries.values() if sub.subentry_type == subentry_type
    ]


class AccountClaimingFlow(ConfigFlow):
    """Config flow steps shared by every account kind: one entry per account."""

    async def _async_check_token(
        self, kind: AccountKind, data: Mapping[str, Any]
    ) -> dict[str, str]:
        """Make one real call with the token; return form errors (empty when it works)."""
        raise NotImplementedError  # GridFlex's config flow checks every kind's token

    async def _async_account_step(
        self,
        kind: AccountKind,
        user_input: dict[str, Any] | None,
        schema: vol.Schema,
        create: Callable[[dict[str, Any]], Awaitable[ConfigFlowResult]],
    ) -> ConfigFlowResult:
        """
        Ask for an account a token opens (step ``kind``): its name, token and settings.

        Once the name is given, the account not yet set up and the token works, ``create`` is
        handed the settings with the kind and the trimmed name.
        """
        errors: dict[str, str] = {}
        if user_input is not None and not user_input[CONF_ACCOUNT_ID].strip():
            errors[CONF_ACCOUNT_ID] = "required"
        elif user_input is not None:
            if aborted := await self._async_claim_account(
                account_unique_id(kind, user_input[CONF_API_TOKEN])
            ):
                return aborted
            errors = await self._async_check_token(kind, user_input)
            if not errors:
                return await create(
                    {
                        **user_input,
                        CONF_ACCOUNT_KIND: kind,
                        CONF_ACCOUNT_ID: user_input[CONF_ACCOUNT_ID].strip(),
                    }
                )
        return self.async_show_form(
            step_id=str(kind),
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            errors=errors,
        )

    async def _async_claim_account(self, unique_id: str) -> ConfigFlowResult | None:
        """Take the account's unique id; return an abort when the account is already set up."""
        if (existing := entry_of_account(self.hass, unique_id)) is not None:
            return self.async_abort(
                reason="account_already_configured",
                description_placeholders={"account": existing.title},
            )
        await self.async_set_unique_id(unique_id)
        self._abort_if_unique_id_configured()
        return None

    def _is_another_account(self, entry: ConfigEntry, data: Mapping[str, Any]) -> bool:
        """Tell whether new settings (reauth, reconfigure) open another configured account."""
        unique_id = data_unique_id(data)
        return (
            unique_id is not None
            and entry_of_account(self.hass, unique_id, skip={entry.entry_id})
            is not None
        )
