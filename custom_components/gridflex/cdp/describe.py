"""
Delivery periods in words, in Home Assistant's language.

Product names, the service wanted, capacities and prices; UK clock times with the day in
words of Home Assistant's language ("8 December 07:00 GMT", "8 décembre 07:00 GMT").
"""

from __future__ import annotations

import datetime as dt
import re

from homeassistant.components.calendar import CalendarEvent
from homeassistant.core import HomeAssistant, callback

from ..api.cdp import ATTRIBUTION, TradePeriod, Zone
from ..api.fpp.products import market_gateway_product_name
from ..api.uk_time import UK
from ..words import moment_words, number, say

_CODE_IN_BRACKETS = re.compile(r"\s*\([A-Z/]{2,}\)")


def product_names(codes: tuple[str, ...] | list[str]) -> str:
    """Return product codes as names, comma separated."""
    return ", ".join(market_gateway_product_name(code) for code in codes)


def service_words(service: str | None) -> str | None:
    """Drop the short codes: "Demand Turn Down (DTD) / ..." reads "Demand Turn Down / ..."."""
    return _CODE_IN_BRACKETS.sub("", service).strip() if service else None


def _mw(hass: HomeAssistant, value: float | None) -> str:
    return "?" if value is None else number(hass, value)


@callback
def capacity_range(hass: HomeAssistant, period: TradePeriod) -> str | None:
    """Return "0.1–0.564 MW", "up to 0.564 MW" or None when neither end is known."""
    low, high = period.min_capacity_mw, period.max_capacity_mw
    if low is None and high is None:
        return None
    if not low:
        return say(hass, "cdp_capacity_up_to", high=_mw(hass, high))
    return say(hass, "cdp_capacity_range", low=_mw(hass, low), high=_mw(hass, high))


def _price(hass: HomeAssistant, value: float | None, key: str) -> str | None:
    """``£7.02/MWh`` in English, ``7,02 £/MWh`` in French (key: the unit's sentence)."""
    return None if value is None else say(hass, key, amount=number(hass, value, 2))


@callback
def uk_time(hass: HomeAssistant, moment: dt.datetime | None) -> str:
    """Return a moment as UK clock time, "1 December 07:00 GMT" (BST in summer)."""
    return moment_words(hass, moment, UK)


@callback
def zone_label(hass: HomeAssistant, zone: Zone) -> str:
    """One line per zone in the postcode lookup: level, name, licence area, products, code."""
    name = zone.name or zone.cmz_code
    if zone.voltage:
        level = say(hass, "cdp_zone_level", level=zone.voltage.value.upper(), name=name)
    else:
        level = say(hass, "cdp_zone", name=name)
    parts = [level]
    if zone.licence_area:
        parts.append(zone.licence_area)
    if zone.products:
        parts.append(product_names(zone.products))
    parts.append(zone.cmz_code)
    return " — ".join(parts)


@callback
def period_summary(hass: HomeAssistant, period: TradePeriod) -> str:
    """
    E.g. "Up to 0.564 MW, £7.02/MWh — Scheduled Utilisation – HV (Demand Turn Down)".

    What is wanted comes first: a month view shows only the start of a summary.
    """
    words = [
        w
        for w in (
            capacity_range(hass, period),
            _price(hass, period.utilisation_ceiling, "words_price_per_mwh"),
        )
        if w
    ]
    product = market_gateway_product_name(period.product or "") or say(
        hass, "cdp_trade"
    )
    if service := service_words(period.required_service):
        product = say(hass, "cdp_product_service", product=product, service=service)
    if not words:
        return product
    details = ", ".join(words)
    return say(
        hass, "cdp_summary", product=product, details=details[:1].upper() + details[1:]
    )


@callback
def period_description(hass: HomeAssistant, period: TradePeriod) -> str:
    """Everything the row says, one fact a line, times in UK clock time."""
    not_given = say(hass, "words_not_given")
    text = say(
        hass,
        "cdp_description",
        trade=period.trade_name or say(hass, "cdp_not_named"),
        zone=f"{period.cmz_name or period.cmz_code} ({period.cmz_code})",
        service=period.required_service or not_given,
        capacity=capacity_range(hass, period) or not_given,
        utilisation=_price(hass, period.utilisation_ceiling, "words_price_per_mwh")
        or not_given,
        availability=_price(hass, period.availability_ceiling, "words_price_per_mw_h")
        or not_given,
        opens=uk_time(hass, period.opens),
        closes=uk_time(hass, period.closes),
        start=uk_time(hass, period.start),
        end=uk_time(hass, period.end),
    )
    lines = [text]
    if period.max_voltage_kv is not None:
        lines.append(
            say(hass, "cdp_max_voltage", kv=number(hass, period.max_voltage_kv))
        )
    lines.append(ATTRIBUTION)
    return "\n".join(lines)


@callback
def period_event(hass: HomeAssistant, period: TradePeriod) -> CalendarEvent:
    """One delivery period as a calendar event (aware UK times)."""
    return CalendarEvent(
        start=period.start.astimezone(UK),
        end=period.end.astimezone(UK),
        summary=period_summary(hass, period),
        description=period_description(hass, period),
        location=period.cmz_name or period.cmz_code,
        uid=f"{period.cmz_code}_{period.start.astimezone(dt.UTC).isoformat()}",
    )
