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
from homeassistant.util import dt as dt_util

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
    """Return a moment in ``zone``'s clock time, "1 December 07:00 GMT"; "not given" for None."""
    if moment is None:
        return say(hass, "words_not_given")
    clock = moment.astimezone(zone)
    return f"{date_words(hass, clock, zone)} {clock:%H:%M %Z}"


@callback
def date_words(
    hass: HomeAssistant, moment: dt.datetime, zone: dt.tzinfo | None = None
) -> str:
    """
    Return the day of ``moment`` in words, "15 January", in ``zone`` (default: HA's time zone).

    The year only when it is not this one.
    """
    zone = zone or dt_util.get_default_time_zone()
    local = moment.astimezone(zone)
    month = say(hass, f"words_month_{local.month}")
    key = "words_date_first" if local.day == 1 else "words_date"
    text = say(hass, key, day=local.day, month=month)
    return text if local.year == dt_util.now(zone).year else f"{text} {local.year}"


@callback
def span_words(
    hass: HomeAssistant, start: dt.datetime | None, end: dt.datetime | None
) -> str:
    """Return a window in local time, "15 January 17:00–19:00"; the end's day only when it differs."""
    if start is None:
        return f"…–{until_words(hass, None, end)}"
    begin = f"{date_words(hass, start)} {dt_util.as_local(start):%H:%M}"
    return f"{begin}–{until_words(hass, start, end)}"


@callback
def until_words(
    hass: HomeAssistant, start: dt.datetime | None, end: dt.datetime | None
) -> str:
    """Return when a window ends in local time: "19:00" on the start's day, else with its day."""
    if end is None:
        return "…"
    clock = f"{dt_util.as_local(end):%H:%M}"
    if (
        start is not None
        and dt_util.as_local(start).date() == dt_util.as_local(end).date()
    ):
        return clock
    return f"{date_words(hass, end)} {clock}"


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
