"""Market Gateway sensors: open opportunities, awards per Meterable Unit, baselines."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import datetime as dt
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import UnitOfPower
from homeassistant.core import callback
from homeassistant.helpers.event import async_track_utc_time_change
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from homeassistant.util import dt as dt_util

from ..api.market_gateway import DeliveryPeriod, TradeAward
from ..api.uk_time import UK
from ..entity import GridFlexEntity
from .coordinator import MarketData, MarketGatewayCoordinator

PRICE_PER_MWH = "GBP/MWh"
PRICE_PER_MW_H = "GBP/MW/h"
MEGAWATT = "MW"
MAX_LISTED = 10


@dataclass(frozen=True, kw_only=True)
class AccountSensorDescription(SensorEntityDescription):
    """A sensor of the whole Market Gateway account."""

    value: Callable[[MarketData, dt.datetime], Any]
    attributes: Callable[[MarketData, dt.datetime], dict[str, Any]] = lambda d, n: {}


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _open_list(data: MarketData, now: dt.datetime) -> dict[str, Any]:
    return {
        "zones": list(data.zones),
        "opportunities": [
            {
                "id": o.id,
                "name": o.name,
                "zone": o.zone,
                "direction": o.direction,
                "closing": _iso(o.closing),
                "utilisation_ceiling_price": o.utilisation_ceiling_price,
            }
            for o in data.open_opportunities(now)[:MAX_LISTED]
        ],
    }


def _next_closing(data: MarketData, now: dt.datetime) -> dt.datetime | None:
    return next((o.closing for o in data.open_opportunities(now) if o.closing), None)


def _best_price(data: MarketData, now: dt.datetime) -> float | None:
    prices = [
        o.utilisation_ceiling_price
        for o in data.open_opportunities(now)
        if o.utilisation_ceiling_price is not None
    ]
    return max(prices) if prices else None


def _best_price_source(data: MarketData, now: dt.datetime) -> dict[str, Any]:
    best = _best_price(data, now)
    found = next(
        (
            o
            for o in data.open_opportunities(now)
            if o.utilisation_ceiling_price == best
        ),
        None,
    )
    return {"opportunity_id": found.id, "name": found.name} if found else {}


ACCOUNT_SENSORS = (
    AccountSensorDescription(
        key="open_trade_opportunities",
        translation_key="open_trade_opportunities",
        state_class=SensorStateClass.MEASUREMENT,
        value=lambda d, n: len(d.open_opportunities(n)),
        attributes=_open_list,
    ),
    AccountSensorDescription(
        key="next_trade_closing",
        translation_key="next_trade_closing",
        device_class=SensorDeviceClass.TIMESTAMP,
        value=_next_closing,
    ),
    AccountSensorDescription(
        key="best_utilisation_ceiling_price",
        translation_key="best_utilisation_ceiling_price",
        native_unit_of_measurement=PRICE_PER_MWH,
        value=_best_price,
        attributes=_best_price_source,
    ),
)


def current_or_next_award(
    awards: list[TradeAward], mu_id: str, now: dt.datetime
) -> tuple[TradeAward, DeliveryPeriod] | None:
    """Return the award of one MU whose delivery period is under way, else the next one."""
    periods = [
        (award, period)
        for award in awards
        if award.meterable_unit_id == mu_id
        for period in award.delivery_periods
        if period.end > now
    ]
    return min(periods, key=lambda ap: ap[1].start) if periods else None


def baseline_now(data: MarketData, mu_id: str, now: dt.datetime) -> float | None:
    """Return the MU's baseline for the half-hour under way (baselines are period-beginning, UK clock)."""
    local = now.astimezone(UK)
    slot = dt.time(local.hour, 30 if local.minute >= 30 else 0)
    return next(
        (
            p.power_kw
            for p in data.baselines.get(mu_id, [])
            if p.day_of_week == local.weekday() and p.local_time == slot
        ),
        None,
    )


class MarketEntity(CoordinatorEntity[MarketGatewayCoordinator], GridFlexEntity):
    """A Market Gateway entity on the account's device."""

    def __init__(
        self,
        entry: ConfigEntry,
        coordinator: MarketGatewayCoordinator,
        key: str,
        mu_id: str | None = None,
    ) -> None:
        """Place the entity on the account; one per MU when ``mu_id`` is given."""
        CoordinatorEntity.__init__(self, coordinator)
        GridFlexEntity.__init__(self, entry, None, key)
        self._mu_id = mu_id
        if mu_id is not None:
            unit = coordinator.data.meterable_units.get(mu_id)
            self._attr_unique_id = f"{entry.unique_id}_{mu_id}_{key}"
            self._attr_translation_placeholders = {
                "unit": unit.name if unit and unit.name != mu_id else mu_id
            }


