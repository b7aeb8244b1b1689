"""
GridFlex's faults as the Home Assistant exceptions that say them in the user's language.

One place turns an API client's typed error into what Home Assistant does with it (reauth,
retry later, not ready), and an action's bad input into a translated validation error.
"""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryNotReady,
    HomeAssistantError,
    ServiceValidationError,
)
from homeassistant.helpers.update_coordinator import UpdateFailed

from .api.errors import AuthError, GridFlexApiError, RateLimitedError
from .const import DOMAIN


def _as_asked(retry_after: float | None) -> float | None:
    return retry_after


def api_error(
    err: GridFlexApiError,
    service: str,
    *,
    at_setup: bool = False,
    retry_in: Callable[[float | None], float | None] = _as_asked,
) -> HomeAssistantError:
    """
    Return what Home Assistant should raise for ``err`` from ``service`` (its translation keys' prefix).

    A refused token starts reauth. At setup anything else leaves the account not ready; in a
    refresh, a 429 waits ``retry_in(Retry-After)`` and any other fault ``retry_in(None)``.
    """
    if isinstance(err, AuthError):
        return ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key=f"{service}_auth_failed"
        )
    if at_setup:
        return ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key=f"{service}_unreachable",
            translation_placeholders={"error": str(err)},
        )
    if isinstance(err, RateLimitedError):
        return UpdateFailed(
            translation_domain=DOMAIN,
            translation_key=f"{service}_rate_limited",
            retry_after=retry_in(err.retry_after),
        )
    return UpdateFailed(
        translation_domain=DOMAIN,
        translation_key=f"{service}_unreachable",
        translation_placeholders={"error": str(err)},
        retry_after=retry_in(None),
    )


def invalid_input(key: str, **placeholders: str) -> ServiceValidationError:
    """Return the translated error of an action called with data it cannot use."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


def action_failed(key: str, **placeholders: str) -> HomeAssistantError:
    """Return the translated error of an action that could not be carried out."""
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )
