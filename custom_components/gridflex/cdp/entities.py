"""What each flexibility zone device shows: its delivery periods calendar and market sensors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import datetime as dt
from typing import Any

from homeassistant.components.calendar import CalendarEntity, CalendarEvent
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import Platform, UnitOfPower
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from homeassistant.util import dt as dt_util

from ..api.cdp import ATTRIBUTION, Outcome, TradePeriod, TradeResult
from ..api.cdp.market import (
    ResultsSummary,
    latest_results,
    next_closing,
    still_offered,
    upcoming,
)
from ..entity import GridFlexEntity
from .const import CONF_CMZ_CODE, LOOK_AHEAD
from .coordinator import CdpCoordinator
from .describe import capacity_range, period_event, period_summary

PRICE_UNIT = "GBP/MWh"


@dataclass(frozen=True, slots=True)
class ZoneView:
    """One zone's rows and the moment they are looked at."""

    periods: tuple[TradePeriod, ...]
    results: tuple[TradeResult, ...]
    now: dt.datetime

    def coming_week(self) -> list[TradePeriod]:
        """Return periods not over yet that start within the next 7 days."""
        return upcoming(self.periods, self.now, LOOK_AHEAD)

    def next_start(self) -> TradePeriod | None:
        """Return the next period that has not started yet."""
        return next((p for p in self.periods if p.start > self.now), None)

    def latest(self) -> ResultsSummary | None:
        """Return the latest trade's results."""
        return latest_results(self.results)


class ZoneEntity(CoordinatorEntity[CdpCoordinator], GridFlexEntity):
    """An entity of one flexibility zone, fed by the account's coordinator."""

    _attr_attribution = ATTRIBUTION

    def __init__(
        self, coordinator: CdpCoordinator, subentry: ConfigSubentry, key: str
    ) -> None:
        """Attach to the zone's device."""
        CoordinatorEntity.__init__(self, coordinator)
        GridFlexEntity.__init__(self, coordinator.config_entry, subentry, key)
        self._cmz_code: str = subentry.data[CONF_CMZ_CODE]

    def _view(self) -> ZoneView | None:
        data = self.coordinator.data
        if data is None:
            return None
        now = dt_util.utcnow()
        return ZoneView(
            still_offered(data.periods.get(self._cmz_code, ()), now),
            data.results.get(self._cmz_code, ()),
            now,
        )


class ZoneCalendar(ZoneEntity, CalendarEntity):
    """The zone's delivery periods: the running or next one, and any window asked for."""

    @property
    def event(self) -> CalendarEvent | None:
        """Return the running period, else the next one."""
        view = self._view()
        if view is None:
            return None
        now_or_next = upcoming(view.periods, view.now)
        return period_event(self.hass, now_or_next[0]) if now_or_next else None

    async def async_get_events(
        self, hass: HomeAssistant, start_date: dt.datetime, end_date: dt.datetime
    ) -> list[CalendarEvent]:
        """Return the periods overlapping the window."""
        view = self._view()
        if view is None:
            return []
        return [
            period_event(hass, p)
            for p in view.periods
            if p.end > start_date and p.start < end_date
        ]


@dataclass(frozen=True, kw_only=True)
class ZoneSensorDescription(SensorEntityDescription):
    """A zone sensor and how to read it from the zone's rows."""

    value: Callable[[ZoneView], float | dt.datetime | None]
    attributes: Callable[[HomeAssistant, ZoneView], dict[str, Any] | None] = (
        lambda _hass, _view: None
    )


def _period_attributes(
    hass: HomeAssistant, period: TradePeriod | None
) -> dict[str, Any] | None:
    if period is None:
        return None
    return {
        "trade": period.trade_name,
        "summary": period_summary(hass, period),
        "delivery_start": period.start.isoformat(),
        "delivery_end": period.end.isoformat(),
        "required_capacity": capacity_range(hass, period),
    }


def _largest(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def _results_attributes(_hass: HomeAssistant, view: ZoneView) -> dict[str, Any] | None:
    summary = view.latest()
    if summary is None:
        return None
    return {
        "trade": summary.trade_name,
        "trade_closed": summary.closes.isoformat() if summary.closes else None,
        "accepted": summary.outcomes[Outcome.ACCEPTED],
        "rejected": summary.outcomes[Outcome.REJECTED],
        "no_response": summary.outcomes[Outcome.NO_RESPONSE],
        "lowest_awarded_utilisation_price": summary.lowest_utilisation_price,
    }


def _closing(view: ZoneView) -> TradePeriod | None:
    return next_closing(view.periods, view.now)


ZONE_SENSORS = (
    ZoneSensorDescription(
        key="next_trade_closing",
        device_class=SensorDeviceClass.TIMESTAMP,
        value=lambda v: p.closes if (p := _closing(v)) else None,
        attributes=lambda hass, v: _period_attributes(hass, _closing(v)),
    ),
    ZoneSensorDescription(
        key="next_delivery_start",
        device_class=SensorDeviceClass.TIMESTAMP,
        value=lambda v: p.start if (p := v.next_start()) else None,
        attributes=lambda hass, v: _period_attributes(hass, v.next_start()),
    ),
    ZoneSensorDescription(
        key="highest_utilisation_ceiling_price",
        native_unit_of_measurement=PRICE_UNIT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value=lambda v: _largest([p.utilisation_ceiling for p in v.coming_week()]),
    ),
    ZoneSensorDescription(
        key="largest_required_capacity",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.MEGA_WATT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=3,
        value=lambda v: _largest([p.max_capacity_mw for p in v.coming_week()]),
    ),
    ZoneSensorDescription(
        key="latest_accepted_capacity",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        value=lambda v: s.accepted_capacity_kw if (s := v.latest()) else None,
        attributes=_results_attributes,
    ),
    ZoneSensorDescription(
        key="latest_awarded_utilisation_price",
        native_unit_of_measurement=PRICE_UNIT,
        suggested_display_precision=2,
        value=lambda v: s.highest_utilisation_price if (s := v.latest()) else None,
        attributes=_results_attributes,
    ),
    ZoneSensorDescription(
        key="latest_accepted_offers",
        state_class=SensorStateClass.MEASUREMENT,
        value=lambda v: s.outcomes[Outcome.ACCEPTED] if (s := v.latest()) else None,
        attributes=_results_attributes,
    ),
)


class ZoneSensor(ZoneEntity, SensorEntity):
    """One market figure of a zone."""

    entity_description: ZoneSensorDescription

    def __init__(
        self,
        coordinator: CdpCoordinator,
        subentry: ConfigSubentry,
        description: ZoneSensorDescription,
    ) -> None:
        """Attach to the zone's device."""
        super().__init__(coordinator, subentry, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> float | dt.datetime | None:
        """Return the figure from the zone's rows now."""
        view = self._view()
        return None if view is None else self.entity_description.value(view)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return what the figure is about."""
        view = self._view()
        return (
            None
            if view is None
            else self.entity_description.attributes(self.hass, view)
        )


def zone_entities(
    coordinator: CdpCoordinator, platform: Platform
) -> dict[str | None, list[Entity]]:
    """Return one platform's entities, grouped by zone sub-entry id."""
    build: dict[Platform, Callable[[ConfigSubentry], list[Entity]]] = {
        Platform.CALENDAR: lambda sub: [
            ZoneCalendar(coordinator, sub, "delivery_periods")
        ],
        Platform.SENSOR: lambda sub: [
            ZoneSensor(coordinator, sub, d) for d in ZONE_SENSORS
        ],
    }
    if platform not in build:
        return {}
    return {sub.subentry_id: build[platform](sub) for sub in coordinator.zones}
