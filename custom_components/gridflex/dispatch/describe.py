"""
Dispatch instructions in words: logbook lines and calendar events, in Home Assistant's language.

A logbook line is written as a ``gridflex_logbook`` event holding what happened (a sentence key
and raw values: ids, kW, UTC times); the logbook platform turns it into words when it is read,
so the line follows the language and time zone of the moment and writing it costs no formatting.
Products are named from the product table, power in kW, times in local time to the minute.
"""

from __future__ import annotations

from collections.abc import Mapping
import datetime as dt
import re
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from ..api.fpp.products import describe_product
from ..const import EVENT_LOGBOOK
from ..words import number, say, span_words, until_words

# Every sentence a ``gridflex_logbook`` event may name; any other key reads as a generic line.
LINE_KEYS = frozenset(
    {
        "logbook_received",
        "logbook_updated",
        "logbook_started",
        "logbook_started_late",
        "logbook_ended",
        "logbook_ended_stopped",
        "logbook_ended_missed",
        "logbook_cancelled",
        "control_turned_off",
        "control_turned_on",
        "control_back_on",
        "control_back_off",
        "control_by_hand",
        "control_longest_time",
        "control_skipped_turn_up",
        "control_skipped_product",
    }
)
UNKNOWN_LINE = "logbook_unknown"
_PLACEHOLDER = re.compile(r"\{\w+\}")


@callback
def product_name(code: str | None) -> str:
    """Name the product as the table does (an unknown code is shown as it is)."""
    return describe_product(code).name if code else "FPP"


@callback
def power_words(hass: HomeAssistant, direction: str, power_kw: Any) -> str:
    """``Turn down 2.5 kW`` (or without power when FPP gave none)."""
    key = "words_turn_up" if direction == "turn_up" else "words_turn_down"
    verb = say(hass, key)
    if isinstance(power_kw, bool) or not isinstance(power_kw, int | float):
        return verb
    return f"{verb} {number(hass, power_kw)} kW"


@callback
def write_line(
    hass: HomeAssistant,
    key: str,
    placeholders: Mapping[str, Any],
    about: Mapping[str, str | None],
) -> None:
    """
    Fire one ``gridflex_logbook`` event: what a line says, not its words.

    ``about`` names what the line belongs to: ``entity_id`` (the MU's *Dispatch* entity or a
    controlled device), the MU's ``device_id`` (its logbook lists the line) and, for the MU's
    own lines, ``meterable_unit_id`` (the name when the device is gone).
    """
    data: dict[str, Any] = {"key": key, "placeholders": dict(placeholders)}
    data.update((name, value) for name, value in about.items() if value is not None)
    hass.bus.async_fire(EVENT_LOGBOOK, data)


@callback
def dispatch_line(data: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """
    Return the sentence key and raw values of one ``gridflex_dispatch`` event's line, or None.

    An instruction cancelled while running fires ``cancelled`` then ``ended``; only the first
    gets a line, so a cancel reads as one change.
    """
    kind = str(data.get("type"))
    if kind == "ended" and data.get("reason") == "cancelled":
        return None
    key = f"logbook_{kind}"
    if kind == "started" and data.get("late"):
        key = "logbook_started_late"
    if kind == "ended":
        key = "logbook_ended_missed" if data.get("missed") else "logbook_ended"
        if data.get("reason") == "stopped":
            key = "logbook_ended_stopped"
    facts = ("product", "direction", "power_kw", "start", "end")
    placeholders = {name: data.get(name) for name in facts}
    placeholders["instruction"] = data.get("instruction_id")
    return key, placeholders


def _moment(value: Any) -> dt.datetime | None:
    moment = dt_util.parse_datetime(value) if isinstance(value, str) else None
    return moment if moment is not None and moment.tzinfo is not None else None


@callback
def line_words(hass: HomeAssistant, key: str, placeholders: Mapping[str, Any]) -> str:
    """Write one logbook line from its key and raw values, as people read them now."""
    if key not in LINE_KEYS:
        return say(hass, UNKNOWN_LINE)
    words: dict[str, object] = {
        name: value
        for name, value in placeholders.items()
        if isinstance(value, str | int | float)
    }
    if "product" in placeholders:
        code = placeholders["product"]
        code = code if isinstance(code, str) and code else None
        words["product"] = product_name(code)
        words["code"] = code or "-"
    if "direction" in placeholders:
        words["power"] = power_words(
            hass, str(placeholders["direction"]), placeholders.get("power_kw")
        )
    if "start" in placeholders or "end" in placeholders:
        start = _moment(placeholders.get("start"))
        end = _moment(placeholders.get("end"))
        words["span"] = span_words(hass, start, end)
        words["end"] = until_words(hass, start, end)
    line = say(hass, key, **words)
    # A value the sentence needs is missing (a damaged or older event): no half sentence.
    return say(hass, UNKNOWN_LINE) if _PLACEHOLDER.search(line) else line