class AccountSensor(MarketEntity, SensorEntity):
    """Open opportunities, next closing time, best utilisation ceiling price."""

    entity_description: AccountSensorDescription

    def __init__(
        self,
        entry: ConfigEntry,
        coordinator: MarketGatewayCoordinator,
        description: AccountSensorDescription,
    ) -> None:
        """Show one value of the account."""
        super().__init__(entry, coordinator, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> Any:
        """The value as of now."""
        return self.entity_description.value(self.coordinator.data, dt_util.utcnow())

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Details behind the value."""
        return self.entity_description.attributes(
            self.coordinator.data, dt_util.utcnow()
        )


class AwardSensor(MarketEntity, SensorEntity):
    """Awarded capacity (or a price) of one MU's current or next awarded delivery period."""

    def __init__(
        self,
        entry: ConfigEntry,
        coordinator: MarketGatewayCoordinator,
        key: str,
        mu_id: str,
    ) -> None:
        """Follow one MU's awards."""
        super().__init__(entry, coordinator, key, mu_id)
        self._attr_native_unit_of_measurement = {
            "awarded_capacity": MEGAWATT,
            "award_utilisation_price": PRICE_PER_MWH,
            "award_availability_price": PRICE_PER_MW_H,
        }[key]

    async def async_added_to_hass(self) -> None:
        """Move on when a delivery period starts or ends (they fall on whole minutes)."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_track_utc_time_change(self.hass, self._tick, second=0)
        )

    @callback
    def _tick(self, _now: dt.datetime) -> None:
        self.async_write_ha_state()

    def _found(self) -> tuple[TradeAward, DeliveryPeriod] | None:
        return current_or_next_award(
            self.coordinator.data.awards, str(self._mu_id), dt_util.utcnow()
        )

    @property
    def native_value(self) -> float | None:
        """Capacity (0 with no award ahead) or price (unknown with no award ahead)."""
        found = self._found()
        key = self._attr_translation_key
        if found is None:
            return 0.0 if key == "awarded_capacity" else None
        award = found[0]
        if key == "awarded_capacity":
            return award.awarded_capacity_mw
        if key == "award_utilisation_price":
            return award.utilisation_price
        return award.availability_price

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Which award and delivery period the value comes from."""
        found = self._found()
        if found is None:
            return {}
        award, period = found
        return {
            "award_id": award.id,
            "opportunity_id": award.opportunity_id,
            "product": award.product,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "under_way": period.start <= dt_util.utcnow(),
        }


class BaselineSensor(MarketEntity, SensorEntity):
    """The MU's baseline power for the half-hour under way, with today's table."""

    _attr_device_class = SensorDeviceClass.POWER
    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_native_unit_of_measurement = UnitOfPower.KILO_WATT

    async def async_added_to_hass(self) -> None:
        """Move on at every half-hour (UK half-hours fall on UTC half-hours)."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_track_utc_time_change(self.hass, self._tick, minute=(0, 30), second=0)
        )

    @callback
    def _tick(self, _now: dt.datetime) -> None:
        self.async_write_ha_state()

    @property
    def native_value(self) -> float | None:
        """Baseline of the half-hour that began last (unknown without a baseline)."""
        return baseline_now(self.coordinator.data, str(self._mu_id), dt_util.utcnow())

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Today's baseline, UK clock time of each half-hour's start → kW."""
        weekday = dt_util.utcnow().astimezone(UK).weekday()
        points = sorted(
            (
                p
                for p in self.coordinator.data.baselines.get(str(self._mu_id), [])
                if p.day_of_week == weekday
            ),
            key=lambda p: p.local_time,
        )
        return {
            "period_beginning": True,
            "today": {f"{p.local_time:%H:%M}": p.power_kw for p in points},
        }


def trading_sensors(
    entry: ConfigEntry, coordinator: MarketGatewayCoordinator
) -> list[SensorEntity]:
    """Return a Market Gateway account's sensors: the account's, then each MU's."""
    entities: list[SensorEntity] = [
        AccountSensor(entry, coordinator, d) for d in ACCOUNT_SENSORS
    ]
    for mu_id in coordinator.data.meterable_units:
        entities.extend(
            AwardSensor(entry, coordinator, key, mu_id)
            for key in (
                "awarded_capacity",
                "award_utilisation_price",
                "award_availability_price",
            )
        )
        entities.append(BaselineSensor(entry, coordinator, "baseline", mu_id))
    return entities
