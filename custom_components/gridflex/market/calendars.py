"""Market Gateway calendars: delivery periods of trade opportunities, and awarded windows."""

from __future__ import annotations

import datetime as dt

from homeassistant.components.calendar import CalendarEntity, CalendarEvent
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from homeassistant.util import dt as dt_util

from ..api.fpp.products import market_gateway_product_name
from ..api.market_gateway import TradeAward, TradeOpportunity
from ..entity import GridFlexEntity, events_overlapping
from ..words import moment_words, number, say
from .coordinator import MarketData, MarketGatewayCoordinator

_PRICE_UNITS = {"/MWh": "words_price_per_mwh", "/MW/h": "words_price_per_mw_h"}


@callback
def _money(hass: HomeAssistant, value: float | None, unit: str) -> str:
    """``£7.02/MWh`` in English, ``7,02 £/MWh`` in French."""
    if value is None:
        return say(hass, "words_not_given")
    return say(hass, _PRICE_UNITS[unit], amount=number(hass, value, 2))


@callback
def _mw(hass: HomeAssistant, value: float | None) -> str:
    if value is None:
        return say(hass, "words_not_given")
    return f"{number(hass, value)} MW"


# serviceResponseDirection codes (market-gateway.md); an unknown code is shown as it is.
_DIRECTIONS = frozenset({"DTU", "DTD", "GTU", "GTD"})


@callback
def direction_words(hass: HomeAssistant, code: str | None) -> str:
    """``DTU`` reads "Demand turn up"; ``DTD/GTU`` reads "Demand turn down / Generation turn up"."""
    if not code:
        return say(hass, "words_not_given")
    parts = [p.strip() for p in code.replace(",", "/").split("/") if p.strip()]
    return " / ".join(
        say(hass, f"market_direction_{p.lower()}") if p.upper() in _DIRECTIONS else p
        for p in parts
    )


@callback
def _or_not_given(hass: HomeAssistant, value: str | None) -> str:
    return value or say(hass, "words_not_given")


@callback
def opportunity_events(
    hass: HomeAssistant, opportunity: TradeOpportunity, now: dt.datetime
) -> list[CalendarEvent]:
    """One event per delivery period of an opportunity, in Home Assistant's language."""
    summary = say(
        hass,
        "market_opportunity_open"
        if opportunity.is_open(now)
        else "market_opportunity_closed",
        name=opportunity.name,
    )
    facts = {
        "opportunity": opportunity.id,
        "zone": _or_not_given(hass, opportunity.zone),
        "direction": direction_words(hass, opportunity.direction),
        "product": _or_not_given(
            hass,
            opportunity.product and market_gateway_product_name(opportunity.product),
        ),
        "ceiling": _money(hass, opportunity.utilisation_ceiling_price, "/MWh"),
        "closing": moment_words(
            hass, opportunity.closing, dt_util.get_default_time_zone()
        ),
    }
    return [
        CalendarEvent(
            start=period.start,
            end=period.end,
            summary=summary,
            description=say(
                hass,
                "market_opportunity_description",
                **facts,
                window=window.id,
                capacity=_mw(hass, period.min_required_capacity_mw),
            ),
            uid=f"{opportunity.id}_{window.id}_{period.start:%Y%m%dT%H%MZ}",
        )
        for window in opportunity.windows
        for period in window.delivery_periods
    ]


@callback
def award_events(
    hass: HomeAssistant, award: TradeAward, unit_name: str
) -> list[CalendarEvent]:
    """One event per awarded delivery period, in Home Assistant's language."""
    summary = say(
        hass,
        "market_award_summary",
        unit=unit_name,
        capacity=_mw(hass, award.awarded_capacity_mw),
    )
    description = say(
        hass,
        "market_award_description",
        award=award.id,
        unit=_or_not_given(hass, award.meterable_unit_id),
        opportunity=_or_not_given(hass, award.opportunity_id),
        product=_or_not_given(
            hass, award.product and market_gateway_product_name(award.product)
        ),
        zone=_or_not_given(hass, award.zone),
        utilisation=_money(hass, award.utilisation_price, "/MWh"),
        availability=_money(hass, award.availability_price, "/MW/h"),
    )
    return [
        CalendarEvent(
            start=period.start,
            end=period.end,
            summary=summary,
            description=description,
            uid=f"{award.id}_{window.id}_{period.start:%Y%m%dT%H%MZ}",
        )
        for window in award.windows
        for period in window.delivery_periods
    ]


class MarketCalendar(
    CoordinatorEntity[MarketGatewayCoordinator], GridFlexEntity, CalendarEntity
):
    """Base: events from the coordinator's data, the current or next one as state."""

    def __init__(
        self,
        entry: ConfigEntry,
        coordinator: MarketGatewayCoordinator,
        key: str,
    ) -> None:
        """Follow ``coordinator``."""
        CoordinatorEntity.__init__(self, coordinator)
        GridFlexEntity.__init__(self, entry, None, key)

    def _all(self, data: MarketData, now: dt.datetime) -> list[CalendarEvent]:
        raise NotImplementedError

    def _sorted(self) -> list[CalendarEvent]:
        now = dt_util.utcnow()
        return sorted(
            self._all(self.coordinator.data, now), key=lambda e: e.start_datetime_local
        )

    @property
    def event(self) -> CalendarEvent | None:
        """The delivery period under way, else the next one."""
        now = dt_util.utcnow()
        return next((e for e in self._sorted() if e.end_datetime_local > now), None)

    async def async_get_events(
        self, hass: HomeAssistant, start_date: dt.datetime, end_date: dt.datetime
    ) -> list[CalendarEvent]:
        """Events overlapping the window."""
        return events_overlapping(self._sorted(), start_date, end_date)


class TradeOpportunityCalendar(MarketCalendar):
    """Delivery periods of the trade opportunities in the followed zones."""

    def _all(self, data: MarketData, now: dt.datetime) -> list[CalendarEvent]:
        return [
            e for o in data.opportunities for e in opportunity_events(self.hass, o, now)
        ]


class TradeAwardCalendar(MarketCalendar):
    """Delivery periods awarded to the account's Meterable Units."""

    def _all(self, data: MarketData, now: dt.datetime) -> list[CalendarEvent]:
        names = {mu: unit.name for mu, unit in data.meterable_units.items()}
        return [
            e
            for a in data.awards
            for e in award_events(
                self.hass,
                a,
                names.get(a.meterable_unit_id or "", a.meterable_unit_id or "?"),
            )
        ]
