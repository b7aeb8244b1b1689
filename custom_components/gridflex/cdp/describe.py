"""Delivery periods in words: product names, the service wanted, capacities and prices, UK times."""

from __future__ import annotations

import datetime as dt
import re

from homeassistant.components.calendar import CalendarEvent

from ..api.cdp import ATTRIBUTION, TradePeriod, Zone
from ..api.cdp.values import UK
from ..api.fpp.products import market_gateway_product_name

_CODE_IN_BRACKETS = re.compile(r"\s*\([A-Z/]{2,}\)")


def product_names(codes: tuple[str, ...] | list[str]) -> str:
    """Return product codes as names, comma separated."""
    return ", ".join(market_gateway_product_name(code) for code in codes)


def service_words(service: str | None) -> str | None:
    """Drop the short codes: "Demand Turn Down (DTD) / ..." reads "Demand Turn Down / ..."."""
    return _CODE_IN_BRACKETS.sub("", service).strip() if service else None


def _mw(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


def capacity_range(period: TradePeriod) -> str | None:
    """Return "0–0.564 MW", "up to 0.564 MW" or None when neither end is known."""
    low, high = period.min_capacity_mw, period.max_capacity_mw
    if low is None and high is None:
        return None
    if not low:
        return f"up to {_mw(high)} MW"
    return f"{_mw(low)}–{_mw(high)} MW"


def _price(value: float | None, unit: str) -> str | None:
    return None if value is None else f"£{value:,.2f}{unit}"


def uk_time(moment: dt.datetime | None) -> str:
    """Return a moment as UK clock time, with GMT or BST said."""
    if moment is None:
        return "not given"
    return moment.astimezone(UK).strftime("%a %d %b %Y %H:%M %Z")


def zone_label(zone: Zone) -> str:
    """One line per zone in the postcode lookup: level, name, licence area, products, code."""
    level = f"{zone.voltage.value.upper()} zone" if zone.voltage else "Zone"
    parts = [f"{level} {zone.name or zone.cmz_code}"]
    if zone.licence_area:
        parts.append(zone.licence_area)
    if zone.products:
        parts.append(product_names(zone.products))
    parts.append(zone.cmz_code)
    return " — ".join(parts)


def period_summary(period: TradePeriod) -> str:
    """E.g. "Scheduled Utilisation – HV: Demand Turn Down, up to 0.564 MW, £7.02/MWh"."""
    words = [
        w
        for w in (
            service_words(period.required_service),
            capacity_range(period),
            _price(period.utilisation_ceiling, "/MWh"),
        )
        if w
    ]
    product = market_gateway_product_name(period.product or "") or "Flexibility trade"
    return f"{product}: {', '.join(words)}" if words else product


def period_description(period: TradePeriod) -> str:
    """Everything the row says, one fact a line, times in UK clock time."""
    lines = [
        f"Trade: {period.trade_name or 'not named'}",
        f"Zone: {period.cmz_name or period.cmz_code} ({period.cmz_code})",
        f"Required service: {period.required_service or 'not given'}",
        f"Required capacity: {capacity_range(period) or 'not given'}",
        "Utilisation ceiling price: "
        + (_price(period.utilisation_ceiling, "/MWh") or "not given"),
        "Availability ceiling price: "
        + (_price(period.availability_ceiling, "/MW/h") or "not given"),
        f"Offers open: {uk_time(period.opens)}",
        f"Offers close: {uk_time(period.closes)}",
        f"Delivery: {uk_time(period.start)} to {uk_time(period.end)}",
    ]
    if period.max_voltage_kv is not None:
        lines.append(f"Maximum connection voltage: {period.max_voltage_kv:g} kV")
    lines.append(ATTRIBUTION)
    return "\n".join(lines)


def period_event(period: TradePeriod) -> CalendarEvent:
    """One delivery period as a calendar event (aware UK times)."""
    return CalendarEvent(
        start=period.start.astimezone(UK),
        end=period.end.astimezone(UK),
        summary=period_summary(period),
        description=period_description(period),
        location=period.cmz_name or period.cmz_code,
        uid=f"{period.cmz_code}_{period.start.astimezone(dt.UTC).isoformat()}",
    )
