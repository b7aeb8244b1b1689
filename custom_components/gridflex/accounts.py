"""
Which remote account a config entry is, whatever the user called it.

Neither FPP nor Switchgrid tells an API client who it is (no account endpoint in either contract),
so the account is identified by its credential: a one-way digest of its kind and API token. The
entry keeps the id it was created with; a renewed token (reauth, reconfigure) is checked against
every other entry's id and current token instead.
"""

from __future__ import annotations

from collections.abc import Collection
import hashlib

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .const import CONF_ACCOUNT_KIND, CONF_API_TOKEN, DOMAIN

# Long enough to never collide between two tokens, short enough to read in the registry.
_DIGEST_CHARS = 32


def account_unique_id(kind: str, token: str) -> str:
    """Return the unique id of the account a token opens (the token cannot be read back)."""
    digest = hashlib.sha256(f"{DOMAIN}:{kind}:{token.strip()}".encode()).hexdigest()
    return f"{kind}_{digest[:_DIGEST_CHARS]}"


def entry_unique_id(entry: ConfigEntry) -> str | None:
    """Return the unique id an entry's current token gives (None for an entry without one)."""
    kind, token = entry.data.get(CONF_ACCOUNT_KIND), entry.data.get(CONF_API_TOKEN)
    if not kind or not token:
        return None
    return account_unique_id(kind, token)


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
        for sub in entry.subentries.values():
            if (
                sub.subentry_type == subentry_type
                and (sub.unique_id or "").strip().casefold() == wanted
            ):
                return entry
    return None
