"""Market Gateway calendars: delivery periods of trade opportunities, and awarded windows."""

from __future__ import annotations

import datetime as dt

from homeassistant.components.calendar import CalendarEntity, CalendarEvent
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from homeassistant.util import dt as dt_util

from ..api.market_gateway import TradeAward, TradeOpportunity
from ..entity import GridFlexEntity
from .coordinator import MarketData, MarketGatewayCoordinator


def _local(moment: dt.datetime | None) -> str:
    if moment is None:
        return "not given"
    return dt_util.as_local(moment).strftime("%a %d %b %Y %H:%M")


def _money(value: float | None, unit: str) -> str:
    return f"£{value:g}{unit}" if value is not None else "not given"


def opportunity_events(
    opportunity: TradeOpportunity, now: dt.datetime
) -> list[CalendarEvent]:
    """One event per delivery period of an opportunity."""
    state = "open" if opportunity.is_open(now) else "closed"
    lines = [
        f"Opportunity: {opportunity.id} ({state})",
        f"Zone: {opportunity.zone or 'not given'}",
        f"Direction: {opportunity.direction or 'not given'}",
        f"Product: {opportunity.product or 'not given'}",
        f"Utilisation ceiling price: {_money(opportunity.utilisation_ceiling_price, '/MWh')}",
        f"Responses close: {_local(opportunity.closing)}",
    ]
    events = []
    for window in opportunity.windows:
        for period in window.delivery_periods:
            capacity = (
                f"Minimum capacity: {period.min_required_capacity_mw:g} MW"
                if period.min_required_capacity_mw is not None
                else "Minimum capacity: not given"
            )
            events.append(
                CalendarEvent(
                    start=period.start,
                    end=period.end,
                    summary=f"{opportunity.name} ({state})",
                    description="\n".join([*lines, f"Window: {window.id}", capacity]),
                    uid=f"{opportunity.id}_{window.id}_{period.start:%Y%m%dT%H%MZ}",
                )
            )
    return events


def award_events(award: TradeAward, unit_name: str) -> list[CalendarEvent]:
    """One event per awarded delivery period."""
    capacity = (
        f"{award.awarded_capacity_mw:g} MW"
        if award.awarded_capacity_mw is not None
        else "capacity not given"
    )
    description = "\n".join(
        [
            f"Award: {award.id}",
            f"Meterable Unit: {award.meterable_unit_id or 'not given'}",
            f"Opportunity: {award.opportunity_id or 'not given'}",
            f"Product: {award.product or 'not given'}",
            f"Zone: {award.zone or 'not given'}",
            f"Utilisation price: {_money(award.utilisation_price, '/MWh')}",
            f"Availability price: {_money(award.availability_price, '/MW/h')}",
        ]
    )
    return [
        CalendarEvent(
            start=period.start,
            end=period.end,
            summary=f"{unit_name}: {capacity} awarded",
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
        return [
            e
            for e in self._sorted()
            if e.end_datetime_local > start_date and e.start_datetime_local < end_date
        ]


class TradeOpportunityCalendar(MarketCalendar):
    """Delivery periods of the trade opportunities in the followed zones."""

    def _all(self, data: MarketData, now: dt.datetime) -> list[CalendarEvent]:
        return [e for o in data.opportunities for e in opportunity_events(o, now)]


class TradeAwardCalendar(MarketCalendar):
    """Delivery periods awarded to the account's Meterable Units."""

    def _all(self, data: MarketData, now: dt.datetime) -> list[CalendarEvent]:
        names = {mu: unit.name for mu, unit in data.meterable_units.items()}
        return [
            e
            for a in data.awards
            for e in award_events(
                a, names.get(a.meterable_unit_id or "", a.meterable_unit_id or "?")
            )
        ]
