"""
Sentences people read outside forms (logbook, calendar, notifications), in Home Assistant's language.

They live in the translation files under ``exceptions`` (the one category Home Assistant gives
integrations for free text with placeholders) and are cached at setup, so callbacks can use them.
"""

from __future__ import annotations

import datetime as dt

from homeassistant.const import EVENT_CORE_CONFIG_UPDATE
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import translation

from .const import DOMAIN

CATEGORY = "exceptions"


async def async_load_words(hass: HomeAssistant) -> None:
    """Cache GridFlex's sentences in Home Assistant's language, and in English as a fallback."""
    for language in dict.fromkeys((hass.config.language, "en")):
        await translation.async_get_translations(hass, language, CATEGORY, [DOMAIN])


@callback
def async_follow_language(hass: HomeAssistant) -> None:
    """Load the sentences again when the user changes Home Assistant's language."""

    async def _changed(event: Event) -> None:
        if "language" in event.data:
            await async_load_words(hass)

    hass.bus.async_listen(EVENT_CORE_CONFIG_UPDATE, _changed)


@callback
def say(hass: HomeAssistant, key: str, **placeholders: object) -> str:
    """Return one sentence in Home Assistant's language (English when it is not translated)."""
    full_key = f"component.{DOMAIN}.{CATEGORY}.{key}.message"
    text = None
    for language in (hass.config.language, "en"):
        cached = translation.async_get_cached_translations(
            hass, language, CATEGORY, DOMAIN
        )
        if (text := cached.get(full_key)) is not None:
            break
    if text is None:
        return key
    for name, value in placeholders.items():
        text = text.replace(f"{{{name}}}", str(value))
    return text


@callback
def moment_words(
    hass: HomeAssistant, moment: dt.datetime | None, zone: dt.tzinfo
) -> str:
    """Return a moment written with numbers in ``zone``, "01/12/2026 07:00 GMT"; "not given" for None."""
    if moment is None:
        return say(hass, "words_not_given")
    return moment.astimezone(zone).strftime("%d/%m/%Y %H:%M %Z")


# Languages GridFlex is translated into that write 2,5 rather than 2.5 (and group thousands with a
# narrow no-break space); any other language reads GridFlex in English, so with English numbers.
_DECIMAL_COMMA = frozenset({"fr"})


@callback
def number(hass: HomeAssistant, value: float, decimals: int | None = None) -> str:
    """
    Write a number as Home Assistant's language does: ``1,234.5`` in English, ``1 234,5`` in French.

    Without ``decimals`` it keeps the digits the value has (up to six significant ones).
    """
    text = f"{value:,.{decimals}f}" if decimals is not None else f"{value:,g}"
    if hass.config.language.split("-")[0] not in _DECIMAL_COMMA:
        return text
    return text.replace(",", "\u202f").replace(".", ",")
