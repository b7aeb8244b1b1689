"""
Dispatch instructions in words: logbook lines and calendar events, in Home Assistant's language.

Products are named from the product table, power in kW, times in local time to the minute.
"""

from __future__ import annotations

from collections.abc import Mapping
import datetime as dt
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from ..api.fpp.products import describe_product
from ..words import number, say


def local_time(moment: dt.datetime | str | None, *, with_date: bool = True) -> str:
    """``2026-01-15 17:00`` in Home Assistant's time zone (no seconds, no ``Z``)."""
    if isinstance(moment, str):
        moment = dt_util.parse_datetime(moment)
    if moment is None:
        return "?"
    return dt_util.as_local(moment).strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")


def local_span(start: dt.datetime | str | None, end: dt.datetime | str | None) -> str:
    """``2026-01-15 17:00–19:00``; the end's date is shown when it is another day."""
    if isinstance(start, str):
        start = dt_util.parse_datetime(start)
    if isinstance(end, str):
        end = dt_util.parse_datetime(end)
    if end is None:
        return f"{local_time(start)}–…"
    same_day = (
        start is not None
        and dt_util.as_local(start).date() == dt_util.as_local(end).date()
    )
    return f"{local_time(start)}–{local_time(end, with_date=not same_day)}"


@callback
def product_name(code: str | None) -> str:
    """Name the product as the table does (an unknown code is shown as it is)."""
    return describe_product(code).name if code else "FPP"


@callback
def power_words(hass: HomeAssistant, direction: str, power_kw: Any) -> str:
    """``Turn down 2.5 kW`` (or without power when FPP gave none)."""
    key = "words_turn_up" if direction == "turn_up" else "words_turn_down"
    verb = say(hass, key)
    if not isinstance(power_kw, int | float):
        return verb
    return f"{verb} {number(hass, power_kw)} kW"


@callback
def dispatch_line(hass: HomeAssistant, data: Mapping[str, Any]) -> str | None:
    """
    Return the logbook line of one ``gridflex_dispatch`` event, or None when it adds nothing.

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
    return say(
        hass,
        key,
        product=product_name(data.get("product")),
        power=power_words(hass, str(data.get("direction")), data.get("power_kw")),
        span=local_span(data.get("start"), data.get("end")),
        end=local_time(data.get("end")) if data.get("end") else "…",
        instruction=data.get("instruction_id"),
    )
